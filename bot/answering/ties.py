"""Near-ties: when the top two entries score almost the same, the user is asked which one they meant.

The margin is the fused score of the first hit minus the second's (what the request record keeps as
`margin`); `faqbot calibrate-ties` measures where wrong first hits sit, see docs/TIES.md.
"""

from __future__ import annotations

from bot.answering.base import Linker
from bot.models import Citation, Reply, Retrieval

# Only replies that answer: an abstention already lists its nearest entries, a fallback failed.
ANSWERED_MODES = ("extractive", "llm")


def tie_margin_of(retrieval: Retrieval) -> float | None:
    """First hit's score minus the second's; None when there is nothing to choose between.

    A message that asks several things is answered part by part: its merged ranking mixes the parts'
    entries, so two of them being close says nothing about what the user meant.
    """
    if retrieval.parts or not retrieval.answerable or len(retrieval.hits) < 2:
        return None
    return retrieval.hits[0].score - retrieval.hits[1].score


def is_near_tie(retrieval: Retrieval, margin: float) -> bool:
    """True when the top two are closer than `margin` (0 turns the question off)."""
    gap = tie_margin_of(retrieval)
    return gap is not None and gap < margin


def alternatives(retrieval: Retrieval, linker: Linker, margin: float) -> tuple[Citation, ...]:
    """The two entries to offer as "which did you mean?", best first; empty unless near-tied."""
    if not is_near_tie(retrieval, margin):
        return ()
    return tuple(linker.citation(hit) for hit in retrieval.hits[:2])


def with_alternatives(reply: Reply, offered: tuple[Citation, ...]) -> Reply:
    """The reply carrying `offered`, unless it is not an answer (then none)."""
    return reply.model_copy(update={"alternatives": offered if reply.mode in ANSWERED_MODES else ()})
