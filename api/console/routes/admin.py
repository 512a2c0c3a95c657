"""Users and tokens: the administrator's pages.

``GET /admin/users`` lists people's accounts (login, name, role, scope, created, state) with a
form for a new one; ``POST /admin/users`` creates it (the password typed twice, or generated and
shown once); ``POST /admin/users/{login}/disable`` and ``.../enable`` switch an account off and
on again, and ``.../password`` gives it a new password. Disabling an account or giving it a new
password ends its live sessions at once. ``GET /admin/tokens`` lists the API tokens (never a
token itself: the store keeps only its digest), ``POST /admin/tokens`` issues one and shows it
this once, ``POST /admin/tokens/{token_id}/revoke`` revokes it. Everything goes through
:mod:`chainmap.accounts` and :mod:`chainmap.access`, as ``chainmap user`` and ``chainmap token``
do.

Only admins may (:attr:`~api.permissions.Permission.ADMIN`). Anyone else gets the 403 page, the
answer the API gives a role that lacks a permission (:func:`api.deps.allowed`), rather than the
404 page: the API answers 404 for an object outside the caller's bounds so that it cannot be told
from one that does not exist, and these pages are no such object (their addresses are the same
for every installation and written in the documentation, so a 404 would hide nothing), while the
403 page tells a person plainly that the page exists and is not theirs.

A refused form (a login taken, a region or an enterprise unknown, a password too short or typed
differently twice ...) is shown again with what is wrong in the user's language, and nothing is
written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from chainmap.access import DEFAULT_DAYS, MAX_DAYS, Role, expired, issue_token, revoke_token
from chainmap.accounts import (
    accounts,
    create_account,
    disable_account,
    enable_account,
    generate_password,
    login_key,
    set_password,
)
from chainmap.errors import ConfigError, NotFound, RuleViolation
from chainmap.models import clean_text
from chainmap.records import AccountRow, FirmQuery, Table, TokenRow
from chainmap.rules.regions import validate_region_prefix
from chainmap.rules.uscc import validate_uscc
from chainmap.store import Store

from ...deps import AdminCaller, StoreDep
from ...errors import plain
from ..auth import CheckedForm, ConsoleSession, sessions_of
from ..i18n import catalogue
from ..render import lang_of, page
from ..sessions import Session

__all__ = ["router"]

router = APIRouter()

#: what separates region prefixes typed in one field
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_ROLES = [role.value for role in Role]


def _t(lang: str, key: str, **fields: Any) -> str:
    return catalogue().text(key, lang, **fields)


@dataclass(frozen=True, slots=True)
class Scope:
    """A role and its bounds as a form gave them, checked."""

    role: str
    regions: list[str]
    enterprise: str | None


def _scope(store: Store, lang: str, role: str, regions: str, enterprise: str) -> Scope | str:
    """The role, regions and enterprise of a form, checked by the rules of
    :func:`chainmap.access.bounds` (which checks them again), or what is wrong with them in
    ``lang``."""
    if role not in _ROLES:
        return _t(lang, "admin_page.error.role")
    prefixes: list[str] = []
    for typed in (r for r in _SEPARATORS.split(regions) if r):
        try:
            prefixes.append(validate_region_prefix(typed))
        except RuleViolation as error:
            return error.text(lang)
    needs_regions = role in (Role.REGULATOR, Role.ANALYST)
    if needs_regions and not prefixes:
        return _t(lang, "admin_page.error.needs_regions", role=_t(lang, f"role.{role}"))
    if not needs_regions and prefixes:
        return _t(lang, "admin_page.error.no_regions", role=_t(lang, f"role.{role}"))
    firm = enterprise.strip().upper() or None
    if role != Role.LEADER:
        if firm is not None:
            return _t(lang, "admin_page.error.no_enterprise", role=_t(lang, f"role.{role}"))
        return Scope(role, prefixes, None)
    if firm is None:
        return _t(lang, "admin_page.error.needs_enterprise")
    try:
        validate_uscc(firm)
    except RuleViolation as error:
        return error.text(lang)
    if not store.existing(Table.ENTERPRISES, [firm]):
        return _t(lang, "admin_page.error.unknown_enterprise", uscc=firm)
    return Scope(role, prefixes, firm)


def _names(store: Store, usccs: set[str]) -> dict[str, str]:
    """The names of the firms ``usccs`` (admins see every firm)."""
    if not usccs:
        return {}
    found, _ = store.search_enterprises(FirmQuery(within=tuple(sorted(usccs)), limit=len(usccs)))
    return {firm.uscc: firm.name for firm in found}


def _moment(stamp: str) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM`` (UTC)."""
    return stamp[:16].replace("T", " ")


