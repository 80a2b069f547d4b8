"""/docs served from the swagger-ui-bundle wheel (the platform's networks cannot reach a CDN), and the
/openapi.json it shows, which describes this server as configured: its limits, categories and key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.serving.body_limit import BodyLimitMiddleware
from bot.serving.chat_input import DRAFT_LENGTH_FACTOR
from bot.serving.schemas import MAX_TURN_CHARS, user_turn_limit
from bot.settings import Settings

ASSETS = "/docs-assets"
# Routes behind API_GUARDS (deps.py): the key, when set, is needed here and nowhere else.
_GUARDED_PREFIXES = ("/api/", "/v1/")
_SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "Bearer": {"type": "http", "scheme": "bearer", "description": "the same key, as OpenAI clients send it"},
}
# Routes behind ADMIN_GUARDS (admin.py): their own key, never the widget's.
_ADMIN_PREFIX = "/api/admin"
_ADMIN_SCHEMES = {
    "AdminKey": {"type": "apiKey", "in": "header", "name": "X-Admin-Key", "description": "FAQBOT_ADMIN_KEY"},
}


def install_docs(app: FastAPI) -> None:
    """Mount the bundled Swagger UI assets, a /docs page that uses them, and the server's own schema."""
    import swagger_ui_bundle

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="faqbot API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    app.include_router(router)
    cache: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        # Categories come from the loaded FAQ: build again after a (re)load, never cache before one.
        runtime = app.state.runtime
        if cache.get("runtime") is not runtime or "schema" not in cache:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            categories = list(runtime.engine.categories) if runtime is not None else None
            describe_server(schema, app.state.settings, categories, _body_limit(app))
            cache.update(runtime=runtime, schema=schema)
        schema_: dict[str, Any] = cache["schema"]
        return schema_

    app.openapi = openapi  # type: ignore[method-assign]


def describe_server(
    schema: dict[str, Any], settings: Settings, categories: list[str] | None, max_body_bytes: int | None
) -> None:
    """Fill in the rules the request models cannot know: configured limits, loaded categories, the key.

    Without them a schema-valid request could still be refused (a 1,001-character question, an
    unknown category), and a client generating requests from the schema would be misled. The body
    size limit has no JSON Schema keyword: it goes into the 413 descriptions.
    """
    models = schema.get("components", {}).get("schemas", {})
    limit = settings.max_question_chars
    _prop(models, "ChatRequest", "question")["maxLength"] = limit
    _prop(models, "DraftRequest", "inquiry")["maxLength"] = limit * DRAFT_LENGTH_FACTOR
    models["TurnIn"].update(user_turn_limit(min(limit, MAX_TURN_CHARS)))
    _string_branch(_prop(models, "UserMessage", "content"))["maxLength"] = limit
    _prop(models, "TextPart", "text")["maxLength"] = limit
    if categories is not None:
        _string_branch(_prop(models, "ChatRequest", "category"))["enum"] = categories
        for parameter in schema["paths"]["/api/faq"]["get"].get("parameters", []):
            if parameter["name"] == "category":
                _string_branch(parameter["schema"])["enum"] = categories
    schemes = {
        **(_SECURITY_SCHEMES if settings.api_key else {}),
        **(_ADMIN_SCHEMES if settings.admin_key else {}),
    }
    if schemes:
        schema["components"]["securitySchemes"] = schemes
    for path, operations in schema["paths"].items():
        admin = path.startswith(_ADMIN_PREFIX)
        if (admin and settings.admin_key) or (
            not admin and settings.api_key and path.startswith(_GUARDED_PREFIXES)
        ):
            for operation in operations.values():
                operation["security"] = [
                    {name: []} for name in (_ADMIN_SCHEMES if admin else _SECURITY_SCHEMES)
                ]
    if max_body_bytes is not None:
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "413" in operation["responses"]:
                    operation["responses"]["413"]["description"] = (
                        f"the body is over {max_body_bytes} bytes (the size a JSON Schema cannot state)"
                    )


def _body_limit(app: FastAPI) -> int | None:
    for middleware in app.user_middleware:
        cls: object = middleware.cls
        limit = middleware.kwargs.get("max_bytes")
        if cls is BodyLimitMiddleware and isinstance(limit, int):
            return limit
    return None


def _prop(models: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    prop: dict[str, Any] = models[model]["properties"][field]
    return prop


def _string_branch(prop: dict[str, Any]) -> dict[str, Any]:
    """The `{"type": "string"}` alternative of `str | None` or `str | list[...]`, or the schema itself."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") == "string":
            found: dict[str, Any] = branch
            return found
    raise KeyError(f"no string alternative in {prop}")
