"""POST /api/choice: the entry a user picked when the widget asked "which did you mean?"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.serving.access_log import annotate
from bot.serving.deps import API_GUARDS, SettingsDep, StoreDep
from bot.serving.errors import ErrorBody, ServingError, error_responses
from bot.serving.feedback import SqlFeedbackStore
from bot.serving.feedback.choices import ChoiceStore
from bot.serving.recording import now_iso
from bot.serving.schemas import Text

# A well-formed pick the stored request did not offer: it conflicts with that request's state, which
# no schema can state (422 stays "the body breaks the documented schema", as on every route).
_NOT_OFFERED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "that reply offered no choice, or not this entry"},
}

router = APIRouter(
    prefix="/api",
    tags=["feedback"],
    dependencies=API_GUARDS,
    responses={**error_responses(400, 401, 404, 413, 422, 429, 503), **_NOT_OFFERED},
)


class NotOfferedError(ServingError):
    status = 409
    type = "not_offered"


def _whole_number(value: object) -> object:
    # JSON Schema counts 17.0 as an integer; a strict Python int does not. Strings stay refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ChoiceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    request_id: Text = Field(min_length=1, max_length=64, description="the request_id of the reply")
    no: Annotated[int, BeforeValidator(_whole_number)] = Field(
        ge=1, description="the FAQ number picked: one of that reply's `alternatives`"
    )


class ChoiceAck(BaseModel):
    request_id: str
    no: int
    offered: tuple[int, ...] = Field(description="the FAQ numbers the reply offered")
    stored: bool = True


def _choices(store: StoreDep, settings: SettingsDep) -> ChoiceStore:
    # The app always builds a SqlFeedbackStore; the protocol type only hides its engine.
    if not isinstance(store, SqlFeedbackStore):
        raise TypeError(f"choices need the SQL store, not {type(store).__name__}")
    return ChoiceStore(store.engine, settings.tie_margin)


ChoicesDep = Annotated[ChoiceStore, Depends(_choices)]


@router.post("/choice", response_model=ChoiceAck, status_code=status.HTTP_201_CREATED)
def choice(body: ChoiceRequest, request: Request, choices: ChoicesDep) -> ChoiceAck:
    """Record which of a reply's `alternatives` the user picked. 404: no such request; 409: that
    reply offered no choice, or not this entry. Picking again replaces the earlier pick."""
    offer = choices.offer(body.request_id)
    if not offer.offered:
        raise NotOfferedError(
            f"request {body.request_id!r} offered no choice: its top entries were not nearly tied"
        )
    if body.no not in offer.offered:
        shown = " or ".join(f"No.{n}" for n in offer.offered)
        raise NotOfferedError(f"No.{body.no} was not offered for request {body.request_id!r}: pick {shown}")
    choices.add_choice(offer, body.no, now_iso())
    annotate(request, chose=body.request_id, no=body.no)
    return ChoiceAck(request_id=body.request_id, no=body.no, offered=offer.offered)
