"""Prompt templates as files (prompts/*.md), rendered strictly.

Placeholders are `$name` / `${name}` (string.Template), so JSON or braces in a prompt need no
escaping. Rendering is strict both ways: a placeholder without a value is an error, and so is a
value the template never uses — that is how a template edited out of step with the code (say,
one that lost `${question}`) fails in tests instead of silently sending the model no question.
"""

from __future__ import annotations

import threading
from pathlib import Path
from string import Template

from bot.errors import PromptError

# The files the LLM writer needs; checked when the writer is built, not at first request.
REQUIRED = (
    "system",
    "not_covered",
    "entry",
    "context",
    "answer",
    "draft_paragraph",
    "language_ja",
    "language_en",
    "language_zh",
    "language_ko",
)


class PromptSet:
    """Loads templates from one folder, once, and renders them. Safe to share between threads."""

    def __init__(self, folder: Path, required: tuple[str, ...] = REQUIRED) -> None:
        self._folder = folder
        self._templates: dict[str, Template] = {}
        self._lock = threading.Lock()
        for name in required:
            self._template(name)

    def _template(self, name: str) -> Template:
        with self._lock:
            cached = self._templates.get(name)
            if cached is not None:
                return cached
            path = self._folder / f"{name}.md"
            if not path.is_file():
                raise PromptError(
                    f"prompt template {path} not found (set FAQBOT_PROMPTS_DIR or restore the file)"
                )
            template = Template(path.read_text(encoding="utf-8"))
            if not template.is_valid():
                raise PromptError(
                    f"prompt template {path} has an invalid placeholder (write $$ for a literal $)"
                )
            self._templates[name] = template
            return template

    def render(self, name: str, /, **values: str) -> str:
        # Positional-only, so a template may itself use a placeholder called ${name}.
        template = self._template(name)
        wanted = set(template.get_identifiers())
        missing = wanted - set(values)
        if missing:
            raise PromptError(f"prompt {name!r} needs {', '.join(sorted(missing))} but got no value for it")
        unused = set(values) - wanted
        if unused:
            raise PromptError(
                f"prompt {name!r} does not use {', '.join(sorted(unused))}: "
                f"add the placeholder to {self._folder / (name + '.md')} or stop passing it"
            )
        return template.substitute(values).strip()
