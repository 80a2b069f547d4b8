"""The store fixtures of tests/serving/feedback: every figure is checked on SQLite and PostgreSQL."""

from serving.feedback.conftest import db_url, engines, pg_url, sqlite_url, store

__all__ = ["db_url", "engines", "pg_url", "sqlite_url", "store"]
