"""The dependencies routes are built from: the store, the caller, the permission a route needs,
the caller's bounds, the weights, the chain asked for. Permission checks live here (and the rules
they apply in :mod:`api.permissions`) and nowhere else."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import Depends, Query, Request, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from chainmap.access import Principal, Role, authenticate
from chainmap.analysis import Weights, load_weights
from chainmap.config import Settings
from chainmap.records import ChainRow
from chainmap.store import Store, open_store

from .cache import Results
from .computed import chain_rows
from .console.auth import SAFE, csrf_refused, session_of
from .errors import ApiError, missing
from .params import USCC, ChainId
from .permissions import Permission, PlanReach, grants, plan_reach, refusal
from .scope import Bounds, bounds_of, led_chains

__all__ = [
    "AdminCaller",
    "AggregatesCaller",
    "AskedLeader",
    "AtlasesCaller",
    "BoundsDep",
    "ChainDep",
    "ChainsCaller",
    "FirmsCaller",
    "ImportCaller",
    "LeaderDep",
    "PlanChainDep",
    "PlansCaller",
    "PublicRoute",
    "ResultsDep",
    "SettingsDep",
    "StoreDep",
    "Stores",
    "TiersCaller",
    "WeakLinksCaller",
    "WeightsDep",
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


class _ThreadStore:
    """The embedded store as a request sees it: every call goes to the connection of the thread
    that makes it. FastAPI may resolve a dependency in one worker thread and run the route in
    another, so a connection handed over at resolution would serve two requests at once (under
    load: ``cannot start a transaction within a transaction``)."""

    def __init__(self, stores: Stores) -> None:
        self._stores = stores

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stores.get(), name)


def get_store(request: Request) -> Store:
    stores: Stores = request.app.state.stores
    if stores.url.startswith("sqlite"):
        return cast(Store, _ThreadStore(stores))
    return stores.get()


StoreDep = Annotated[Store, Depends(get_store)]


def get_weights(settings: SettingsDep) -> Weights:
    return load_weights(settings.weights)


#: the weak-link weights and thresholds (``CHAINMAP_WEIGHTS``, else the defaults)
WeightsDep = Annotated[Weights, Depends(get_weights)]


def _unauthorized(en: str, zh: str) -> ApiError:
    return ApiError(
        status.HTTP_401_UNAUTHORIZED, "unauthorized", en, zh, headers={"WWW-Authenticate": "Bearer"}
    )


def get_caller(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> Principal:
    """The principal of the bearer token, else of the console's session cookie: 401 without
    either, or with a token unknown or revoked. A state-changing request made with the cookie
    needs the session's CSRF token, checked by the console's form dependency or sent as the
    ``X-CSRF-Token`` header (403 otherwise)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        session = session_of(request)
        if session is not None and session.must_change:
            raise _unauthorized(
                "the account's one-time password must be changed first, in the console (/password)",
                "请先在控制台（/password）修改一次性密码",
            )
        if session is not None:
            if request.method not in SAFE and not (
                getattr(request.state, "csrf_checked", False)
                or session.csrf_ok(request.headers.get("x-csrf-token"))
            ):
                raise csrf_refused()
            return session.principal
        raise _unauthorized(
            "a bearer token is needed: Authorization: Bearer <token>",
            "需要令牌：Authorization: Bearer <令牌>",
        )
    caller = authenticate(store, credentials.credentials)
    if caller is None:
        raise _unauthorized("the token is unknown or revoked", "令牌无效或已被撤销")
    return caller


CallerDep = Annotated[Principal, Depends(get_caller)]

#: query parameters that ask for a file rather than the route's answer
_EXPORT_WORDS = frozenset({"format", "fmt", "export", "download", "output", "out", "filetype"})


def _refuse_unknown_exports(request: Request) -> None:
    """400 for an export asked of a route that has none (``format=csv`` on a JSON route), so
    that it is never silently ignored."""
    route = request.scope.get("route")
    declared = _query_params(route) if route is not None else set()
    asked = [k for k in request.query_params if k.lower() in _EXPORT_WORDS and k not in declared]
    if not asked:
        return
    formats = tuple((getattr(route, "openapi_extra", None) or {}).get("x-formats", ("json",)))
    if asked == ["format"] and request.query_params.getlist("format") == [formats[0]]:
        return  # the route's own format, named
    listed = ", ".join(formats)
    raise ApiError(
        400,
        "unsupported_format",
        f"{', '.join(asked)}: this route answers in {listed} only; it has no other format",
        f"{'、'.join(asked)}：此地址只提供 {listed} 格式，没有其他格式",
    )


