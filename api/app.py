"""The FastAPI application: ``create_app`` builds the same object ``chainmap serve`` runs and the
tests call in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from chainmap.config import Settings, get_settings

from . import console, docs, errors
from .cache import Results
from .deps import Stores
from .routes import analysis, chains, datasets, enterprises, leaders, pages, system
from .schemas import ErrorOut

__all__ = ["create_app"]

API = "/api/v1"

#: answers every route may give besides its own, each an ErrorOut
_REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "unsupported_format: a format or export the route does not have",
        401: "unauthorized: no bearer token, or an unknown or revoked one",
        403: "forbidden: the token's role may not do this",
        404: "not_found: not found, or not within the caller's bounds (the same answer)",
        422: "invalid_parameter, invalid_dataset: a parameter or the data is not valid",
        500: "internal_error: an unexpected failure, logged on the server",
        503: "store_unavailable: the store cannot be read or written just now",
    }.items()
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over the store ``settings.store`` (default: the environment's settings)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.stores.close()

    app = FastAPI(
        lifespan=lifespan,
        title="chainmap",
        version="1",
        summary="Industry chains, weak links and certification for regulators, leaders, analysts",
        description="Every call but /health needs `Authorization: Bearer <token>` "
        "(`chainmap token create`), or the session cookie of someone logged in to the console "
        "(reads only, or with the session's `X-CSRF-Token`); each role sees only what belongs "
        "to it (docs/api.md).",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # served by chainmap.api.docs, from the package (offline)
        redoc_url=None,
    )
    app.state.settings = settings or get_settings()
    app.state.results = Results()
    app.state.stores = Stores(app.state.settings.store)
    errors.install(app)
    docs.install(app, API)
    for module in (system, chains, enterprises, leaders, analysis, pages):
        app.include_router(module.router, prefix=API, responses=_REFUSALS)
    # the body limit answers 413 from the Content-Length, or as the body streams past it,
    # before the upload is parsed
    app.include_router(
        datasets.router,
        prefix=API,
        responses=_REFUSALS,
        max_body_size=app.state.settings.upload_limit,
    )
    console.install(app)
    return app
