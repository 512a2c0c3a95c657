"""What each role may do, declared once. Every route names one :class:`Permission` through
:func:`allowed`; a test walks the app's routes and fails on any route without one."""

from __future__ import annotations

from enum import StrEnum

from chainmap.access import Role

__all__ = ["GRANTS", "Permission", "grants"]


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


def grants(role: Role, permission: Permission) -> bool:
    return permission in GRANTS.get(role, frozenset())
