"""Calibrating the "which did you mean?" margin: where do wrong first hits sit against right ones?

For every in-scope question the bot answers (one question per message, two hits or more), the margin
is the first hit's fused score minus the second's. A margin limit offers chips on the replies below
it: we want them on many replies whose first hit is wrong, and on few whose first hit is right. The
limit is picked on the calibration sets (never the eval set, which only checks it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from bot.answering.ties import tie_margin_of
from bot.engine import Engine
from bot.errors import DataError
from bot.evaluation.dataset import EvalItem

# Margins printed in the table besides the picked one, on the fused-score scale (0 to ~1.75).
GRID = (0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TieItem(_Frozen):
    id: str
    margin: float
    right: bool  # the first hit is an expected entry
    second_right: bool  # wrong first hit, expected entry second: the chips would hold the answer


class TieRow(_Frozen):
    """What a margin limit does: chips offered on how many right and wrong first hits."""

    margin: float
    right_offered: int
    right_share: float
    wrong_offered: int
    wrong_share: float
    second_right_offered: int  # wrong first hits whose chips hold the expected entry


class TieSummary(_Frozen):
    n_answered: int
    n_right: int
    n_wrong: int
    n_second_right: int
    right_quartiles: tuple[float, float, float]
    wrong_margins: tuple[float, ...]  # few enough to list
    rows: tuple[TieRow, ...]


def measure(engine: Engine, items: Sequence[EvalItem], k: int = 5) -> list[TieItem]:
    """Margins of the answered in-scope items (abstained, multi-question and one-hit ones are left out)."""
    out: list[TieItem] = []
    for item in items:
        if not item.expected:
            continue
        retrieval = engine.retrieve(item.question, k=k, history=item.history)
        margin = tie_margin_of(retrieval)
        if margin is None:
            continue
        first, second = retrieval.hits[0].no, retrieval.hits[1].no
        right = first in item.expected
        second_right = not right and second in item.expected
        out.append(TieItem(id=item.id, margin=margin, right=right, second_right=second_right))
    return out


def row_at(items: Sequence[TieItem], margin: float) -> TieRow:
    right = [i for i in items if i.right]
    wrong = [i for i in items if not i.right]
    right_offered = sum(i.margin < margin for i in right)
    wrong_offered = sum(i.margin < margin for i in wrong)
    return TieRow(
        margin=margin,
        right_offered=right_offered,
        right_share=right_offered / len(right) if right else 0.0,
        wrong_offered=wrong_offered,
        wrong_share=wrong_offered / len(wrong) if wrong else 0.0,
        second_right_offered=sum(i.margin < margin and i.second_right for i in wrong),
    )


def pick_margin(items: Sequence[TieItem], max_right_share: float) -> float:
    """The largest margin, rounded down to 0.01, that offers chips on at most `max_right_share` of the
    replies whose first hit is right: as many wrong first hits covered as that nuisance budget allows."""
    if not 0.0 <= max_right_share < 1.0:
        raise ValueError(f"max_right_share must be in [0, 1), got {max_right_share}")
    right = sorted(i.margin for i in items if i.right)
    if not right:
        raise DataError(
            "no answered question with a right first hit: the calibration set cannot place the margin; "
            "pass --questions with in-scope items"
        )
    allowed = math.floor(max_right_share * len(right))
    # Offering below right[allowed] reaches exactly the `allowed` smallest right margins (ties aside).
    limit = right[allowed]
    # round() first: 0.29 * 100 is 28.999999999999996 in floating point.
    return math.floor(round(limit * 100, 6)) / 100


def summarize(items: Sequence[TieItem], margins: Sequence[float]) -> TieSummary:
    right = sorted(i.margin for i in items if i.right)
    wrong = [i for i in items if not i.right]
    quartiles = tuple(_quantile(right, q) for q in (0.25, 0.5, 0.75)) if right else (0.0, 0.0, 0.0)
    return TieSummary(
        n_answered=len(items),
        n_right=len(right),
        n_wrong=len(wrong),
        n_second_right=sum(i.second_right for i in wrong),
        right_quartiles=(quartiles[0], quartiles[1], quartiles[2]),
        wrong_margins=tuple(sorted(round(i.margin, 4) for i in wrong)),
        rows=tuple(row_at(items, m) for m in sorted(set(margins))),
    )


def _quantile(ordered: Sequence[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 4)


class TieCalibration(_Frozen):
    picked_margin: float
    max_right_share: float
    calibration: TieSummary  # where the margin is picked
    check: TieSummary  # the eval set: only looks at it
    combined: TieSummary


def calibrate(
    engine: Engine, fit: Sequence[EvalItem], check: Sequence[EvalItem], max_right_share: float, k: int = 5
) -> TieCalibration:
    fit_items, check_items = measure(engine, fit, k), measure(engine, check, k)
    picked = pick_margin(fit_items, max_right_share)
    grid = (*GRID, picked)
    return TieCalibration(
        picked_margin=picked,
        max_right_share=max_right_share,
        calibration=summarize(fit_items, grid),
        check=summarize(check_items, grid),
        combined=summarize([*fit_items, *check_items], grid),
    )
