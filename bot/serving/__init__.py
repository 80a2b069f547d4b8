"""The HTTP edge: JSON + SSE API, an OpenAI-compatible endpoint, the chat widget and the desk page."""

from bot.serving.app import create_app

__all__ = ["create_app"]
