/* The support-desk page: an inquiry in, a cited reply draft out (POST /api/draft).
 * All server text goes in through textContent. */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const form = $("desk-form"), inquiry = $("inquiry"), button = $("draft-button");
  const statusLine = $("desk-status"), errorLine = $("desk-error"), result = $("result");
  const keyInput = $("api-key");
  keyInput.value = sessionStorage.getItem("faqbotApiKey") || "";
  keyInput.addEventListener("change", () => sessionStorage.setItem("faqbotApiKey", keyInput.value));

  const { el, safeLink } = window.faqbotDom;

  function citeLink(c) {
    return el("a", { class: "cite", href: safeLink(c.link), target: "_blank", rel: "noopener noreferrer", title: c.question, text: `[No.${c.no}]` });
  }

  function showError(message) {
    errorLine.textContent = message;
    errorLine.hidden = false;
  }

  async function describe(res) {
    if (res.status === 429) return `リクエストが集中しています。${res.headers.get("Retry-After") || 60}秒ほど待ってから再度お試しください。`;
    if (res.status === 401) return "APIキーが必要です。「設定」で入力してください。";
    if (res.status === 503) return "現在準備中です。しばらくしてから再度お試しください。";
    const body = await res.json().catch(() => null);
    return `回答案を作成できませんでした：${(body && body.error && body.error.message) || res.status}`;
  }

  function render(draft) {
    $("draft-text").textContent = draft.text;
    const paragraphs = $("paragraphs");
    paragraphs.replaceChildren();
    for (const p of draft.paragraphs) {
      const cites = el("div", { class: "para-cites" });
      if (p.covered && p.citations.length) p.citations.forEach((c) => cites.append(citeLink(c)));
      else cites.append(el("span", { class: "badge", text: "FAQに記載なし — 要確認" }));
      paragraphs.append(el("div", { class: "para" },
        el("p", { class: "para-inquiry" }, el("strong", { text: "お問い合わせ：" }), p.inquiry),
        cites, el("details", {}, el("summary", { text: "この段落の本文" }), el("p", { class: "para-text", text: p.text }))));
    }
    const used = $("used");
    used.replaceChildren();
    for (const c of draft.citations) {
      used.append(el("li", {}, citeLink(c), el("a", { href: safeLink(c.link), target: "_blank", rel: "noopener noreferrer", text: c.question })));
    }
    if (!draft.citations.length) used.append(el("li", { class: "hint", text: "該当するFAQはありませんでした。" }));
    result.hidden = false;
  }

  async function makeDraft() {
    const text = inquiry.value.trim();
    if (!text) { inquiry.focus(); return; }
    errorLine.hidden = true;
    button.disabled = true;
    statusLine.textContent = "回答案を作成しています…";
    const headers = { "Content-Type": "application/json" };
    if (keyInput.value) headers["X-API-Key"] = keyInput.value;
    try {
      const res = await fetch("/api/draft", { method: "POST", headers, body: JSON.stringify({ inquiry: text }) }).catch(() => null);
      if (!res) return showError("サーバーに接続できません。時間をおいて再度お試しください。");
      if (!res.ok) return showError(await describe(res));
      render(await res.json());
      statusLine.textContent = "回答案を作成しました。";
      $("result-heading").focus();
    } finally {
      button.disabled = false;
    }
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); makeDraft(); });
  inquiry.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); makeDraft(); }
  });
  $("copy-button").addEventListener("click", async () => {
    const text = $("draft-text").textContent;
    try {
      await navigator.clipboard.writeText(text);
      $("copy-status").textContent = "コピーしました。";
    } catch (err) {
      // Clipboard API needs a secure context; select the text so Ctrl+C still works.
      const range = document.createRange();
      range.selectNodeContents($("draft-text"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $("copy-status").textContent = "コピーできませんでした。選択したテキストを Ctrl+C でコピーしてください。";
    }
  });
})();