def _query_params(route: Any) -> set[str]:
    """The names of the query parameters a route takes, its dependencies' included."""
    cached: set[str] | None = getattr(route, "_chainmap_query", None)
    if cached is None:
        cached, pending = set(), [route.dependant]
        while pending:
            dependant = pending.pop()
            cached.update(p.alias for p in dependant.query_params)
            pending.extend(dependant.dependencies)
        route._chainmap_query = cached
    return cached


def allowed(permission: Permission) -> Callable[..., Any]:
    """The dependency a route declares: the caller, once the role is known to hold
    ``permission`` (403 otherwise). The function carries the permission for the route test.
    It also refuses an export the route does not have (400)."""
    if permission is Permission.PUBLIC:

        def public(request: Request) -> None:
            _refuse_unknown_exports(request)

        public.permission = permission  # type: ignore[attr-defined]
        return public

    def check(request: Request, caller: CallerDep) -> Principal:
        if not grants(caller.role, permission):
            en, zh = refusal(caller.role, permission)
            raise ApiError(status.HTTP_403_FORBIDDEN, "forbidden", en, zh)
        _refuse_unknown_exports(request)
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
AdminCaller = Annotated[Principal, Depends(allowed(Permission.ADMIN))]


def get_bounds(
    caller: CallerDep, store: StoreDep, settings: SettingsDep, results: ResultsDep
) -> Bounds:
    return bounds_of(caller, store, settings.max_depth, results)


#: what the caller may see: regions, the firms of a leader's tree, or everything (admins)
BoundsDep = Annotated[Bounds, Depends(get_bounds)]


def get_chain(
    chain_id: ChainId, caller: CallerDep, store: StoreDep, results: ResultsDep
) -> ChainRow:
    """The chain asked for: 404 when there is none, or for a leader one it does not lead."""
    chains = chain_rows(results, store)
    chain = chains.get(chain_id)
    if chain is None or (
        caller.role is Role.LEADER
        and chain_id not in led_chains(results, store, caller.enterprise or "")
    ):
        raise missing("chain", repr(chain_id))
    return chain


ChainDep = Annotated[ChainRow, Depends(get_chain)]


@dataclass(frozen=True, slots=True)
class PlanChain:
    """A chain whose plan and batches the caller may see, and how much of it."""

    chain: ChainRow
    reach: PlanReach


def get_plan_chain(chain: ChainDep, caller: CallerDep) -> PlanChain:
    """403 for a regulator asking for a chain of another region (:func:`plan_reach`)."""
    reach = plan_reach(caller, chain)
    if reach is PlanReach.NONE:
        regions = ", ".join(caller.regions)
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            "chain_outside_regions",
            f"chain {chain.chain_id!r} belongs to region {chain.region_code}, outside this "
            f"token's regions ({regions}): its plan is organised there",
            f"产业链 {chain.chain_id} 属于地区 {chain.region_code}，不在本令牌的地区（{regions}）"
            "之内，其方案由该地区组织",
        )
    return PlanChain(chain, reach)


PlanChainDep = Annotated[PlanChain, Depends(get_plan_chain)]


def get_leader(uscc: USCC, caller: CallerDep) -> str:
    """The leader whose tiers are asked for: a leader may ask only for its own (404 otherwise,
    like a firm that does not exist)."""
    if caller.role is Role.LEADER and caller.enterprise != uscc:
        raise missing("enterprise", uscc)
    return uscc


LeaderDep = Annotated[str, Depends(get_leader)]


def get_asked_leader(
    caller: CallerDep,
    leader: Annotated[
        str | None,
        Query(pattern=r"^[0-9A-Z]{18}$", description="one leader's figures (all leaders')"),
    ] = None,
) -> str | None:
    """The leader whose figures are asked for: a leader may ask only for its own (404)."""
    if caller.role is Role.LEADER and leader not in (None, caller.enterprise):
        raise missing("leader", str(leader))
    return leader


AskedLeader = Annotated[str | None, Depends(get_asked_leader)]
