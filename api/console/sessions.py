"""The console's sessions: kept on the server, named by a random id in a cookie.

A session is made at login with a new id (an id from before the login is never kept), ends
after 30 minutes without a request or 8 hours after the login, whichever comes first, and ends at
once on logout. A session of an account with a one-time password is marked ``must_change``
until the person sets a password of their own (:mod:`.auth` sends them to ``/password``). Each
carries a CSRF token that every state-changing request must send back (a form field or a
header); GET never changes state. Sessions live in the server's memory: a restart logs everyone
out.

The cookie is HttpOnly and SameSite=Strict; served over HTTPS (``chainmap serve
--https-cookies``, or behind a proxy that terminates TLS) it is also Secure and named with the
``__Host-`` prefix, which browsers only accept from a secure origin, for the whole site.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chainmap.access import Principal

__all__ = [
    "ABSOLUTE",
    "IDLE",
    "Session",
    "Sessions",
    "cookie_name",
    "cookie_settings",
]

#: a session ends after this long without a request ...
IDLE = timedelta(minutes=30)
#: ... and this long after its login, whatever happens
ABSOLUTE = timedelta(hours=8)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Session:
    """Who is logged in, since when, the last request, the session's CSRF token, and whether
    the person must change a one-time password before anything else."""

    principal: Principal
    started: datetime
    seen: datetime
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    must_change: bool = False

    def live(self, now: datetime) -> bool:
        return now - self.seen < IDLE and now - self.started < ABSOLUTE

    def csrf_ok(self, sent: str | None) -> bool:
        """True when ``sent`` is this session's CSRF token (compared in constant time)."""
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf.encode())


class Sessions:
    """The live sessions, safe to share between the server's threads."""

    def __init__(self) -> None:
        self._live: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(
        self, principal: Principal, *, now: datetime | None = None, must_change: bool = False
    ) -> str:
        """A new session for ``principal`` (``must_change``: its password is a one-time one);
        returns its id (for the cookie)."""
        now = now or _now()
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._sweep(now)
            self._live[sid] = Session(principal, now, now, must_change=must_change)
        return sid

    def get(self, sid: str | None, *, now: datetime | None = None) -> Session | None:
        """The live session named ``sid``, its last request moved to now; None when there is
        none (never was, logged out, idle too long, or too old)."""
        if not sid:
            return None
        now = now or _now()
        with self._lock:
            session = self._live.get(sid)
            if session is None:
                return None
            if not session.live(now):
                del self._live[sid]
                return None
            session.seen = now
            return session

    def end(self, sid: str | None) -> None:
        """Log out: the session is gone at once."""
        if sid:
            with self._lock:
                self._live.pop(sid, None)

    def end_all_of(self, login: str) -> int:
        """End every session of one account (disabled, or its password changed); returns how
        many ended."""
        with self._lock:
            gone = [s for s, v in self._live.items() if v.principal.login == login]
            for sid in gone:
                del self._live[sid]
        return len(gone)

    def __len__(self) -> int:
        with self._lock:
            return len(self._live)

    def _sweep(self, now: datetime) -> None:
        for sid in [s for s, v in self._live.items() if not v.live(now)]:
            del self._live[sid]


def cookie_name(https: bool) -> str:
    """The session cookie's name: ``__Host-`` prefixed over HTTPS."""
    return "__Host-chainmap_session" if https else "chainmap_session"


def cookie_settings(https: bool) -> dict[str, object]:
    """Keyword arguments for ``Response.set_cookie``: HttpOnly, SameSite=Strict, path /, and
    Secure over HTTPS; no Max-Age, so the browser forgets it when it closes (the server ends
    the session on its own clock)."""
    return {"httponly": True, "samesite": "strict", "secure": https, "path": "/"}
