"""Fixtures for the answering tests: the scripted OpenAI-compatible server and a service wired to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from answering.scripted_llm import ScriptedLLM
from bot.answering.service import AnswerService
from bot.engine import Engine
from bot.settings import Settings

# Short, so the "hang" scripts fail fast; long enough for a loaded 2-core machine to answer.
LLM_TIMEOUT = 1.5


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as server:
        yield server


@pytest.fixture
def scripted(scripted_server: ScriptedLLM) -> Iterator[ScriptedLLM]:
    """The server with an empty queue and history; fails the test if a script was left unused."""
    scripted_server.reset()
    yield scripted_server
    assert scripted_server.pending == 0, "a scripted response was never requested"


@pytest.fixture(scope="session")
def llm_settings(settings: Settings, scripted_server: ScriptedLLM) -> Settings:
    return settings.model_copy(
        update={
            "llm_base_url": scripted_server.base_url,
            "llm_timeout": LLM_TIMEOUT,
            "llm_model": "scripted-model",
        }
    )


@pytest.fixture(scope="session")
def llm_service(engine: Engine, llm_settings: Settings) -> AnswerService:
    return AnswerService.from_settings(engine, llm_settings)