def _account_view(
    row: AccountRow, names: dict[str, str], lang: str, now: datetime
) -> dict[str, Any]:
    """One account as the list shows it: its state in words."""
    if row.disabled_at is not None:
        state, kind = _t(lang, "admin_page.state.disabled", day=row.disabled_at[:10]), "disabled"
    elif row.locked_until is not None and datetime.fromisoformat(row.locked_until) > now:
        state = _t(lang, "admin_page.state.locked", until=_moment(row.locked_until))
        kind = "locked"
    else:
        state, kind = _t(lang, "admin_page.state.active"), "active"
    notes = []
    if row.must_change and row.disabled_at is None:
        notes.append(_t(lang, "admin_page.state.must_change"))
    if row.failures and row.disabled_at is None:
        notes.append(_t(lang, "admin_page.state.failures", n=row.failures))
    return {
        "row": row,
        "state": state,
        "kind": kind,
        "notes": notes,
        "enterprise_name": names.get(row.enterprise or "", ""),
        "created": row.created_at[:10],
    }


def _users(
    request: Request,
    session: Session,
    store: Store,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    problem: str | None = None,
    notice: str | None = None,
    shown_password: str | None = None,
    password_for: str | None = None,
    password_problem: str | None = None,
) -> Response:
    lang = lang_of(request)
    rows = accounts(store)
    names = _names(store, {r.enterprise for r in rows if r.enterprise})
    now = datetime.now(UTC)
    context = {
        "accounts": [_account_view(r, names, lang, now) for r in rows],
        "roles": _ROLES,
        "form": {
            "login": "",
            "name": "",
            "role": "regulator",
            "regions": "",
            "enterprise": "",
            "generate": False,
            "one_time": True,
            **(form or {}),
        },
        "problem": problem,
        "notice": notice,
        "shown_password": shown_password,
        "password_for": password_for,
        "password_problem": password_problem,
    }
    return page(request, "admin_users.html", context, session=session, status_code=status_code)


def _account(store: Store, login: str) -> AccountRow | None:
    try:
        return store.account(login_key(login))
    except RuleViolation:
        return None


@router.get("/admin/users")
def users_page(
    request: Request, session: ConsoleSession, caller: AdminCaller, store: StoreDep
) -> Response:
    """The accounts, and a form for a new one."""
    return _users(request, session, store)


@router.post("/admin/users")
def create_user(
    request: Request,
    session: CheckedForm,
    caller: AdminCaller,
    store: StoreDep,
    login: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    regions: Annotated[str, Form(max_length=500)] = "",
    enterprise: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=4096)] = "",
    password_again: Annotated[str, Form(max_length=4096)] = "",
    generate: Annotated[bool, Form()] = False,
    one_time: Annotated[bool, Form()] = False,
) -> Response:
    """Create an account; a generated password is shown this once."""
    lang = lang_of(request)
    typed = {
        "login": login,
        "name": name,
        "role": role,
        "regions": regions,
        "enterprise": enterprise,
        "generate": generate,
        "one_time": one_time,
    }
    scope = _scope(store, lang, role, regions, enterprise)
    problem = scope if isinstance(scope, str) else None
    secret = generate_password() if generate else password
    if problem is None and not generate and password != password_again:
        problem = _t(lang, "admin_page.error.mismatch")
    if problem is None and isinstance(scope, Scope):
        try:
            row = create_account(
                store,
                login,
                scope.role,
                secret,
                name=name.strip() or None,
                regions=scope.regions,
                enterprise=scope.enterprise,
                must_change=one_time,
            )
        except RuleViolation as error:
            problem = error.text(lang)
        except (ConfigError, NotFound) as error:  # checked above; said as the library says it
            problem = plain(str(error))
    if problem is not None:
        return _users(request, session, store, status_code=422, form=typed, problem=problem)
    return _users(
        request,
        session,
        store,
        notice=_t(lang, "admin_page.created", login=row.login),
        shown_password=secret if generate else None,
        password_for=row.login,
    )


