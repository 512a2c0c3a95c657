"""chainmap errors as HTTP answers, in one place: not found 404, bad input 422, store 503."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from chainmap.errors import (
    ChainmapError,
    ConfigError,
    DataError,
    NotFound,
    StoreError,
    ValidationFailed,
)

__all__ = ["install"]

_STATUS: list[tuple[type[ChainmapError], int]] = [
    (NotFound, status.HTTP_404_NOT_FOUND),
    (ConfigError, 422),
    (DataError, 422),
    (StoreError, status.HTTP_503_SERVICE_UNAVAILABLE),
]


async def _answer(request: Request, error: Exception) -> JSONResponse:
    code = next(
        (c for kind, c in _STATUS if isinstance(error, kind)), status.HTTP_500_INTERNAL_SERVER_ERROR
    )
    body: dict[str, object] = {"detail": str(error)}
    if isinstance(error, ValidationFailed):  # the same problems `chainmap import` lists
        body["detail_zh"] = error.text("zh")
        body["problems"] = [p.as_json() for p in error.problems]
    return JSONResponse(body, status_code=code)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ChainmapError, _answer)
