/* faqbot chat widget. Embed with one tag:
 *   <script src="https://faqbot.example/widget.js" data-api="https://faqbot.example" defer></script>
 * Options (data-*): api (default: where this file came from), lang ("ja" | "en"; default: the page's
 * <html lang>), api-key (sent as X-API-Key), open ("true" to start open).
 * Every piece of user or server text goes in through textContent: nothing is parsed as HTML.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || window.FaqbotWidget) return;

  const STRINGS = {
    ja: {
      launcher: "FAQチャットを開く", title: "水道標準プラットフォーム FAQ", close: "チャットを閉じる",
      reset: "新しい会話", input: "質問を入力", placeholder: "質問を入力（Enterで送信・Shift+Enterで改行）",
      send: "送信", greeting: "水道標準プラットフォームのベンダー向けFAQからお答えします。ご質問をどうぞ。",
      you: "あなた", bot: "FAQボット", sources: "参照したFAQ", related: "関連するFAQ",
      relatedNote: "FAQに該当する回答はありませんでしたが、次の項目が参考になるかもしれません。",
      thinking: "FAQを確認しています…", answered: "回答を表示しました。", loadingEntry: "読み込み中…",
      entryError: "FAQ項目を読み込めませんでした。", openFaq: "FAQページで見る",
      rate: "この回答は役に立ちましたか？", up: "役に立った", down: "役に立たなかった",
      comment: "ご意見（任意）", commentSend: "ご意見を送信", thanks: "フィードバックありがとうございました。",
      feedbackError: "フィードバックを送信できませんでした。", retry: "再送信",
      choice: "どちらの内容についてですか？", chosen: (no) => `No.${no} の内容を表示しました。`,
      choiceError: "選択を送信できませんでした（内容は表示しています）。",
      down_: "サーバーに接続できません。時間をおいて再度お試しください。",
      limited: (s) => `リクエストが集中しています。${s}秒ほど待ってから再度お試しください。`,
      notReady: "現在準備中です。しばらくしてから再度お試しください。",
      auth: "このサイトからは利用できません（APIキーが必要です）。",
      rejected: (m) => `質問を受け付けられませんでした：${m}`,
      broken: "回答が途中で途切れました。もう一度お試しください。",
      failed: "エラーが発生しました。時間をおいて再度お試しください。",
    },
    en: {
      launcher: "Open FAQ chat", title: "Water Standard Platform FAQ", close: "Close chat",
      reset: "New conversation", input: "Your question", placeholder: "Ask a question (Enter to send, Shift+Enter for a new line)",
      send: "Send", greeting: "I answer from the vendor FAQ of the Water Standard Platform. What would you like to know?",
      you: "You", bot: "FAQ bot", sources: "Sources", related: "Related FAQ entries",
      relatedNote: "The FAQ does not answer this, but these entries may help.",
      thinking: "Checking the FAQ…", answered: "Answer ready.", loadingEntry: "Loading…",
      entryError: "Could not load this FAQ entry.", openFaq: "Open on the FAQ page",
      rate: "Was this helpful?", up: "Helpful", down: "Not helpful",
      comment: "Comment (optional)", commentSend: "Send comment", thanks: "Thank you for your feedback.",
      feedbackError: "Could not send your feedback.", retry: "Retry",
      choice: "Which one did you mean?", chosen: (no) => `Showing No.${no}.`,
      choiceError: "Could not send your choice (the entry is shown).",
      down_: "Cannot reach the server. Please try again later.",
      limited: (s) => `Too many requests. Please wait about ${s} seconds and try again.`,
      notReady: "The service is starting up. Please try again shortly.",
      auth: "This site is not allowed to use the chat (an API key is needed).",
      rejected: (m) => `The question was not accepted: ${m}`,
      broken: "The answer was cut off. Please try again.",
      failed: "Something went wrong. Please try again later.",
    },
  };
  const MAX_TURNS = 8; // history sent with a follow-up: the last four exchanges
  const MAX_ASSISTANT_CHARS = 2000;

  const data = script.dataset;
  const scriptUrl = new URL(script.src, location.href);
  const api = (data.api || scriptUrl.origin).replace(/\/+$/, "");
  const pageLang = (document.documentElement.lang || "").toLowerCase();
  const lang = data.lang === "en" || data.lang === "ja" ? data.lang : pageLang.startsWith("en") ? "en" : "ja";
  const t = STRINGS[lang];
  const history = [];
  const entryCache = new Map();
  let busy = false;
  let uid = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c) node.append(c); // strings become text nodes
    return node;
  }

  function headers() {
    const h = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    if (data.apiKey) h["X-API-Key"] = data.apiKey;
    return h;
  }

  // ---- layout ------------------------------------------------------------------------------
  const host = el("div", { id: "faqbot-widget" });
  const root = host.attachShadow({ mode: "open" });
  root.append(el("link", { rel: "stylesheet", href: new URL("widget.css", scriptUrl).href }));
  const launcher = el("button", {
    type: "button", class: "fb-launcher", "aria-label": t.launcher, "aria-expanded": "false",
    "aria-controls": "fb-panel", onclick: () => toggle(true),
  }, el("span", { class: "fb-launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: "FAQ" }));
  const log = el("div", { class: "fb-log", role: "log", "aria-live": "polite", "aria-label": t.title, tabindex: "0" });
  const status = el("div", { class: "fb-sr-only", role: "status", "aria-live": "polite" });
  const input = el("textarea", {
    id: "fb-input", class: "fb-input", rows: "2", maxlength: data.maxChars || "1000",
    placeholder: t.placeholder, "aria-label": t.input,
  });
  const sendButton = el("button", { type: "submit", class: "fb-send", text: t.send });
  const form = el("form", { class: "fb-form", onsubmit: (e) => { e.preventDefault(); submit(); } }, input, sendButton);
  const panel = el("section", {
    id: "fb-panel", class: "fb-panel", role: "dialog", "aria-labelledby": "fb-title", hidden: true, lang,
  },
    // A div, not <header>: in a shadow root a header counts as a second banner of the host page.
    el("div", { class: "fb-header" },
      el("h2", { id: "fb-title", class: "fb-title", text: t.title }),
      el("button", { type: "button", class: "fb-reset", text: t.reset, onclick: reset }),
      el("button", { type: "button", class: "fb-close", "aria-label": t.close, text: "×", onclick: () => toggle(false) })),
    log, status, form);
  root.append(el("div", { class: "fb-root", lang }, launcher, panel));

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.hidden = open;
    if (open) {
      if (!log.childElementCount) addBotText(t.greeting);
      input.focus();
    } else {
      launcher.focus();
    }
  }

  function reset() {
    history.length = 0;
    log.replaceChildren();
    addBotText(t.greeting);
    input.focus();
  }

  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); toggle(false); }
  });
  input.addEventListener("keydown", (e) => {
    // isComposing: Enter that confirms a Japanese IME conversion must not send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });

  // ---- messages ----------------------------------------------------------------------------
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // Follow a growing reply only until its question reaches the top: a long answer is read from its start.
  function keepInView(msg) {
    const anchor = msg.previousElementSibling || msg;
    log.scrollTop = Math.min(log.scrollHeight - log.clientHeight, anchor.offsetTop - 8);
  }

  function addMessage(who, cls) {
    const body = el("div", { class: "fb-body" });
    const msg = el("div", { class: `fb-msg ${cls}` }, el("span", { class: "fb-sr-only", text: `${who}: ` }), body);
    log.append(msg);
    scrollDown();
    return { msg, body };
  }

  function addBotText(text) {
    addMessage(t.bot, "fb-bot").body.append(el("p", { class: "fb-text", text }));
  }

  // URLs become links (http/https only); everything else stays plain text.
  function richText(text) {
    const p = el("p", { class: "fb-text" });
    for (const part of text.split(/(https?:\/\/[^\s<>"'）」]+)/)) {
      if (/^https?:\/\//.test(part)) p.append(el("a", { href: part, target: "_blank", rel: "noopener noreferrer", text: part }));
      else if (part) p.append(part);
    }
    return p;
  }

  async function fetchEntry(no) {
    if (!entryCache.has(no)) {
      entryCache.set(no, fetch(`${api}/api/faq/${no}`, { headers: headers() }).then((r) => {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }).catch((err) => { entryCache.delete(no); throw err; }));
    }
    return entryCache.get(no);
  }

  // A button that shows the FAQ entry (question + full answer) right below its list.
  function entryToggle(cite, cls, label, container) {
    const id = `fb-entry-${++uid}`;
    const box = el("div", { id, class: "fb-entry", hidden: true });
    const button = el("button", {
      type: "button", class: cls, "aria-expanded": "false", "aria-controls": id, title: cite.question, text: label,
    });
    button.addEventListener("click", async () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      box.hidden = !open;
      if (!open || box.dataset.loaded) return;
      if (await showEntry(box, cite.no)) box.dataset.loaded = "1";
    });
    container.append(box);
    return button;
  }

  function renderCitations(body, citations) {
    body.querySelector(".fb-cites")?.remove();
    if (!citations.length) return;
    const entries = el("div", { class: "fb-entries" });
    const chips = el("div", { class: "fb-chips", role: "group", "aria-label": t.sources });
    for (const c of citations) chips.append(entryToggle(c, "fb-chip", `[No.${c.no}]`, entries));
    body.append(el("div", { class: "fb-cites" }, el("h3", { class: "fb-label", text: t.sources }), chips, entries));
  }

  function renderRelated(body, suggestions) {
    if (!suggestions.length) return;
    const entries = el("div", { class: "fb-entries" });
    const list = el("ul", { class: "fb-related-list" });
    for (const s of suggestions) list.append(el("li", {}, entryToggle(s, "fb-suggestion", `No.${s.no} ${s.question}`, entries)));
    body.append(el("div", { class: "fb-related" },
      el("h3", { class: "fb-label", text: t.related }), el("p", { class: "fb-muted", text: t.relatedNote }), list, entries));
  }

  async function showEntry(box, no) {
    box.hidden = false;
    box.replaceChildren(el("p", { class: "fb-muted", text: t.loadingEntry }));
    try {
      const entry = await fetchEntry(no);
      const link = /^https?:\/\//.test(entry.link) ? entry.link : null;
      box.replaceChildren(
        el("h4", { class: "fb-entry-q", text: `No.${entry.no} ${entry.question}` }),
        el("p", { class: "fb-entry-a", text: entry.answer }),
        link && el("a", { href: link, target: "_blank", rel: "noopener noreferrer", text: t.openFaq }));
      box.scrollIntoView({ block: "nearest" });
      return true;
    } catch (err) {
      box.replaceChildren(el("p", { class: "fb-muted", text: t.entryError }));
      return false;
    }
  }

  // "Which did you mean?": the two near-tied entries as chips; a pick shows it and is sent as feedback.
  function renderChoice(body, alternatives, requestId) {
    if (!requestId || alternatives.length < 2) return;
    const promptId = `fb-choice-${++uid}`, boxId = `fb-entry-${++uid}`;
    const box = el("div", { id: boxId, class: "fb-entry", hidden: true });
    const note = el("p", { class: "fb-muted", role: "status" });
    const chips = el("div", { class: "fb-chips" });
    const buttons = [];
    let sent = null;
    for (const a of alternatives) {
      const button = el("button", {
        type: "button", class: "fb-alt", "aria-pressed": "false", "aria-controls": boxId, "data-no": a.no,
        text: `No.${a.no} ${a.question}`,
      });
      button.addEventListener("click", async () => {
        for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
        const shown = await showEntry(box, a.no);
        if (sent === a.no) return;
        try {
          const r = await fetch(`${api}/api/choice`, {
            method: "POST", headers: headers(), body: JSON.stringify({ request_id: requestId, no: a.no }),
          });
          if (!r.ok) throw new Error(String(r.status));
          sent = a.no;
          note.textContent = shown ? t.chosen(a.no) : t.entryError;
        } catch (err) { note.textContent = t.choiceError; }
      });
      buttons.push(button);
      chips.append(button);
    }
    body.append(el("div", { class: "fb-choice", role: "group", "aria-labelledby": promptId },
      el("h3", { id: promptId, class: "fb-label fb-choice-prompt", text: t.choice }), chips, box, note));
  }

  function renderFeedback(body, requestId) {
    const note = el("p", { class: "fb-muted", role: "status" });
    const comment = el("textarea", { class: "fb-comment", rows: "2", maxlength: "2000", "aria-label": t.comment, placeholder: t.comment });
    const commentForm = el("form", { class: "fb-comment-form", hidden: true }, comment,
      el("button", { type: "submit", class: "fb-comment-send", text: t.commentSend }));
    let rating = null;
    const send = async (payload) => {
      const r = await fetch(`${api}/api/feedback`, { method: "POST", headers: headers(), body: JSON.stringify(payload) });
      if (!r.ok) throw new Error(String(r.status));
    };
    const vote = (value, button, other) => async () => {
      try {
        await send({ request_id: requestId, rating: value });
        rating = value;
        button.setAttribute("aria-pressed", "true");
        other.setAttribute("aria-pressed", "false");
        commentForm.hidden = false;
        note.textContent = t.thanks;
      } catch (err) { note.textContent = t.feedbackError; }
    };
    const up = el("button", { type: "button", class: "fb-vote fb-up", "aria-pressed": "false", "aria-label": t.up, title: t.up, text: "👍" });
    const down = el("button", { type: "button", class: "fb-vote fb-down", "aria-pressed": "false", "aria-label": t.down, title: t.down, text: "👎" });
    up.addEventListener("click", vote("up", up, down));
    down.addEventListener("click", vote("down", down, up));
    commentForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!comment.value.trim() || !rating) return;
      try {
        await send({ request_id: requestId, rating, comment: comment.value });
        commentForm.hidden = true;
        note.textContent = t.thanks;
      } catch (err) { note.textContent = t.feedbackError; }
    });
    body.append(el("div", { class: "fb-feedback" },
      el("span", { class: "fb-muted", text: t.rate }), up, down, commentForm, note));
  }

  function showError(body, message, question) {
    body.replaceChildren(el("p", { class: "fb-error", role: "alert", text: message }));
    if (question) {
      body.append(el("button", { type: "button", class: "fb-retry", text: t.retry, onclick: () => ask(question, true) }));
    }
  }

  async function errorMessage(res) {
    if (res.status === 429) return t.limited(res.headers.get("Retry-After") || "60");
    if (res.status === 401) return t.auth;
    if (res.status === 503) return t.notReady;
    if (res.status >= 400 && res.status < 500) {
      const body = await res.json().catch(() => null);
      return t.rejected((body && body.error && body.error.message) || res.status);
    }
    return t.failed;
  }

  // ---- streaming ---------------------------------------------------------------------------
  async function* sseEvents(res) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = "message";
        const lines = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) lines.push(line.slice(5).replace(/^ /, ""));
        }
        if (lines.length) yield { event, data: JSON.parse(lines.join("\n")) };
      }
    }
  }

  function submit() {
    const question = input.value.trim();
    if (!question || busy) return;
    input.value = "";
    ask(question, false);
  }

  async function ask(question, isRetry) {
    busy = true;
    sendButton.disabled = true;
    if (!isRetry) addMessage(t.you, "fb-user").body.append(el("p", { class: "fb-text", text: question }));
    const { msg, body } = addMessage(t.bot, "fb-bot");
    msg.setAttribute("aria-busy", "true");
    const text = el("p", { class: "fb-text fb-streaming" });
    body.append(text);
    status.textContent = t.thinking;
    try {
      const res = await fetch(`${api}/api/chat/stream`, {
        method: "POST", headers: headers(), body: JSON.stringify({ question, history: history.slice(-MAX_TURNS) }),
      }).catch(() => null);
      if (!res) return showError(body, t.down_, question);
      if (!res.ok) return showError(body, await errorMessage(res), res.status >= 500 || res.status === 429 ? question : null);
      let done = null;
      try {
        for await (const ev of sseEvents(res)) {
          if (ev.event === "citations") renderCitations(body, ev.data.citations || []);
          else if (ev.event === "delta") { text.append(ev.data.text); keepInView(msg); }
          else if (ev.event === "done") done = ev.data;
          else if (ev.event === "error") throw new Error(ev.data.error && ev.data.error.message);
        }
      } catch (err) { return showError(body, t.broken, question); }
      if (!done) return showError(body, t.broken, question);
      finish(body, text, done, question);
    } finally {
      msg.removeAttribute("aria-busy");
      busy = false;
      sendButton.disabled = false;
      keepInView(msg);
    }
  }

  function finish(body, streamed, done, question) {
    const reply = done.reply;
    // The final text is the guard's verdict: it may replace what was streamed.
    const final = richText(reply.text);
    streamed.replaceWith(final);
    renderCitations(body, reply.citations || []);
    if (reply.mode === "abstain") renderRelated(body, reply.suggestions || []);
    renderChoice(body, reply.alternatives || [], done.request_id);
    renderFeedback(body, done.request_id);
    body.parentElement.dataset.mode = reply.mode;
    status.textContent = t.answered;
    history.push({ role: "user", content: question }, { role: "assistant", content: reply.text.slice(0, MAX_ASSISTANT_CHARS) });
  }

  function mount() {
    document.body.append(host);
    if (data.open === "true") toggle(true);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.FaqbotWidget = { open: () => toggle(true), close: () => toggle(false) };
})();