@router.post("/admin/users/{login:path}/disable")
def disable_user(
    request: Request, session: CheckedForm, caller: AdminCaller, store: StoreDep, login: str
) -> Response:
    """Disable an account and end its live sessions at once."""
    lang = lang_of(request)
    row = _account(store, login)
    if row is None or row.disabled_at is not None:
        problem = _t(lang, "admin_page.error.no_enabled", login=login)
        return _users(request, session, store, status_code=404, problem=problem)
    if caller.login is not None and login_key(caller.login) == row.login_key:
        problem = _t(lang, "admin_page.error.not_yourself")
        return _users(request, session, store, status_code=422, problem=problem)
    try:
        disable_account(store, row.login)
    except NotFound:  # enabled a moment ago, disabled meanwhile
        problem = _t(lang, "admin_page.error.no_enabled", login=login)
        return _users(request, session, store, status_code=404, problem=problem)
    ended = sessions_of(request).end_all_of(row.login)
    notice = _t(lang, "admin_page.disabled", login=row.login, n=ended)
    return _users(request, session, store, notice=notice)


@router.post("/admin/users/{login:path}/enable")
def enable_user(
    request: Request, session: CheckedForm, caller: AdminCaller, store: StoreDep, login: str
) -> Response:
    """Enable a disabled account again, with the password it had."""
    lang = lang_of(request)
    row = _account(store, login)
    try:
        if row is None:
            raise NotFound(login)
        enable_account(store, row.login)
    except NotFound:
        problem = _t(lang, "admin_page.error.no_disabled", login=login)
        return _users(request, session, store, status_code=404, problem=problem)
    return _users(request, session, store, notice=_t(lang, "admin_page.enabled", login=row.login))


@router.post("/admin/users/{login:path}/password")
def reset_password(
    request: Request,
    session: CheckedForm,
    caller: AdminCaller,
    store: StoreDep,
    login: str,
    password: Annotated[str, Form(max_length=4096)] = "",
    password_again: Annotated[str, Form(max_length=4096)] = "",
    generate: Annotated[bool, Form()] = False,
    one_time: Annotated[bool, Form()] = False,
) -> Response:
    """Give an account a new password (typed twice, or generated and shown this once); its
    live sessions end at once."""
    lang = lang_of(request)
    row = _account(store, login)
    if row is None:
        unknown = _t(lang, "admin_page.error.no_account", login=login)
        return _users(request, session, store, status_code=404, problem=unknown)
    secret = generate_password() if generate else password
    problem: str | None = None
    if not generate and password != password_again:
        problem = _t(lang, "admin_page.error.mismatch")
    else:
        try:
            set_password(store, row.login, secret, must_change=one_time)
        except RuleViolation as error:
            problem = error.text(lang)
        except NotFound:
            problem = _t(lang, "admin_page.error.no_account", login=login)
    if problem is not None:
        return _users(
            request,
            session,
            store,
            status_code=422,
            password_for=row.login,
            password_problem=problem,
        )
    ended = sessions_of(request).end_all_of(row.login)
    return _users(
        request,
        session,
        store,
        notice=_t(lang, "admin_page.password_set", login=row.login, n=ended),
        shown_password=secret if generate else None,
        password_for=row.login,
    )


# -- API tokens ------------------------------------------------------------------------------


