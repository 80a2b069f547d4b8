"""Alembic migrations of the faqbot database; run by `bot.serving.feedback.migrate`, no alembic.ini."""
