"""Pages of the console: Jinja2 templates from the package, HTML-escaped, every word from the
message catalogue, sent under a strict Content-Security-Policy.

Pages run no inline script and load nothing from another origin: styles and the one script come
from ``/static`` (the package's ``static/`` folder), and atlases are embedded in a sandboxed
frame from the API's own address. The policy forbids the page being framed elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

from chainmap.access import Principal, Role
from chainmap.rules import industry_name, region_full_name, region_name

from .i18n import LANGS, catalogue, choose_lang
from .sessions import Session

__all__ = [
    "LANG_COOKIE",
    "NAV",
    "POLICY",
    "SECURITY_HEADERS",
    "attachment",
    "lang_of",
    "page",
    "static_url",
]

#: the console's Content-Security-Policy: no inline script or style, nothing from elsewhere
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
#: the cookie that keeps the language chosen in the console (a preference, not a secret)
LANG_COOKIE = "chainmap_lang"


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link of the console's bar: the message of its label, its address, and who sees it."""

    key: str
    path: str
    roles: frozenset[Role]

    def current(self, path: str) -> bool:
        return path == self.path or (self.path != "/" and path.startswith(self.path))


_EVERYONE = frozenset(Role)
NAV: tuple[NavItem, ...] = (
    NavItem("nav.home", "/", _EVERYONE),
    NavItem("nav.leader", "/leader", frozenset({Role.LEADER})),
    NavItem("nav.regions", "/regions", frozenset({Role.REGULATOR, Role.ADMIN})),
    NavItem("nav.query", "/query", frozenset({Role.ANALYST, Role.REGULATOR, Role.ADMIN})),
    NavItem("nav.upload", "/upload", frozenset({Role.REGULATOR, Role.ADMIN})),
    NavItem("nav.users", "/admin/users", frozenset({Role.ADMIN})),
)


def nav(me: Principal) -> list[NavItem]:
    """The links of the bar ``me`` sees."""
    return [item for item in NAV if me.role in item.roles]


def _template(name: str) -> str:
    return (files("chainmap.api.console") / "templates" / name).read_text("utf-8")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FunctionLoader(_template),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        static=static_url,
        region_name=region_name,
        region_full_name=region_full_name,
        industry_name=industry_name,
        percent=percent,
        number=number,
        nav=nav,
    )
    return env


@cache
def static_url(name: str) -> str:
    """The address of a static file, with a digest of its content, so that a browser keeps it
    until it changes."""
    data = (files("chainmap.api.console") / "static" / name).read_bytes()
    return f"/static/{name}?v={hashlib.sha256(data).hexdigest()[:12]}"


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')


def attachment(name: str, fallback: str) -> str:
    """A ``Content-Disposition`` that saves a download as ``name`` (Chinese welcome; encoded per
    RFC 5987 / RFC 6266, characters no file system takes replaced), or as ``fallback`` (made
    ASCII) in a client that reads only ``filename``."""
    cleaned = _UNSAFE_NAME.sub("_", name).strip(" .") or fallback
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in fallback)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def percent(share: float | None, digits: int = 1) -> str:
    """A share as a percentage (``—`` when there is none)."""
    return "—" if share is None else f"{100 * share:.{digits}f}%"


def number(value: float | None) -> str:
    """A count with thousands separators (``—`` when there is none)."""
    return "—" if value is None else f"{value:,.0f}"


def lang_of(request: Request) -> str:
    """The language of the page: the one chosen with the console's switch, else Chinese."""
    return choose_lang(request.cookies.get(LANG_COOKIE))


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    session: Session | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page ``template`` rendered in the caller's language, with the security headers."""
    lang = lang_of(request)
    words = catalogue()

    def t(key: str, /, **fields: Any) -> str:
        return words.text(key, lang, **fields)

    def url(path: str, **query: Any) -> str:
        """``path`` with the query ``query`` (values of None left out, lists repeated)."""
        pairs = [
            (k, v)
            for k, values in query.items()
            for v in (values if isinstance(values, list | tuple) else [values])
            if v is not None and v != ""
        ]
        return f"{path}?{urlencode(pairs)}" if pairs else path

    html = (
        _environment()
        .get_template(template)
        .render(
            {
                **context,
                "t": t,
                "url": url,
                "lang": lang,
                "langs": LANGS,
                "session": session,
                "me": session.principal if session else None,
                "path": request.url.path,
            }
        )
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
