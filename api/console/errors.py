"""Refusals and failures as the console shows them: an HTML page in the user's language, or the
login page when there is no session. The API's handlers decide the answer (:mod:`api.errors`);
this only shows it."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from .auth import session_of
from .render import lang_of, page

__all__ = ["safe_next", "show_error"]


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def show_error(request: Request, answer: Response) -> Response:
    """The page for the API's answer ``answer`` to a console request."""
    if answer.status_code == 303 and "location" in answer.headers:  # sent elsewhere first
        return RedirectResponse(safe_next(answer.headers["location"]), status_code=303)
    if answer.status_code == 401 and request.method in ("GET", "HEAD"):
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(safe_next(wanted))}", status_code=303)
    body: dict[str, Any] = {}
    with contextlib.suppress(orjson.JSONDecodeError):
        body = orjson.loads(bytes(answer.body))
    lang = lang_of(request)
    detail = body.get(f"detail_{lang}") or body.get("detail") or ""
    problems = [p.get(f"message_{lang}") or p.get("message", "") for p in body.get("problems", [])]
    return page(
        request,
        "error.html",
        {
            "status": answer.status_code,
            "code": body.get("code", ""),
            "detail": detail,
            "problems": problems,
        },
        session=session_of(request),
        status_code=answer.status_code,
    )
