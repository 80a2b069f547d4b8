"""Where answered requests and the users' ratings of them are kept."""

from bot.serving.feedback.base import FeedbackRow, FeedbackStore, Rating, RequestRecord
from bot.serving.feedback.sqlite_store import SqliteFeedbackStore

__all__ = ["FeedbackRow", "FeedbackStore", "Rating", "RequestRecord", "SqliteFeedbackStore"]
