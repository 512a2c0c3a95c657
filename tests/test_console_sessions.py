"""The console's sessions: a new id at login, 30 minutes idle and 8 hours in all, ended at once on
logout, a CSRF token bound to each; the cookie's attributes over HTTP and HTTPS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chainmap.access import Principal, Role
from chainmap.api.console.sessions import (
    ABSOLUTE,
    IDLE,
    Sessions,
    cookie_name,
    cookie_settings,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REGULATOR = Principal("", "苏州市局", Role.REGULATOR, ("3205",), login="suzhou")
ANALYST = Principal("", "分析员", Role.ANALYST, ("32",), login="analyst")


def test_each_login_gets_a_new_unguessable_id() -> None:
    sessions = Sessions()
    ids = {sessions.start(REGULATOR, now=T0) for _ in range(50)}
    assert len(ids) == 50
    assert all(len(sid) >= 40 for sid in ids)  # 32 random bytes
    session = sessions.get(next(iter(ids)), now=T0)
    assert session is not None and session.principal == REGULATOR


def test_a_session_ends_after_30_idle_minutes_but_requests_keep_it_alive() -> None:
    sessions = Sessions()
    sid = sessions.start(REGULATOR, now=T0)
    moment = T0
    for _ in range(5):  # a request every 29 minutes keeps it
        moment += IDLE - timedelta(minutes=1)
        assert sessions.get(sid, now=moment) is not None
    assert sessions.get(sid, now=moment + IDLE) is None
    assert sessions.get(sid, now=moment) is None  # gone for good, not only at that moment


def test_a_session_ends_8_hours_after_login_however_busy() -> None:
    sessions = Sessions()
    sid = sessions.start(ANALYST, now=T0)
    moment = T0
    while moment + timedelta(minutes=10) < T0 + ABSOLUTE:
        moment += timedelta(minutes=10)
        assert sessions.get(sid, now=moment) is not None
    assert sessions.get(sid, now=T0 + ABSOLUTE) is None


def test_logout_and_disabling_end_sessions_at_once() -> None:
    sessions = Sessions()
    first = sessions.start(REGULATOR, now=T0)
    second = sessions.start(REGULATOR, now=T0)
    other = sessions.start(ANALYST, now=T0)
    sessions.end(first)
    assert sessions.get(first, now=T0) is None
    assert sessions.end_all_of("suzhou") == 1
    assert sessions.get(second, now=T0) is None
    assert sessions.get(other, now=T0) is not None
    assert sessions.get(None) is None and sessions.get("") is None
    assert sessions.get("made-up") is None


def test_the_csrf_token_is_the_sessions_own() -> None:
    sessions = Sessions()
    one = sessions.get(sessions.start(REGULATOR, now=T0), now=T0)
    two = sessions.get(sessions.start(REGULATOR, now=T0), now=T0)
    assert one is not None and two is not None
    assert one.csrf != two.csrf
    assert one.csrf_ok(one.csrf)
    assert not one.csrf_ok(two.csrf)
    assert not one.csrf_ok(None) and not one.csrf_ok("")


def test_expired_sessions_are_swept_when_others_start() -> None:
    sessions = Sessions()
    for _ in range(10):
        sessions.start(ANALYST, now=T0)
    sessions.start(ANALYST, now=T0 + ABSOLUTE)
    assert len(sessions) == 1


def test_the_cookie_is_http_only_strict_and_secure_over_https() -> None:
    plain, secure = cookie_settings(False), cookie_settings(True)
    assert plain == {"httponly": True, "samesite": "strict", "secure": False, "path": "/"}
    assert secure["secure"] is True and secure["httponly"] is True
    assert cookie_name(True).startswith("__Host-") and not cookie_name(False).startswith("__")
