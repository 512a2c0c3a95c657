"""The API's documentation page, served offline: Swagger UI from the package's own files
(``api/static/swagger_ui``, vendored with its licence), under a strict Content-Security-Policy
with no inline script and nothing fetched from another origin."""

from __future__ import annotations

from html import escape
from importlib import resources

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

__all__ = ["DOCS_POLICY", "install"]

#: Swagger UI sets style attributes as it draws, hence 'unsafe-inline' for styles only
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} API</title>
<link rel="stylesheet" href="{static}/swagger_ui/swagger-ui.css">
<link rel="icon" type="image/png" href="{static}/swagger_ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{static}/swagger_ui/swagger-ui-bundle.js"></script>
<script src="{static}/swagger_ui/init.js"></script>
</body>
</html>
"""


def install(app: FastAPI, prefix: str) -> None:
    """Serve the package's static files under ``{prefix}/static`` and the documentation page at
    ``{prefix}/docs`` (FastAPI's own page loads Swagger UI from a CDN: blank offline)."""
    folder = resources.files("chainmap.api").joinpath("static")
    app.mount(f"{prefix}/static", StaticFiles(directory=str(folder)), name="static")
    static, openapi = f"{prefix}/static", app.openapi_url or f"{prefix}/openapi.json"

    async def docs(request: Request) -> HTMLResponse:
        page = _PAGE.format(title=escape(app.title), static=static, openapi=escape(openapi))
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_POLICY})

    app.add_route(f"{prefix}/docs", docs, include_in_schema=False)
