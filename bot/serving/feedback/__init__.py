"""The faqbot database: answered requests, the users' ratings of them, shared rate-limit counters.

SQLite (a file, the default) or PostgreSQL (FAQBOT_DATABASE_URL), one schema managed by Alembic.
"""

from bot.serving.feedback.base import FeedbackRow, FeedbackStore, Rating, RequestRecord
from bot.serving.feedback.database import database_url
from bot.serving.feedback.rate_limits import SqlRateLimiter, client_hash_secret
from bot.serving.feedback.store import SqlFeedbackStore

__all__ = [
    "FeedbackRow",
    "FeedbackStore",
    "Rating",
    "RequestRecord",
    "SqlFeedbackStore",
    "SqlRateLimiter",
    "client_hash_secret",
    "database_url",
]
