"""Turn the FAQ's answer HTML (or its space-separated plain text) into readable plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.models import Link

_BLOCK_TAGS = {"p", "div", "ul", "ol", "br", "tr", "table", "h1", "h2", "h3", "h4"}
# Code, not text: a re-published answer with a <script> must not show its source to users.
_HIDDEN_TAGS = {"script", "style"}
# A link users may follow from an answer; javascript: and data: URLs are not links but payloads.
_LINK_SCHEMES = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[Link] = []
        self._href: str | None = None
        self._anchor_text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n・")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            self._href = href if _LINK_SCHEMES.match(href) else None
            self._anchor_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n")
        elif tag == "a" and self._href is not None:
            text = "".join(self._anchor_text).strip()
            self.links.append(Link(text=text or self._href, url=self._href))
            # Keep the URL readable in plain text, but not twice when the anchor text is the URL.
            if text != self._href:
                self.parts.append(f" ({self._href})")
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.parts.append(data)
        if self._href is not None:
            self._anchor_text.append(data)


def _tidy(text: str) -> str:
    # The export separates paragraphs with runs of spaces and sentences with one space.
    text = re.sub(r"[ \u3000]{2,}", "\n", text)
    # Only the full-width colon starts a value on its own line; "例: Modbus" stays together.
    text = re.sub(r"([。：])[ \u3000]+(?=\S)", r"\1\n", text)
    text = re.sub(r"[ \t]+(?=[【①②③④⑤⑥⑦⑧⑨※])", "\n", text)
    text = text.replace("・・", "・")
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def html_to_text(raw: str) -> tuple[str, tuple[Link, ...]]:
    """Readable text and the links found (anchor text + URL)."""
    collector = _Collector()
    collector.feed(raw)
    collector.close()
    return _tidy("".join(collector.parts)), tuple(collector.links)
