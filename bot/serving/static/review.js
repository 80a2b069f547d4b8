/* The review queue page: clusters of questions to decide (GET/POST /api/admin/review…), the FAQ-gap
 * export and the Publish button (/api/admin/publish, /api/admin/index). Every call carries the admin
 * key. All server text goes in through textContent. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const keyInput = $("admin-key"), userInput = $("admin-user");
  const accessError = $("access-error"), queueStatus = $("queue-status"), clustersBox = $("clusters");
  const publishButton = $("publish-button"), publishStatus = $("publish-status"), progress = $("publish-progress");
  const KIND_LABELS = { abstain: "回答できなかった", down: "低評価", tie: "僅差", choice: "利用者が選択" };
  keyInput.value = sessionStorage.getItem("faqbotAdminKey") || "";
  userInput.value = sessionStorage.getItem("faqbotAdminUser") || "";
  let loaded = false;
  let clusterSeq = 0;

  const { el } = window.faqbotDom;

  function headers(json) {
    const h = { "X-Admin-Key": keyInput.value };
    // Header values are ASCII: a Japanese name goes percent-encoded (the server decodes it).
    if (userInput.value.trim()) h["X-Admin-User"] = encodeURIComponent(userInput.value.trim());
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  class ApiError extends Error {}

  async function describe(res) {
    const body = await res.json().catch(() => null);
    const detail = (body && body.error && body.error.message) || String(res.status);
    if (res.status === 401) return `管理キーが正しくないか、サーバーで管理キーが設定されていません（${detail}）`;
    if (res.status === 503) return `現在利用できません：${detail}`;
    return detail;
  }

  async function api(method, path, body) {
    const res = await fetch(path, {
      method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body),
    }).catch(() => null);
    if (!res) throw new ApiError("サーバーに接続できません。時間をおいて再度お試しください。");
    if (!res.ok) { const e = new ApiError(await describe(res)); e.status = res.status; throw e; }
    return res;
  }

  const day = (iso) => (iso || "").slice(0, 16).replace("T", " ");

  function showAccessError(message) {
    accessError.textContent = message;
    accessError.hidden = false;
  }

  function setPrivacy(view) {
    const note = $("privacy-note");
    note.textContent = (view.log_questions
      ? "質問文はアクセスログにも記録されています（FAQBOT_LOG_QUESTIONS=true）。"
      : "質問文はログに記録されません（FAQBOT_LOG_QUESTIONS=false）。")
      + `保存された質問は ${view.retention_days} 日後に自動で削除されます。`;
    note.hidden = false;
  }

  function kindChips(kinds) {
    const box = el("p", { class: "kinds" });
    for (const [k, n] of Object.entries(kinds)) box.append(el("span", { class: "kind kind-" + k, text: `${KIND_LABELS[k] || k} ${n}` }));
    return box;
  }

  // `target` is a function: a cluster's id changes when its earliest member is decided on its own.
  function actionButtons(target, label, numberInput, onDone) {
    const box = el("div", { class: "desk-actions" });
    const accept = el("button", { class: "button", type: "button", text: "言い換えとして採用", "data-action": "accept" });
    const gap = el("button", { class: "button secondary", type: "button", text: "FAQの不足として記録", "data-action": "gap" });
    const dismiss = el("button", { class: "button secondary", type: "button", text: "対象外にする", "data-action": "dismiss" });
    for (const b of [accept, gap, dismiss]) {
      b.setAttribute("aria-describedby", label);
      b.addEventListener("click", () => decide(target(), b.dataset.action, numberInput, [accept, gap, dismiss], onDone));
      box.append(b);
    }
    return box;
  }

  async function decide(target, action, numberInput, buttons, onDone) {
    let body;
    if (action === "accept") {
      const no = Number.parseInt(numberInput.value, 10);
      if (!Number.isInteger(no) || no < 1) {
        queueStatus.textContent = "採用するFAQ番号を入力してください。";
        numberInput.focus();
        return;
      }
      body = { no };
    }
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const res = await api("POST", `/api/admin/review/${encodeURIComponent(target)}/${action}`, body);
      const d = await res.json();
      const n = d.request_ids.length;
      queueStatus.textContent = action === "accept"
        ? `${n}件の質問を No.${d.entry_no} の言い換えとして採用しました（新しい言い換え ${d.added_phrasings.length}件）。「公開する」で反映されます。`
        : action === "gap" ? `${n}件の質問を FAQ の不足として記録しました。` : `${n}件の質問を対象外にしました。`;
      onDone();
      refreshIndex();
      loadLog();
    } catch (err) {
      queueStatus.textContent = `操作できませんでした：${err.message}`;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function removeCluster(article) {
    const next = article.nextElementSibling || article.previousElementSibling;
    article.remove();
    const heading = next && next.querySelector("h3");
    (heading || $("queue-heading")).focus();
    if (!clustersBox.children.length) clustersBox.append(el("p", { class: "hint", text: "審査待ちの質問はありません。" }));
  }

  function renderCluster(c) {
    const id = `cluster-${++clusterSeq}`;
    const article = el("article", { class: "cluster panel", "aria-labelledby": id + "-h", "data-cluster": c.id });
    article.append(el("h3", { id: id + "-h", tabindex: "-1" },
      el("span", { class: "count", text: `${c.count}件` }), ` ${c.examples[0] || ""}`));
    article.append(kindChips(c.kinds));
    article.append(el("p", { class: "hint", text: `最初 ${day(c.first_asked)} ・ 最新 ${day(c.last_asked)} ・ ID ${c.id}` }));
    const examples = el("ul", { class: "examples", "aria-label": "質問の例" });
    c.examples.forEach((q) => examples.append(el("li", { text: q })));
    article.append(examples);
    if (c.comments.length) {
      const comments = el("ul", { class: "comments", "aria-label": "低評価のコメント" });
      c.comments.slice(0, 5).forEach((t) => comments.append(el("li", { text: `コメント：「${t}」` })));
      article.append(comments);
    }
    if (c.nearest.length) {
      const near = el("ul", { class: "nearest", "aria-label": "近いFAQ" });
      for (const e of c.nearest) {
        near.append(el("li", { text: `No.${e.no} ${e.question}（スコア ${e.score.toFixed(2)}、${Math.round(e.share * 100)}%）` }));
      }
      article.append(near);
    }
    const number = el("input", { id: id + "-no", type: "number", min: "1", step: "1", inputmode: "numeric", class: "entry-no" });
    if (c.suggested_no) number.value = String(c.suggested_no);
    article.append(el("div", { class: "accept-target" }, el("label", { for: id + "-no", text: "言い換えとして採用するFAQ番号" }), number));
    // Members oldest first: any member names the cluster, the API finds it by that one.
    const open = c.members.map((m) => m.request_id);
    article.append(actionButtons(() => "c-" + open[0], id + "-h", number, () => removeCluster(article)));
    if (c.count > 1) {
      const list = el("ul", { class: "members" });
      c.members.slice().reverse().forEach((m, i) => {
        const label = `${id}-m${i}`;
        const li = el("li", {}, el("p", { id: label, text: `${m.question}（${day(m.asked_at)}）` }));
        li.append(actionButtons(() => m.request_id, label, number, () => {
          li.remove();
          open.splice(open.indexOf(m.request_id), 1);
          if (!open.length) removeCluster(article);
        }));
        list.append(li);
      });
      article.append(el("details", {}, el("summary", { text: `全${c.count}件の質問を個別に審査` }), list));
    }
    return article;
  }

  async function loadQueue() {
    const params = new URLSearchParams();
    for (const [name, input] of [["kind", $("filter-kind")], ["since", $("filter-since")], ["until", $("filter-until")]]) {
      if (input.value) params.set(name, input.value);
    }
    queueStatus.textContent = "読み込んでいます…";
    const res = await api("GET", "/api/admin/review" + (params.toString() ? "?" + params : ""));
    const view = await res.json();
    setPrivacy(view);
    clustersBox.replaceChildren();
    view.clusters.forEach((c) => clustersBox.append(renderCluster(c)));
    if (!view.clusters.length) clustersBox.append(el("p", { class: "hint", text: "審査待ちの質問はありません。" }));
    queueStatus.textContent = `${view.clusters.length}件のまとまり（質問 ${view.questions}件）`
      + (view.truncated ? "。古い質問の一部は表示していません。" : "");
  }

  async function loadLog() {
    const box = $("review-log");
    try {
      const res = await api("GET", "/api/admin/review-log?limit=20");
      const rows = await res.json();
      box.replaceChildren();
      const names = { accept: "採用", gap: "FAQの不足", dismiss: "対象外" };
      for (const r of rows) {
        const target = r.entry_no ? ` No.${r.entry_no}` : "";
        box.append(el("li", { text: `${day(r.at)} ${r.actor}：${names[r.action]}${target} — ${r.question || r.request_id}` }));
      }
      if (!rows.length) box.append(el("li", { class: "hint", text: "まだ記録はありません。" }));
    } catch (err) {
      box.replaceChildren(el("li", { class: "hint", text: `審査ログを読み込めませんでした：${err.message}` }));
    }
  }

  async function refreshIndex() {
    const line = $("index-status");
    try {
      const s = await (await api("GET", "/api/admin/index")).json();
      const serving = s.serving_build || "（読み込み中）";
      line.textContent = s.data_changed
        ? `data/ に未公開の変更があります。応答中のビルド：${serving}。${s.message || ""}`
        : `公開済みの最新データで応答しています（ビルド ${serving}）。`;
      line.classList.toggle("notice", Boolean(s.data_changed));
      publishButton.disabled = false;
    } catch (err) {
      line.textContent = err.status === 404
        ? "このサーバーでは公開機能を利用できません。"
        : `公開の状態を取得できませんでした：${err.message}`;
    }
  }

  function showJob(job) {
    progress.hidden = job.state === "idle";
    progress.value = job.progress || 0;
    const metrics = $("publish-metrics");
    metrics.replaceChildren();
    const fell = (job.metrics || []).filter((m) => !m.ok);
    for (const m of job.state === "failed" ? fell : []) {
      metrics.append(el("li", { class: "error", text: `${m.gate ? m.gate + " " : ""}${m.name}：${m.value.toFixed(4)}（下限 ${m.floor.toFixed(4)}）` }));
    }
    if (job.state === "running") publishStatus.textContent = `公開中：${job.step}（${Math.round((job.progress || 0) * 100)}%）`;
    else if (job.state === "passed") publishStatus.textContent = `公開しました。新しいビルド ${job.build} で応答します。${job.message || ""}`;
    else if (job.state === "failed") {
      publishStatus.textContent = `公開できませんでした。現在のビルドのまま応答します。${job.message || ""}`
        + (fell.length ? `（基準を下回った指標：${fell.map((m) => m.name).join("、")}）` : "");
    }
  }

  async function pollJob() {
    for (;;) {
      const job = await (await api("GET", "/api/admin/publish")).json();
      showJob(job);
      if (job.state !== "running") return job;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  publishButton.addEventListener("click", async () => {
    publishButton.disabled = true;
    publishStatus.textContent = "公開を開始しています…";
    try {
      try {
        showJob(await (await api("POST", "/api/admin/publish")).json());
      } catch (err) {
        if (err.status !== 409) throw err;
        publishStatus.textContent = "別の公開処理が実行中です。終わるまで進み具合を表示します。";
      }
      await pollJob();
    } catch (err) {
      publishStatus.textContent = `公開できませんでした：${err.message}`;
    } finally {
      publishButton.disabled = false;
      refreshIndex();
    }
  });

  $("gaps-button").addEventListener("click", async () => {
    const status = $("gaps-status");
    try {
      const blob = await (await api("GET", "/api/admin/gaps.csv")).blob();
      const link = el("a", { href: URL.createObjectURL(blob), download: "faq-gaps.csv" });
      document.body.append(link);
      link.click();
      link.remove();
      status.textContent = "CSVをダウンロードしました。";
    } catch (err) {
      status.textContent = `CSVを出力できませんでした：${err.message}`;
    }
  });

  async function loadAll() {
    accessError.hidden = true;
    sessionStorage.setItem("faqbotAdminKey", keyInput.value);
    sessionStorage.setItem("faqbotAdminUser", userInput.value);
    try {
      await loadQueue();
    } catch (err) {
      queueStatus.textContent = "";
      showAccessError(err.message);
      keyInput.focus();
      return;
    }
    for (const id of ["filter-button", "gaps-button"]) $(id).disabled = false;
    refreshIndex();
    // Data changes (an accept here or elsewhere, a publish by someone else) show up by themselves.
    if (!loaded) setInterval(() => { if (!document.hidden) refreshIndex(); }, 5000);
    loaded = true;
    loadLog();
    try {
      const job = await (await api("GET", "/api/admin/publish")).json();
      showJob(job);
      if (job.state === "running") await pollJob();
    } catch (err) {
      // No publish API on this server, or it is down: the index line already says so.
    }
  }

  $("access-form").addEventListener("submit", (e) => { e.preventDefault(); loadAll(); });
  $("filter-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!loaded) return;
    loadQueue().catch((err) => { queueStatus.textContent = `読み込めませんでした：${err.message}`; });
  });
  if (keyInput.value) loadAll();
})();
