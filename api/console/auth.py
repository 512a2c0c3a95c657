"""Who is using the console: the session named by the cookie, and the CSRF checks.

A page needs a live session (without one the browser is sent to the login page). A form that
changes anything carries the session's CSRF token in the field ``csrf_token``; the check runs
before the caller is looked up, and the API's caller dependency refuses any state-changing
request made with the cookie whose token was not checked (:func:`api.deps.get_caller`). The
login form, made before there is a session, is checked against a random value the login page
sets in a cookie of its own (a double submit), so that no other site can log a browser in.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Form, Request, status

from chainmap.config import Settings

from ..errors import ApiError
from .sessions import Session, Sessions, cookie_name

__all__ = [
    "LOGIN_COOKIE",
    "CheckedForm",
    "ConsoleSession",
    "checked_form",
    "csrf_refused",
    "login_form_ok",
    "new_login_token",
    "session_of",
]

#: the login page's own CSRF value (a double submit: cookie and form field)
LOGIN_COOKIE = "chainmap_login"
#: methods that never change anything
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
#: the pages a person with a one-time password may reach before choosing a new one
BEFORE_NEW_PASSWORD = frozenset({"/password", "/logout", "/lang"})


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def session_of(request: Request) -> Session | None:
    """The live session the request's cookie names (None without one)."""
    settings: Settings = request.app.state.settings
    sid = request.cookies.get(cookie_name(settings.https_cookies))
    sessions = getattr(request.app.state, "sessions", None)
    return None if sessions is None else sessions.get(sid)


def _unauthorized() -> ApiError:
    return ApiError(
        status.HTTP_401_UNAUTHORIZED,
        "unauthorized",
        "please log in (the session ended, or there is none)",
        "请先登录（会话已结束或尚未登录）",
    )


def csrf_refused() -> ApiError:
    return ApiError(
        status.HTTP_403_FORBIDDEN,
        "csrf_failed",
        "the form's security token is missing or out of date; reload the page and try again",
        "表单的安全校验码缺失或已过期，请刷新页面后重试",
    )


def _new_password_first() -> ApiError:
    return ApiError(
        status.HTTP_303_SEE_OTHER,
        "password_change_required",
        "choose a new password first: the one you logged in with was a one-time password",
        "请先设置新密码：您登录所用的是一次性密码",
        headers={"Location": "/password"},
    )


def console_session(request: Request) -> Session:
    """The caller's live session: 401 (the login page, for a page) without one; a 303 to
    ``/password`` while the person must change a one-time password (but for that page, logout
    and the language)."""
    session = session_of(request)
    if session is None:
        raise _unauthorized()
    if session.must_change and request.url.path not in BEFORE_NEW_PASSWORD:
        raise _new_password_first()
    return session


ConsoleSession = Annotated[Session, Depends(console_session)]


def checked_form(
    request: Request,
    session: ConsoleSession,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Session:
    """The session of a form that changes something, once its CSRF token is the session's
    (403 otherwise). Declare it before anything that looks up the caller."""
    if not session.csrf_ok(csrf_token):
        raise csrf_refused()
    request.state.csrf_checked = True
    return session


CheckedForm = Annotated[Session, Depends(checked_form)]


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def login_form_ok(request: Request, sent: str | None) -> bool:
    """True when the login form's value is the one its page set in the cookie."""
    kept = request.cookies.get(LOGIN_COOKIE)
    return bool(kept and sent) and hmac.compare_digest(str(kept).encode(), str(sent).encode())