def _token_view(row: TokenRow, names: dict[str, str], lang: str, now: datetime) -> dict[str, Any]:
    if row.revoked_at is not None:
        state, kind = _t(lang, "admin_page.token_state.revoked", day=row.revoked_at[:10]), "revoked"
    elif expired(row, now):
        day = (row.expires_at or "")[:10]
        state, kind = _t(lang, "admin_page.token_state.expired", day=day), "expired"
    else:
        state, kind = _t(lang, "admin_page.token_state.active"), "active"
    return {
        "row": row,
        "state": state,
        "kind": kind,
        "enterprise_name": names.get(row.enterprise or "", ""),
        "created": row.created_at[:10],
        "expires": (row.expires_at or "")[:10],
    }


def _tokens(
    request: Request,
    session: Session,
    store: Store,
    *,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    problem: str | None = None,
    notice: str | None = None,
    issued: tuple[str, TokenRow] | None = None,
) -> Response:
    lang = lang_of(request)
    rows = store.tokens()
    names = _names(store, {r.enterprise for r in rows if r.enterprise})
    now = datetime.now(UTC)
    context = {
        "tokens": [_token_view(r, names, lang, now) for r in reversed(rows)],  # newest first
        "roles": _ROLES,
        "max_days": MAX_DAYS,
        "form": {
            "name": "",
            "role": "analyst",
            "regions": "",
            "enterprise": "",
            "days": str(DEFAULT_DAYS),
            **(form or {}),
        },
        "problem": problem,
        "notice": notice,
        "issued": issued,
    }
    return page(request, "admin_tokens.html", context, session=session, status_code=status_code)


@router.get("/admin/tokens")
def tokens_page(
    request: Request, session: ConsoleSession, caller: AdminCaller, store: StoreDep
) -> Response:
    """The API tokens (never a token itself), and a form for a new one."""
    return _tokens(request, session, store)


@router.post("/admin/tokens")
def create_token(
    request: Request,
    session: CheckedForm,
    caller: AdminCaller,
    store: StoreDep,
    name: Annotated[str, Form(max_length=300)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    regions: Annotated[str, Form(max_length=500)] = "",
    enterprise: Annotated[str, Form(max_length=40)] = "",
    days: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Issue a token and show it this once."""
    lang = lang_of(request)
    typed = {"name": name, "role": role, "regions": regions, "enterprise": enterprise, "days": days}
    problem: str | None = None
    try:
        label = clean_text(name.strip())
    except RuleViolation as error:
        label, problem = "", error.text(lang)
    if problem is None and not 1 <= len(label) <= 100:
        problem = _t(lang, "admin_page.error.token_name")
    lasting = int(days) if days.strip().isdigit() else 0
    if problem is None and not 1 <= lasting <= MAX_DAYS:
        problem = _t(lang, "admin_page.error.days", most=MAX_DAYS)
    scope = _scope(store, lang, role, regions, enterprise) if problem is None else problem
    if isinstance(scope, str):
        return _tokens(request, session, store, status_code=422, form=typed, problem=scope)
    try:
        token, row = issue_token(
            store, scope.role, label, scope.regions, scope.enterprise, expires_in=lasting
        )
    except (ConfigError, NotFound, RuleViolation) as error:  # checked above
        return _tokens(
            request, session, store, status_code=422, form=typed, problem=plain(str(error))
        )
    notice = _t(lang, "admin_page.token_created", name=row.name)
    return _tokens(request, session, store, notice=notice, issued=(token, row))


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(
    request: Request, session: CheckedForm, caller: AdminCaller, store: StoreDep, token_id: str
) -> Response:
    """Revoke a token: the API refuses it from then on."""
    lang = lang_of(request)
    try:
        revoke_token(store, token_id)
    except NotFound:
        problem = _t(lang, "admin_page.error.no_token", token=token_id)
        return _tokens(request, session, store, status_code=404, problem=problem)
    return _tokens(request, session, store, notice=_t(lang, "admin_page.revoked", token=token_id))
