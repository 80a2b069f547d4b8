/* The usage page (/desk/stats): figures from GET /api/admin/stats (admin key), charts drawn here as
 * inline SVG from that JSON (no library, no CDN). Every chart has a <title>, a <desc> that states its
 * figures, and a table or list beside it. All server text goes in through textContent. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const keyInput = $("admin-key"), daysInput = $("days"), form = $("stats-form");
  const statusLine = $("stats-status"), errorLine = $("stats-error"), figures = $("figures");
  const OUTCOMES = [
    ["answered", "回答"], ["abstained", "回答できなかった"], ["fallback", "フォールバック"],
  ];
  keyInput.value = sessionStorage.getItem("faqbotAdminKey") || "";
  let uid = 0;

  const { el, svgEl } = window.faqbotDom;


  const pct = (x) => `${Math.round(x * 1000) / 10}%`;
  const num = (n) => n.toLocaleString("ja-JP");

  /* An <svg role="img"> named by its <title> and described by its <desc>. */
  function chart(width, height, title, desc) {
    const id = `chart-${++uid}`;
    const svg = svgEl("svg", {
      viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`,
      class: "chart-svg", preserveAspectRatio: "xMinYMin meet",
    }, svgEl("title", { id: `${id}-t`, text: title }), svgEl("desc", { id: `${id}-d`, text: desc }));
    return svg;
  }

  function legend() {
    return el("ul", { class: "legend", "aria-hidden": "true" },
      ...OUTCOMES.map(([key, label]) => el("li", {}, el("span", { class: `swatch ${key}` }), label)));
  }

  function niceMax(n) {
    if (n <= 5) return Math.max(n, 1);
    const step = 10 ** Math.floor(Math.log10(n));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= n) return m * step;
    return 10 * step;
  }

  function outcomeText(o) {
    return OUTCOMES.map(([key, label]) => `${label} ${num(o[key])}件（${pct(o[`${key}_share`])}）`).join("、");
  }

  // ---- charts --------------------------------------------------------------------------------
  function dailyChart(days) {
    const W = 760, H = 260, left = 44, right = 8, top = 12, bottom = 40;
    const max = niceMax(Math.max(0, ...days.map((d) => d.outcomes.questions)));
    const busiest = days.reduce((a, d) => (d.outcomes.questions > a.outcomes.questions ? d : a), days[0]);
    const total = days.reduce((s, d) => s + d.outcomes.questions, 0);
    const svg = chart(W, H, "日別の質問数（回答・回答できなかった・フォールバックの積み上げ）",
      `${days[0].day}から${days[days.length - 1].day}までの${days.length}日間で合計${num(total)}件。` +
      `最も多い日は${busiest.day}の${num(busiest.outcomes.questions)}件。日ごとの件数は下の表にあります。`);
    const plotH = H - top - bottom, plotW = W - left - right;
    const y = (v) => top + plotH - (v / max) * plotH;
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i;
      svg.append(svgEl("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }));
      svg.append(svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis", text: num(Math.round(v * 10) / 10) }));
    }
    const slot = plotW / days.length, bar = Math.max(1, Math.min(28, slot * 0.7));
    const every = Math.ceil(days.length / 10);
    days.forEach((d, i) => {
      const x = left + i * slot + (slot - bar) / 2;
      const g = svgEl("g", {}, svgEl("title", { text: `${d.day}：${outcomeText(d.outcomes)}` }));
      let base = 0;
      for (const [key] of OUTCOMES) {
        const v = d.outcomes[key];
        if (!v) continue;
        g.append(svgEl("rect", { x, width: bar, y: y(base + v), height: y(base) - y(base + v), class: `bar ${key}` }));
        base += v;
      }
      svg.append(g);
      if (i % every === 0 || i === days.length - 1) {
        svg.append(svgEl("text", { x: x + bar / 2, y: H - bottom + 16, "text-anchor": "middle", class: "axis", text: d.day.slice(5) }));
      }
    });
    svg.append(svgEl("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis-line" }));
    return el("figure", { class: "figure" }, svg, legend());
  }

  function outcomeChart(totals) {
    const W = 760, H = 44;
    const svg = chart(W, H, "質問の結果の内訳", `質問${num(totals.questions)}件のうち、${outcomeText(totals)}。`);
    let x = 0;
    for (const [key, label] of OUTCOMES) {
      const w = totals.questions ? (totals[key] / totals.questions) * W : 0;
      if (w > 0) {
        svg.append(svgEl("rect", { x, y: 4, width: w, height: 36, class: `bar ${key}` },
          svgEl("title", { text: `${label} ${pct(totals[`${key}_share`])}` })));
      }
      x += w;
    }
    return el("figure", { class: "figure" }, svg, legend());
  }

  function citedChart(entries) {
    const row = 30, W = 760, labelW = 330, H = entries.length * row + 8;
    const max = Math.max(1, ...entries.map((e) => e.count));
    const desc = entries.map((e, i) => `${i + 1}位 No.${e.no}${e.question ? ` ${e.question}` : ""}：${num(e.count)}回`).join("。");
    const svg = chart(W, H, "よく参照されたFAQ（引用された回数）", `${desc}。`);
    entries.forEach((e, i) => {
      const yy = 4 + i * row;
      const label = `No.${e.no} ${e.question || ""}`;
      const short = label.length > 24 ? `${label.slice(0, 23)}…` : label;
      const w = ((W - labelW - 60) * e.count) / max;
      svg.append(svgEl("text", { x: 0, y: yy + 18, class: "label", text: short }, svgEl("title", { text: label })));
      svg.append(svgEl("rect", { x: labelW, y: yy + 4, width: Math.max(w, 1), height: row - 10, class: "bar answered" }));
      svg.append(svgEl("text", { x: labelW + w + 6, y: yy + 18, class: "value", text: `${num(e.count)}回` }));
    });
    return el("figure", { class: "figure" }, svg);
  }

  function languageChart(languages) {
    const row = 30, W = 760, labelW = 90, H = languages.length * row + 8;
    const max = Math.max(1, ...languages.map((l) => l.outcomes.questions));
    const desc = languages.map((l) => `${l.language}：${num(l.outcomes.questions)}件、${outcomeText(l.outcomes)}`).join("。");
    const svg = chart(W, H, "言語別の質問数（結果の積み上げ）", `${desc}。`);
    languages.forEach((l, i) => {
      const yy = 4 + i * row;
      svg.append(svgEl("text", { x: 0, y: yy + 18, class: "label", text: l.language }));
      let x = labelW;
      for (const [key] of OUTCOMES) {
        const w = ((W - labelW - 70) * l.outcomes[key]) / max;
        if (w > 0) svg.append(svgEl("rect", { x, y: yy + 4, width: w, height: row - 10, class: `bar ${key}` }));
        x += w;
      }
      svg.append(svgEl("text", { x: x + 6, y: yy + 18, class: "value", text: `${num(l.outcomes.questions)}件` }));
    });
    return el("figure", { class: "figure" }, svg, legend());
  }

  // ---- tables and lists ----------------------------------------------------------------------
  function table(caption, head, rows) {
    return el("table", { class: "data" },
      el("caption", { text: caption }),
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => (i === 0 ? el("th", { scope: "row", text: c }) : el("td", { text: c })))))));
  }

  function summary(stats) {
    const t = stats.totals, r = stats.ratings;
    const items = [
      ["質問", `${num(t.questions)}件`], ["回答", pct(t.answered_share)], ["回答できなかった", pct(t.abstained_share)],
      ["フォールバック", pct(t.fallback_share)], ["👍 / 👎", `${num(r.up)} / ${num(r.down)}`],
      ["👍の割合", r.up_rate === null ? "評価なし" : pct(r.up_rate)], ["評価された割合", pct(r.rated_share)],
      ["回答案作成", `${num(stats.drafts)}件`],
    ];
    $("summary").replaceChildren(...items.map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v }))));
  }

  function render(stats) {
    $("period").textContent = `${stats.since} 〜 ${stats.until}（UTC、${stats.days}日間）`;
    summary(stats);
    const empty = (text) => el("p", { class: "hint", text });
    $("outcome-chart").replaceChildren(stats.totals.questions ? outcomeChart(stats.totals) : empty("この期間の質問はありません。"));
    $("daily-chart").replaceChildren(dailyChart(stats.per_day));
    $("daily-table").replaceChildren(table("日別の質問数", ["日付", "質問", "回答", "回答できなかった", "フォールバック"],
      stats.per_day.map((d) => [d.day, num(d.outcomes.questions), num(d.outcomes.answered), num(d.outcomes.abstained), num(d.outcomes.fallback)])));
    $("cited-chart").replaceChildren(stats.top_cited.length ? citedChart(stats.top_cited) : empty("引用されたFAQはありません。"));
    $("unanswered-note").textContent = `まとめ方：${stats.unanswered_grouping}。似た質問のまとまりは審査キューで確認できます。`;
    $("unanswered").replaceChildren(...(stats.top_unanswered.length
      ? stats.top_unanswered.map((g) => el("li", {}, el("strong", { text: `${num(g.count)}件` }), ` ${g.question}`,
        el("span", { class: "hint", text: `（最終 ${g.last_asked.slice(0, 10)}）` })))
      : [el("li", { class: "hint", text: "回答できなかった質問はありません。" })]));
    $("language-chart").replaceChildren(stats.by_language.length ? languageChart(stats.by_language) : empty("データがありません。"));
    $("language-table").replaceChildren(table("言語別の数値", ["言語", "質問", "回答", "回答できなかった", "フォールバック", "👍", "👎", "👍の割合"],
      stats.by_language.map((l) => [l.language, num(l.outcomes.questions), pct(l.outcomes.answered_share), pct(l.outcomes.abstained_share),
        pct(l.outcomes.fallback_share), num(l.ratings.up), num(l.ratings.down), l.ratings.up_rate === null ? "—" : pct(l.ratings.up_rate)])));
    figures.hidden = false;
  }

  async function describe(res) {
    const body = await res.json().catch(() => null);
    const detail = (body && body.error && body.error.message) || String(res.status);
    if (res.status === 401) return `管理キーが正しくないか、サーバーで管理キーが設定されていません（${detail}）`;
    if (res.status === 503) return `現在利用できません：${detail}`;
    return `読み込めませんでした：${detail}`;
  }

  async function load() {
    errorLine.hidden = true;
    sessionStorage.setItem("faqbotAdminKey", keyInput.value);
    statusLine.textContent = "読み込んでいます…";
    $("load-button").disabled = true;
    try {
      const res = await fetch(`/api/admin/stats?days=${encodeURIComponent(daysInput.value)}`, {
        headers: { "X-Admin-Key": keyInput.value },
      }).catch(() => null);
      if (!res || !res.ok) {
        statusLine.textContent = "";
        errorLine.textContent = res ? await describe(res) : "サーバーに接続できません。時間をおいて再度お試しください。";
        errorLine.hidden = false;
        keyInput.focus();
        return;
      }
      const stats = await res.json();
      render(stats);
      statusLine.textContent = `${stats.since} 〜 ${stats.until} の利用状況を表示しました（質問 ${num(stats.totals.questions)}件）。`;
      $("summary-heading").focus();
    } finally {
      $("load-button").disabled = false;
    }
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  if (keyInput.value) load();
})();
