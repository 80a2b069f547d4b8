"""The admin key: what opens the review queue, the stats and publishing (never the widget's API key)."""

from __future__ import annotations

import hmac

from fastapi import Depends, Request

from bot.serving.errors import UnauthorizedError
from bot.settings import Settings

ADMIN_HEADER = "X-Admin-Key"


async def require_admin_key(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if not settings.admin_key:
        # No key configured means no admin access at all, not open access.
        raise UnauthorizedError("admin routes are off: set FAQBOT_ADMIN_KEY on the server to use them")
    key = request.headers.get(ADMIN_HEADER.lower())
    if not key:
        raise UnauthorizedError(f"this route needs the admin key: send it in the {ADMIN_HEADER} header")
    if not hmac.compare_digest(key.encode(), settings.admin_key.encode()):
        raise UnauthorizedError("the admin key is not valid")


ADMIN_GUARDS = [Depends(require_admin_key)]
