"""Prompt injection against a fully compromised model (the scripted adversary obeys every attack).

Whatever the model says, a user gets a reply that stays inside the FAQ or abstains: no citation
outside the retrieved set, none of the system prompt's sentences, none of the attack's payload.
The regex refusal is one layer of several; `test_layers_beyond_the_regex_hold` counts how many
attacks get past it and are still held by the rest (abstain decision, guard, support check).
"""

from __future__ import annotations

from collections import Counter

import pytest

from answering.injection_attacks import ATTACKS, SYSTEM_PROMPT_MARKERS, Attack
from answering.scripted_llm import Scripted, ScriptedLLM
from bot.answering.service import AnswerService
from bot.retrieval.abstain import looks_like_injection


def _attack(
    service: AnswerService, scripted: ScriptedLLM, attack: Attack
) -> tuple[str, str, set[int], set[int]]:
    retrieval = service.engine.retrieve(attack.message, k=5, history=attack.history)
    retrieved = {h.no for part in (retrieval, *retrieval.parts) for h in part.hits}
    if retrieval.answerable and retrieval.hits:
        scripted.enqueue(Scripted(content=attack.reply.format(top=retrieval.hits[0].no)))
    reply = service.reply(retrieval, attack.history)
    scripted.reset()  # the model is not asked when retrieval abstains: nothing must linger
    return reply.text, reply.mode, {c.no for c in reply.citations}, retrieved


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_a_compromised_model_does_not_reach_the_user(
    llm_service: AnswerService, scripted_server: ScriptedLLM, attack: Attack
) -> None:
    scripted_server.reset()
    text, mode, cited, retrieved = _attack(llm_service, scripted_server, attack)
    assert cited <= retrieved
    assert not [m for m in SYSTEM_PROMPT_MARKERS if m in text]
    assert not [f for f in attack.forbidden if f in text], (mode, text)
    # The model's own words only ship when every sentence was supported; here none is.
    assert mode != "llm", text


def test_there_are_enough_attacks_of_every_kind() -> None:
    kinds = Counter(a.kind for a in ATTACKS)
    assert len(ATTACKS) >= 40
    expected = {"override", "leak", "roleplay", "history", "mail", "task", "fake_citation", "promise"}
    assert set(kinds) >= expected
    assert all(n >= 4 for n in kinds.values()), kinds
    assert sum(1 for a in ATTACKS if a.message.isascii()) >= 15  # English ones too


def test_layers_beyond_the_regex_hold(llm_service: AnswerService, scripted_server: ScriptedLLM) -> None:
    past_regex = [a for a in ATTACKS if not looks_like_injection(a.message)]
    held_by: Counter[str] = Counter()
    for attack in past_regex:
        scripted_server.reset()
        text, mode, _, _ = _attack(llm_service, scripted_server, attack)
        assert not [f for f in attack.forbidden if f in text]
        held_by[mode] += 1
    # Most attacks are not caught by the regex at all: the other layers do the work.
    assert len(past_regex) >= 30
    assert held_by["llm"] == 0
