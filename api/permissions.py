"""What each role may do, declared once. Every route names one :class:`Permission` through
:func:`api.deps.allowed`; a test walks the app's routes and fails on any route without one.

Beyond the role, two rules depend on the object asked for, and live here too: which chains'
plans and batches a caller may see (:func:`plan_reach`) and which atlases it may draw
(:func:`may_draw`)."""

from __future__ import annotations

from enum import Enum, StrEnum

from chainmap.access import Principal, Role
from chainmap.atlases import AtlasKind
from chainmap.records import ChainRow

__all__ = [
    "GRANTS",
    "Permission",
    "PlanReach",
    "grants",
    "may_draw",
    "plan_reach",
    "refusal",
]


class Permission(StrEnum):
    PUBLIC = "public"  # no token needed: health only
    AGGREGATES = "aggregates"  # counts and coverage over chains
    CHAINS = "chains"  # chains and their segments
    FIRMS = "firms"  # enterprises: search, one firm, its neighbours
    TIERS = "tiers"  # a leader's supplier tiers
    WEAK_LINKS = "weak_links"  # weak-link figures
    WHAT_IF = "what_if"  # what leaders lose if firms stop supplying
    PLANS = "plans"  # joint-certification batches and one-chain-one-policy plans
    ATLASES = "atlases"  # atlas pages
    IMPORT = "import"  # dataset uploads
    ADMIN = "admin"  # people's accounts and API tokens (the console's users and tokens pages)


#: deny by default: a role may do only what is listed here
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.REGULATOR: frozenset(
        {
            Permission.PUBLIC,
            Permission.AGGREGATES,
            Permission.CHAINS,
            Permission.FIRMS,
            Permission.TIERS,
            Permission.WEAK_LINKS,
            Permission.WHAT_IF,
            Permission.PLANS,  # of chains within its regions (plan_reach)
            Permission.ATLASES,
            Permission.IMPORT,
        }
    ),
    Role.LEADER: frozenset(
        {
            Permission.PUBLIC,
            Permission.CHAINS,
            Permission.FIRMS,
            Permission.TIERS,
            Permission.WEAK_LINKS,
            Permission.PLANS,
            Permission.ATLASES,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Permission.PUBLIC,
            Permission.AGGREGATES,
            Permission.CHAINS,
            Permission.WEAK_LINKS,
            Permission.WHAT_IF,
        }
    ),
}

_ROLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.ADMIN: ("an admin", "管理员"),
    Role.REGULATOR: ("a regulator", "监管部门"),
    Role.LEADER: ("a leader", "链主"),
    Role.ANALYST: ("an analyst", "分析人员"),
}
_WHAT: dict[Permission, tuple[str, str]] = {
    Permission.PUBLIC: ("read this", "访问此地址"),
    Permission.AGGREGATES: ("read counts and coverage over chains", "查看产业链汇总统计"),
    Permission.CHAINS: ("read chains", "查看产业链"),
    Permission.FIRMS: ("read enterprises", "查看企业信息"),
    Permission.TIERS: ("read a leader's supplier tiers", "查看链主的供应商层级"),
    Permission.WEAK_LINKS: ("read weak links", "查看薄弱环节"),
    Permission.WHAT_IF: ("run what-if", "进行断供推演"),
    Permission.PLANS: ("read batches and plans", "查看联合认证批次和一链一策方案"),
    Permission.ATLASES: ("draw atlases", "查看图谱"),
    Permission.IMPORT: ("upload datasets", "上传数据"),
    Permission.ADMIN: ("manage accounts and tokens", "管理账户和令牌"),
}


def grants(role: Role, permission: Permission) -> bool:
    return permission in GRANTS.get(role, frozenset())


def refusal(role: Role, permission: Permission) -> tuple[str, str]:
    """Why ``role`` is refused ``permission``, in English and Chinese."""
    who_en, who_zh = _ROLE_NAMES[role]
    what_en, what_zh = _WHAT[permission]
    return f"{who_en} token may not {what_en}", f"{who_zh}令牌无权{what_zh}"


class PlanReach(Enum):
    """How much of a chain's plan and batches a caller is given."""

    CHAIN = "chain"  # the chain whole
    TREE = "tree"  # a leader's own tree
    REGIONS = "regions"  # the chain's firms within the caller's regions
    NONE = "none"  # refused


def plan_reach(caller: Principal, chain: ChainRow) -> PlanReach:
    """Admins: every chain whole. A leader: its own tree (of a chain it leads: checked where the
    chain is looked up). A regulator: a chain whose region lies within its regions whole (it
    organises that chain's plan, out-of-region suppliers included); a national chain over the
    firms within its regions; a chain of another region not at all."""
    if caller.role is Role.ADMIN:
        return PlanReach.CHAIN
    if caller.role is Role.LEADER:
        return PlanReach.TREE
    if caller.role is Role.REGULATOR:
        if chain.region_code is None:
            return PlanReach.REGIONS
        return PlanReach.CHAIN if caller.in_regions(chain.region_code) else PlanReach.NONE
    return PlanReach.NONE


def may_draw(caller: Principal, kind: AtlasKind, key: str) -> bool:
    """Admins any atlas; a regulator the atlas of a region within its own; a leader its own
    supplier tiers."""
    if caller.role is Role.ADMIN:
        return True
    if caller.role is Role.REGULATOR:
        return kind is AtlasKind.REGION and caller.in_regions(key)
    return caller.role is Role.LEADER and kind is AtlasKind.LEADER and key == caller.enterprise
