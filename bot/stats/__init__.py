"""Usage figures for /desk/stats and `faqbot stats`: counted in the database, never row by row in Python."""

from bot.stats.models import Stats
from bot.stats.queries import compute_stats

__all__ = ["Stats", "compute_stats"]
