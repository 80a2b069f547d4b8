"""Several questions in one message: retrieve each, then interleave their rankings."""

from __future__ import annotations

from bot.models import Hit, Retrieval


def merge_parts(message: str, parts: list[Retrieval], k: int) -> Retrieval:
    """One ranked list: each answerable part's best entry first, then their second best, and so on.

    Parts that abstain contribute only after every answerable part, so a greeting that slipped
    through segmentation cannot push a real answer out of the top k.
    """
    ordered = [p for p in parts if p.answerable] + [p for p in parts if not p.answerable]
    seen: set[int] = set()
    merged: list[Hit] = []
    depth = max((len(p.hits) for p in parts), default=0)
    for answerable_pass in (True, False):
        for r in range(depth):
            for p in ordered:
                if p.answerable != answerable_pass or r >= len(p.hits):
                    continue
                hit = p.hits[r]
                if hit.no not in seen:
                    seen.add(hit.no)
                    merged.append(hit.model_copy(update={"rank": len(merged) + 1}))
    answerable = any(p.answerable for p in parts)
    confidence = max((p.confidence for p in parts if p.answerable == answerable), default=0.0)
    return Retrieval(
        query=message,
        search_text=" / ".join(p.search_text for p in parts),
        language=parts[0].language,
        hits=tuple(merged[:k]),
        answerable=answerable,
        confidence=confidence,
        reason="ok" if answerable else parts[0].reason,
        parts=tuple(parts),
    )
