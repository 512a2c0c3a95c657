"""Logging in and out, and choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from chainmap.accounts import log_in, login_key
from chainmap.config import Settings
from chainmap.errors import LoginRefused

from ...deps import PublicRoute, SettingsDep, StoreDep
from ..auth import (
    LOGIN_COOKIE,
    CheckedForm,
    csrf_refused,
    login_form_ok,
    new_login_token,
    session_of,
    sessions_of,
)
from ..errors import safe_next
from ..i18n import LANGS
from ..render import LANG_COOKIE, page
from ..sessions import cookie_name, cookie_settings

router = APIRouter()

#: a year: the language is a preference, kept across sessions
_LANG_AGE = 365 * 24 * 3600


def _login_page(
    request: Request,
    settings: Settings,
    *,
    next_path: str,
    login: str = "",
    refused: bool = False,
    status_code: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or new_login_token()
    answer = page(
        request,
        "login.html",
        {"login_token": token, "next_path": next_path, "login": login, "refused": refused},
        status_code=status_code,
    )
    answer.set_cookie(LOGIN_COOKIE, token, **cookie_settings(settings.https_cookies))  # type: ignore[arg-type]
    return answer


@router.get("/login")
def login_page(
    _: PublicRoute, request: Request, settings: SettingsDep, next: str | None = None
) -> Response:
    """The login form (home at once when already logged in)."""
    if session_of(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, settings, next_path=safe_next(next))


@router.post("/login")
def login(
    _: PublicRoute,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    login: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    login_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Log in: a new session (and id) on success; the same refusal whatever went wrong."""
    if not login_form_ok(request, login_token):
        raise csrf_refused()
    try:
        principal = log_in(store, login, password)
    except LoginRefused:
        return _login_page(
            request,
            settings,
            next_path=safe_next(next),
            login=login,
            refused=True,
            status_code=401,
        )
    sessions = sessions_of(request)
    name = cookie_name(settings.https_cookies)
    sessions.end(request.cookies.get(name))  # an earlier session of this browser ends
    account = store.account(login_key(principal.login or login))
    once = account is not None and account.must_change  # a one-time password: /password first
    answer = RedirectResponse("/password" if once else safe_next(next), status_code=303)
    sid = sessions.start(principal, must_change=once)
    answer.set_cookie(name, sid, **cookie_settings(settings.https_cookies))  # type: ignore[arg-type]
    answer.delete_cookie(LOGIN_COOKIE, path="/")
    return answer


@router.post("/logout")
def logout(
    request: Request, session: CheckedForm, _: PublicRoute, settings: SettingsDep
) -> Response:
    """Log out: the session ends on the server at once."""
    name = cookie_name(settings.https_cookies)
    sessions_of(request).end(request.cookies.get(name))
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(name, path="/", secure=settings.https_cookies, httponly=True)
    return answer


@router.post("/lang")
def choose_language(
    _: PublicRoute,
    request: Request,
    settings: SettingsDep,
    lang: Annotated[str, Form()],
    csrf_token: Annotated[str | None, Form()] = None,
    login_token: Annotated[str | None, Form()] = None,
    back: Annotated[str | None, Form()] = None,
) -> Response:
    """Switch the console's language (kept in a cookie), then go back to the page."""
    session = session_of(request)
    checked = (
        session.csrf_ok(csrf_token) if session is not None else login_form_ok(request, login_token)
    )
    if not checked:
        raise csrf_refused()
    answer = RedirectResponse(safe_next(back), status_code=303)
    if lang in LANGS:
        answer.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=_LANG_AGE,
            path="/",
            samesite="strict",
            secure=settings.https_cookies,
        )
    return answer
