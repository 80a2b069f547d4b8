"""The small error hierarchy. The core raises these; only the CLI and HTTP edges turn them into messages."""


class BotError(Exception):
    """Base class of every error faqbot raises on purpose."""


class IngestError(BotError):
    """The raw FAQ export is malformed; carries the file and line so the user can fix it."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class DataError(BotError):
    """data/ is missing or unreadable."""


class DatabaseUnavailableError(DataError):
    """The feedback database cannot be reached, opened or written (down, locked, read-only, full)."""


class IndexNotFoundError(BotError):
    """No index on disk."""


class StaleIndexError(BotError):
    """The index on disk does not match the data or the configured embedder."""


class IndexCorruptError(StaleIndexError):
    """An index file is truncated, damaged or inconsistent with the others: rebuild it."""


class EmbedderError(BotError):
    """The embedding model could not be loaded or used."""


class InvalidQuestionError(BotError):
    """The question is empty, too long or otherwise unusable."""


class GeneratorError(BotError):
    """The LLM endpoint failed: timeout, HTTP error, connection error or an unusable reply."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class PromptError(BotError):
    """A prompt template is missing or was rendered with a missing variable."""


class NotFoundError(BotError):
    """An FAQ entry or other named object does not exist."""


class PublishError(BotError):
    """A publish or rollback could not run (nothing to roll back to, a build missing, ...)."""


class IndexBusyError(PublishError):
    """Another publish or rollback holds the index lock."""
