"""Several questions in one message: retrieve each, then interleave their rankings."""

from __future__ import annotations

from bot.models import Hit, Retrieval


def merge_parts(message: str, parts: list[Retrieval], k: int) -> Retrieval:
    """One ranked list: each answerable part's best entry first, then their second best, and so on.

    Neighbouring answerable parts whose best entry is the same are one point told in two
    sentences ("パスワードを忘れました。リセットの方法は？") and become one part. Parts that abstain
    contribute only after every answerable part, so a greeting that slipped through segmentation
    cannot push a real answer out of the top k.
    """
    parts = join_same_point(parts)
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


def join_same_point(parts: list[Retrieval]) -> list[Retrieval]:
    """Merge neighbouring answerable parts that agree on their best entry.

    Only answerable ones: an abstaining part next to an answered one is a question the FAQ does not
    cover, and folding it into its neighbour would hide that from the support desk.
    """
    out: list[Retrieval] = []
    for part in parts:
        prev = out[-1] if out else None
        if prev is not None and _same_point(prev, part):
            # The more confident ranking speaks for both sentences.
            best = prev if prev.confidence >= part.confidence else part
            out[-1] = best.model_copy(
                update={
                    "query": _join(prev.query, part.query),
                    "search_text": _join(prev.search_text, part.search_text),
                }
            )
        else:
            out.append(part)
    return out


def _same_point(a: Retrieval, b: Retrieval) -> bool:
    return a.answerable and b.answerable and bool(a.hits) and bool(b.hits) and a.hits[0].no == b.hits[0].no


def _join(a: str, b: str) -> str:
    return f"{a} {b}" if a[-1:].isascii() and b[:1].isascii() else a + b
