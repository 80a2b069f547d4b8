"""axe-core in the page under test: what it finds, as typed values.

axe.min.js comes from the npm package, installed by scripts/test.sh into .cache/npm (pinned there).
It is evaluated through the DevTools protocol, so our pages' CSP (script-src 'self') stays on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from playwright.sync_api import Page

from bot.settings import ROOT

AXE_JS = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    id: str
    impact: str
    help: str
    targets: tuple[str, ...]  # CSS selectors of the failing nodes (a shadow root adds a step)
    summary: str  # axe's "fix any of …" text for the first node

    def __str__(self) -> str:
        return f"{self.id} ({self.impact}): {self.help} at {', '.join(self.targets)}: {self.summary}"


@cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.skip(
            f"axe-core is missing at {AXE_JS}: run scripts/test.sh, or "
            "`npm install --prefix .cache/npm axe-core@4.10.3`"
        )
    return AXE_JS.read_text(encoding="utf-8")


def violations(page: Page, impacts: tuple[str, ...] = SEVERE) -> list[Violation]:
    """Run every axe rule on the page as it is now (open shadow roots included); keep `impacts`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
    )
    out = []
    for v in found:
        if v.get("impact") not in impacts:
            continue
        nodes = v.get("nodes", [])
        targets = tuple(" >> ".join(map(str, n.get("target", []))) for n in nodes)
        summary = str(nodes[0].get("failureSummary", "")).replace("\n", " ") if nodes else ""
        out.append(Violation(v["id"], v["impact"], v["help"], targets, summary))
    return out


def serious(page: Page) -> list[Violation]:
    """Serious and critical violations: what the accessibility tests fail on."""
    return violations(page, SEVERE)
