"""A person's own password: the form to change it, which a one-time password leads to first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from chainmap.accounts import change_password
from chainmap.errors import LoginRefused, NotFound, RuleViolation

from ...deps import PublicRoute, SettingsDep, StoreDep
from ..auth import CheckedForm, ConsoleSession, sessions_of
from ..render import lang_of, page
from ..sessions import Session, cookie_name, cookie_settings

router = APIRouter()


def _form(
    request: Request,
    session: Session,
    *,
    error: str = "",
    rule: str = "",
    changed: bool = False,
    status: int = 200,
) -> Response:
    """The page; ``error`` a message key, ``rule`` a broken password rule in words."""
    return page(
        request,
        "password.html",
        {"error": error, "rule": rule, "changed": changed},
        session=session,
        status_code=status,
    )


@router.get("/password")
def password_page(
    request: Request, session: ConsoleSession, _: PublicRoute, changed: bool = False
) -> Response:
    """The form: the current password, the new one twice."""
    return _form(request, session, changed=changed and not session.must_change)


@router.post("/password")
def new_password(
    session: CheckedForm,
    request: Request,
    _: PublicRoute,
    store: StoreDep,
    settings: SettingsDep,
    current: Annotated[str, Form(max_length=8192)] = "",
    new: Annotated[str, Form(max_length=8192)] = "",
    again: Annotated[str, Form(max_length=8192)] = "",
) -> Response:
    """Set the person's own password (the rules of :mod:`chainmap.accounts`); on success every
    other session of the account ends and this browser is given a new one."""
    login = session.principal.login
    if login is None:  # a console session is always an account's
        return _form(request, session, error="password_page.wrong_current", status=403)
    if new != again:
        return _form(request, session, error="password_page.mismatch", status=422)
    try:
        change_password(store, login, current, new)
    except (LoginRefused, NotFound):
        return _form(request, session, error="password_page.wrong_current", status=422)
    except RuleViolation as refused:
        return _form(request, session, rule=refused.text(lang_of(request)), status=422)
    sessions = sessions_of(request)
    sessions.end_all_of(login)  # this one too: the browser gets a new id below
    answer = RedirectResponse("/password?changed=true", status_code=303)
    answer.set_cookie(
        cookie_name(settings.https_cookies),
        sessions.start(session.principal),
        **cookie_settings(settings.https_cookies),  # type: ignore[arg-type]
    )
    return answer
