"""The dependencies routes are built from: the store, the caller and the permission a route
needs. Permission checks live here and nowhere else."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chainmap.access import Principal, authenticate
from chainmap.config import Settings
from chainmap.store import Store, open_store

from .cache import Results
from .permissions import Permission, grants

__all__ = [
    "AggregatesCaller",
    "AtlasesCaller",
    "ChainsCaller",
    "FirmsCaller",
    "ImportCaller",
    "PlansCaller",
    "PublicRoute",
    "ResultsDep",
    "SettingsDep",
    "StoreDep",
    "Stores",
    "TiersCaller",
    "WeakLinksCaller",
    "WhatIfCaller",
    "allowed",
]

_bearer = HTTPBearer(auto_error=False, description="An API token from `chainmap token create`.")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_results(request: Request) -> Results:
    results: Results = request.app.state.results
    return results


ResultsDep = Annotated[Results, Depends(get_results)]


class Stores:
    """The stores requests read: one Neo4j store shared by every request (its driver is
    thread-safe and pools its connections; opening one costs a round of handshakes), and for
    the embedded store a connection per server thread (an SQLite connection stays in its
    thread). Each SQLite statement sees the latest committed data, so imports show at once."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[Store] = []

    def get(self) -> Store:
        shared = not self.url.startswith("sqlite")
        holder: Any = self if shared else self._local
        store: Store | None = getattr(holder, "store", None)
        if store is None:
            with self._lock:
                store = getattr(holder, "store", None)
                if store is None:
                    store = open_store(self.url)
                    holder.store = store
                    self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self.__dict__.pop("store", None)
            self._local = threading.local()


def get_store(request: Request) -> Store:
    stores: Stores = request.app.state.stores
    return stores.get()


StoreDep = Annotated[Store, Depends(get_store)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def get_caller(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """The principal of the bearer token: 401 without one, or with one unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("a bearer token is needed: Authorization: Bearer <token>")
    caller = authenticate(store, credentials.credentials)
    if caller is None:
        raise _unauthorized("the token is unknown or revoked")
    return caller


def allowed(permission: Permission) -> Callable[..., Any]:
    """The dependency a route declares: the caller, once the role is known to hold
    ``permission`` (403 otherwise). The function carries the permission for the route test."""
    if permission is Permission.PUBLIC:

        def public() -> None:
            return None

        public.permission = permission  # type: ignore[attr-defined]
        return public

    def check(caller: Annotated[Principal, Depends(get_caller)]) -> Principal:
        if not grants(caller.role, permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"a {caller.role} token may not read {permission}"
            )
        return caller

    check.permission = permission  # type: ignore[attr-defined]
    return check


PublicRoute = Annotated[None, Depends(allowed(Permission.PUBLIC))]
AggregatesCaller = Annotated[Principal, Depends(allowed(Permission.AGGREGATES))]
ChainsCaller = Annotated[Principal, Depends(allowed(Permission.CHAINS))]
FirmsCaller = Annotated[Principal, Depends(allowed(Permission.FIRMS))]
TiersCaller = Annotated[Principal, Depends(allowed(Permission.TIERS))]
WeakLinksCaller = Annotated[Principal, Depends(allowed(Permission.WEAK_LINKS))]
WhatIfCaller = Annotated[Principal, Depends(allowed(Permission.WHAT_IF))]
PlansCaller = Annotated[Principal, Depends(allowed(Permission.PLANS))]
AtlasesCaller = Annotated[Principal, Depends(allowed(Permission.ATLASES))]
ImportCaller = Annotated[Principal, Depends(allowed(Permission.IMPORT))]
