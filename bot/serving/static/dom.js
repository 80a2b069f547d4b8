/* DOM building for the desk pages (/desk, /desk/review, /desk/stats): every server text goes in
 * through textContent, never as markup. The widget keeps its own copy on purpose: it is one file
 * that other sites embed, and must not depend on a second script being on their page. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

  function fill(node, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class" && node.namespaceURI !== SVG) node.className = v;
      else node.setAttribute(k, String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  window.faqbotDom = Object.freeze({
    el: (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children),
    svgEl: (tag, attrs, ...children) => fill(document.createElementNS(SVG, tag), attrs, children),
    // Only web links become hrefs: a javascript: or data: URL from the data must never run.
    safeLink: (url) => (/^https?:\/\//.test(url) ? url : "#"),
  });
})();
