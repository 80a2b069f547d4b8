"""The demo page with the widget (/) and the support-desk page (/desk)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Our own pages run only our own scripts: injected markup could not run even if it got in.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers=_HEADERS)


@router.get("/desk")
async def desk() -> FileResponse:
    return FileResponse(STATIC_DIR / "desk.html", headers=_HEADERS)


@router.get("/desk/review")
async def review_page() -> FileResponse:
    # The page itself is public; everything it shows comes from /api/admin, behind the admin key.
    return FileResponse(STATIC_DIR / "review.html", headers=_HEADERS)


@router.get("/desk/stats")
async def stats_page() -> FileResponse:
    # Public like /desk/review: the figures come from /api/admin/stats, behind the admin key.
    return FileResponse(STATIC_DIR / "stats.html", headers=_HEADERS)


# The embed tag points here: `<script src="https://HOST/widget.js">`; the script finds its CSS beside it.
# A short cache so an upgraded widget reaches embedding sites within minutes.
_ASSET_HEADERS = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


@router.get("/widget.js")
async def widget_js() -> FileResponse:
    return FileResponse(STATIC_DIR / "widget.js", media_type="text/javascript", headers=_ASSET_HEADERS)


@router.get("/widget.css")
async def widget_css() -> FileResponse:
    return FileResponse(STATIC_DIR / "widget.css", media_type="text/css", headers=_ASSET_HEADERS)
