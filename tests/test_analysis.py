"""Weak-link analysis (chainmap.analysis): hand-built chains whose figures are worked out by hand in
the comments, and properties checked against brute force on random small supply graphs.

Edges run supplier -> customer. Default weights (weights.toml) used in the hand computations:
dependence = min(1, 0.5 x min(1, exposure / 0.05) + 0.3 [single point of failure]
                 + 0.2 [single source] + 0.1 [concentrated]),
risk = min(1, 0.8 x certification_risk[state] + 0.2 x (5 - maturity) / 4), maturity gap 0.5
when unknown; certification risk: valid 0, expiring 0.5, suspended 0.8, expired 0.9,
cancelled 0.9, withdrawn 1, none 1.
"""

from __future__ import annotations

import doctest
import importlib
import itertools
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainmap.analysis import (
    CertState,
    FirmFigures,
    analyse_leader,
    certification,
    components,
    cut_off,
    dominance,
    exposure,
    hhi,
    load_weights,
    lost_share,
    normalised_shares,
    robustness,
    segment_view,
    select,
    single_sourced,
    upstream,
    weak_links,
    what_if,
)
from chainmap.enums import CertStatus
from chainmap.errors import ConfigError, NotFound
from chainmap.graph import to_digraph
from chainmap.records import (
    CertificateRow,
    ChainRow,
    EnterpriseRow,
    FeedRow,
    LeaderRow,
    MemberRow,
    SegmentRow,
    Subgraph,
    SupplyRow,
)

AS_OF = date(2024, 6, 1)
WEIGHTS = load_weights()
CJK = re.compile(r"[\u4e00-\u9fff]")

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def firm(
    uscc: str,
    *,
    maturity: int | None = None,
    region: str = "320583",
    industry: str = "C3670",
    size: str | None = None,
) -> EnterpriseRow:
    return EnterpriseRow(
        uscc, f"{uscc}公司", region, industry, None, None, None, size, None, maturity, ""
    )


def cert(
    no: str,
    status: CertStatus | str,
    issued: date,
    expires: date,
    uscc: str = "F",
    audited: date | None = None,
    since: date | None = None,
) -> CertificateRow:
    return CertificateRow(
        no,
        uscc,
        "GB/T 19001",
        "2016",
        "CNCA-R-2002-001",
        str(status),
        issued,
        expires,
        None,
        None,
        audited,
        since,
    )


def link(supplier: str, customer: str, share: float | None = None, product: str = "") -> SupplyRow:
    return SupplyRow(supplier, customer, product, share, None)


def bare_graph(edges: Sequence[tuple[str, str, float | None]], leaders: list[str]) -> nx.DiGraph:
    graph = nx.DiGraph(leaders=leaders)
    for supplier, customer, share in edges:
        graph.add_edge(supplier, customer, share=share, products=())
    return graph


def exposure_by_name(graph: nx.DiGraph, leader: str) -> dict[str, float]:
    up = upstream(graph, leader)
    return dict(zip(up.firms, exposure(up), strict=True))


def by_uscc(figures: list[FirmFigures]) -> dict[str, FirmFigures]:
    return {f.uscc: f for f in figures}


# --------------------------------------------------------------------------------------------------
# normalised shares, HHI
# --------------------------------------------------------------------------------------------------


def test_normalised_shares_by_hand() -> None:
    assert normalised_shares([]) == []
    # no share known: equal split
    assert normalised_shares([None, None, None]) == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    # known 0.6 and 0.2, unknown weighs their mean 0.4: 0.6, 0.4, 0.2 over 1.2
    assert normalised_shares([0.6, None, 0.2]) == pytest.approx([0.5, 1 / 3, 1 / 6])
    # shares adding up to more than 1 (pooled products) are scaled down: 0.8, 0.8 -> 0.5, 0.5
    assert normalised_shares([0.8, 0.8]) == pytest.approx([0.5, 0.5])
    assert hhi([0.25, 0.75]) == pytest.approx(625 + 5625)


def test_missing_shares_mean_equal_split() -> None:
    # L buys from A, B, C with no share given: a third each; D, sole supplier of A, gets A's third
    graph = to_digraph(
        Subgraph(
            enterprises=[firm(u) for u in "LABCD"],
            supply=[link("A", "L"), link("B", "L"), link("C", "L"), link("D", "A")],
        )
    )
    got = exposure_by_name(graph, "L")
    assert got == pytest.approx({"L": 1.0, "A": 1 / 3, "B": 1 / 3, "C": 1 / 3, "D": 1 / 3})


def test_mixed_known_and_unknown_shares() -> None:
    # L: A 0.6, B unknown, C 0.2 -> B weighs 0.4 (mean of known) -> 0.5, 1/3, 1/6
    graph = bare_graph([("A", "L", 0.6), ("B", "L", None), ("C", "L", 0.2)], ["L"])
    got = exposure_by_name(graph, "L")
    assert got == pytest.approx({"L": 1.0, "A": 0.5, "B": 1 / 3, "C": 1 / 6})


def test_pooled_products_add_their_shares() -> None:
    # A sells L two products with shares 0.3 + 0.3 = 0.6; B 0.2 -> A 0.75, B 0.25
    graph = to_digraph(
        Subgraph(
            enterprises=[firm(u) for u in "LAB"],
            supply=[
                link("A", "L", 0.3, "电池"),
                link("A", "L", 0.3, "座椅"),
                link("B", "L", 0.2, "座椅"),
            ],
        )
    )
    assert graph.edges["A", "L"]["products"] == ("电池", "座椅")
    assert exposure_by_name(graph, "L") == pytest.approx({"L": 1.0, "A": 0.75, "B": 0.25})


def test_unknown_leader_raises_not_found() -> None:
    graph = bare_graph([("A", "L", None)], ["L"])
    with pytest.raises(NotFound):
        upstream(graph, "Z")


# --------------------------------------------------------------------------------------------------
# diamond and chain: exposure and dominators
# --------------------------------------------------------------------------------------------------

# L buys from A (0.6) and B (0.4); A from C (0.5) and E (0.5); B from C (0.25) and D (0.75).
#   exposure: A 0.6, B 0.4, C 0.6 x 0.5 + 0.4 x 0.25 = 0.4, E 0.6 x 0.5 = 0.3, D 0.4 x 0.75 = 0.3
#   dominators: C reaches L through A or B, so only L dominates it; E only through A, D through B
DIAMOND = [
    ("A", "L", 0.6),
    ("B", "L", 0.4),
    ("C", "A", 0.5),
    ("E", "A", 0.5),
    ("C", "B", 0.25),
    ("D", "B", 0.75),
]


def test_diamond_exposure() -> None:
    graph = bare_graph(DIAMOND, ["L"])
    assert exposure_by_name(graph, "L") == pytest.approx(
        {"L": 1.0, "A": 0.6, "B": 0.4, "C": 0.4, "E": 0.3, "D": 0.3}
    )


def test_diamond_dominance() -> None:
    graph = bare_graph(DIAMOND, ["L"])
    up = upstream(graph, "L")
    dom = dominance(up)
    idom = {up.firms[v]: up.firms[dom.idom[v]] for v in range(len(up))}
    assert idom == {"L": "L", "A": "L", "B": "L", "C": "L", "E": "A", "D": "B"}
    count = {up.firms[v]: dom.dominated[v] for v in range(len(up))}
    assert count == {"L": 5, "A": 1, "B": 1, "C": 0, "E": 0, "D": 0}

    figures = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    assert not figures["C"].single_point_of_failure  # C is not dominated by A (nor B)
    assert figures["A"].single_point_of_failure and figures["B"].single_point_of_failure
    # A's dominated share: A's exposure 0.6 x the part of A's purchases from E (0.5) = 0.3;
    # B's: 0.4 x 0.75 (from D) = 0.3
    assert figures["A"].dominated_share == pytest.approx(0.3)
    assert figures["B"].dominated_share == pytest.approx(0.3)
    assert figures["C"].dominated_share == 0.0


def test_straight_chain_dominance() -> None:
    # L <- A <- B <- C: every path from C passes B and A; everything flows through everyone
    graph = bare_graph([("A", "L", None), ("B", "A", None), ("C", "B", None)], ["L"])
    figures = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    assert {u: f.dominated_count for u, f in figures.items()} == {"A": 2, "B": 1, "C": 0}
    assert {u: f.exposure for u, f in figures.items()} == pytest.approx(
        {"A": 1.0, "B": 1.0, "C": 1.0}
    )
    # dominated share of A: exposure 1 x all of A's purchases come from B, which A dominates
    assert figures["A"].dominated_share == pytest.approx(1.0)
    assert figures["C"].single_point_of_failure is False


# --------------------------------------------------------------------------------------------------
# single sourcing by product
# --------------------------------------------------------------------------------------------------


def test_single_sourced_names_only_the_sole_battery_supplier() -> None:
    # L buys 电池 from A only, 座椅 from B and C: only A is a sole source
    graph = to_digraph(
        Subgraph(
            enterprises=[firm(u) for u in "LABC"],
            supply=[
                link("A", "L", 0.5, "电池"),
                link("B", "L", 0.25, "座椅"),
                link("C", "L", 0.25, "座椅"),
            ],
        )
    )
    assert single_sourced(graph, {"L", "A", "B", "C"}) == {"A": [("L", "电池")]}
    figures = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    assert figures["A"].single_source and figures["A"].sole_supplies == 1
    assert not figures["B"].single_source and not figures["C"].single_source
    assert "single_source" in figures["A"].reasons
    assert "single_source" not in figures["B"].reasons


def test_single_sourced_ignores_firms_outside_the_set() -> None:
    # L buys 座椅 from B and C, but C is not in the set: B counts as the only source among them
    graph = to_digraph(
        Subgraph(
            enterprises=[firm(u) for u in "LBC"],
            supply=[link("B", "L", None, "座椅"), link("C", "L", None, "座椅")],
        )
    )
    assert single_sourced(graph, {"L", "B"}) == {"B": [("L", "座椅")]}
    assert single_sourced(graph, {"L", "B", "C"}) == {}


# --------------------------------------------------------------------------------------------------
# supply loops
# --------------------------------------------------------------------------------------------------


def test_supply_loop() -> None:
    # A and B supply each other (a loop); A supplies L, which also buys from Z (0.5 each).
    # A buys from B (0.2) and X (0.6): normalised B 0.25, X 0.75.
    # B buys from A (0.5) and Y (0.1): normalised A 5/6, Y 1/6.
    # The loop carries 0.5 (L's share from A); its outside purchases are X 0.75 and Y 1/6,
    # 11/12 in all, so X gets 0.5 x 0.75 / (11/12) = 9/22 and Y 0.5 x (1/6) / (11/12) = 1/11.
    graph = bare_graph(
        [
            ("A", "L", 0.5),
            ("Z", "L", 0.5),
            ("A", "B", 0.5),
            ("B", "A", 0.2),
            ("X", "A", 0.6),
            ("Y", "B", 0.1),
        ],
        ["L"],
    )
    got = exposure_by_name(graph, "L")
    assert got["A"] == pytest.approx(0.5)
    assert got["B"] == pytest.approx(0.5)  # every member carries the loop's exposure
    assert got["X"] + got["Y"] == pytest.approx(0.5)
    assert got["X"] == pytest.approx(9 / 22)
    assert got["Y"] == pytest.approx(1 / 11)
    assert all(0.0 <= x <= 1.0 + 1e-12 for x in got.values())

    figures = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    assert figures["A"].in_loop and figures["B"].in_loop
    assert not figures["X"].in_loop and not figures["Z"].in_loop
    # A dominates B, X and Y (every path to L passes through A)
    assert figures["A"].dominated_count == 3
    # failing B takes the whole loop down: the loop's 0.5
    up = upstream(graph, "L")
    assert lost_share(up, [up.index["B"]]) == pytest.approx(0.5)
    assert sorted(up.firms[i] for i in cut_off(up, [up.index["A"]])) == ["B", "X", "Y"]


def test_supply_loop_without_shares() -> None:
    # A <-> B loop supplying L alone, X into A and Y into B, no shares: A buys B/X half and half,
    # B buys A/Y half and half; outside X 0.5, Y 0.5 -> each 0.5 of the loop's 1
    graph = bare_graph(
        [("A", "B", None), ("B", "A", None), ("A", "L", None), ("X", "A", None), ("Y", "B", None)],
        ["L"],
    )
    got = exposure_by_name(graph, "L")
    assert got == pytest.approx({"L": 1.0, "A": 1.0, "B": 1.0, "X": 0.5, "Y": 0.5})


def test_loop_through_the_leader() -> None:
    # L supplies A and A supplies L: the leader sits in a loop; A still gets exposure 1
    graph = bare_graph([("A", "L", None), ("L", "A", None), ("X", "A", None)], ["L"])
    got = exposure_by_name(graph, "L")
    assert got["L"] == pytest.approx(1.0)
    assert got["A"] == pytest.approx(1.0)
    assert got["X"] == pytest.approx(1.0)  # A's only supplier outside the loop


def test_loop_with_only_zero_share_outside_suppliers() -> None:
    # A (L's only supplier) and B form a loop; A's other supplier X has share 0. normalised_shares
    # accepts 0 (weight 0), so the loop's outside weight totals 0. Expected: X carries 0 (or an
    # equal split), not a crash.
    graph = bare_graph([("A", "L", 1.0), ("B", "A", 0.5), ("A", "B", 0.5), ("X", "A", 0.0)], ["L"])
    got = exposure_by_name(graph, "L")
    assert got["A"] == pytest.approx(1.0)
    assert got["X"] == pytest.approx(1.0)  # the loop's only outside supplier: an equal split


# --------------------------------------------------------------------------------------------------
# certification states
# --------------------------------------------------------------------------------------------------

OLD = date(2021, 1, 1)
LATER = date(2026, 1, 1)
#: a surveillance audit within 12 months of AS_OF: the certificate is not due for suspension
AUDITED = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("certificates", "state", "chosen"),
    [
        pytest.param([cert("V", "valid", OLD, LATER)], CertState.VALID, "V", id="valid"),
        # 2024-08-30 is 90 days after 2024-06-01: still expiring; 2024-08-31 (91 days) valid
        pytest.param(
            [cert("E", "valid", OLD, date(2024, 8, 30))], CertState.EXPIRING, "E", id="expiring"
        ),
        pytest.param(
            [cert("E", "valid", OLD, date(2024, 8, 31))], CertState.VALID, "E", id="91-days"
        ),
        pytest.param(
            [cert("S", "suspended", OLD, LATER)], CertState.SUSPENDED, "S", id="suspended"
        ),
        pytest.param(
            [cert("W", "withdrawn", OLD, LATER)], CertState.WITHDRAWN, "W", id="withdrawn"
        ),
        pytest.param(
            [cert("C", "cancelled", OLD, LATER)], CertState.CANCELLED, "C", id="cancelled"
        ),
        pytest.param(
            [cert("X", "expired", OLD, date(2024, 1, 1))],
            CertState.EXPIRED,
            "X",
            id="expired-status",
        ),
        pytest.param(
            [cert("P", "valid", OLD, date(2024, 5, 1))], CertState.EXPIRED, "P", id="past-expiry"
        ),
        # the expiry date is the last day in force: expiring on it, expired the day after
        pytest.param([cert("P", "valid", OLD, AS_OF)], CertState.EXPIRING, "P", id="expires-today"),
        pytest.param(
            [cert("P", "valid", OLD, AS_OF - timedelta(days=1))],
            CertState.EXPIRED,
            "P",
            id="expired-yesterday",
        ),
        pytest.param(
            [cert("F", "valid", date(2024, 6, 2), LATER)], CertState.NONE, None, id="issued-later"
        ),
        pytest.param([cert("V", "valid", AS_OF, LATER)], CertState.VALID, "V", id="issued-today"),
        pytest.param([cert("U", "unknown", OLD, LATER)], CertState.NONE, None, id="unknown"),
        pytest.param([], CertState.NONE, None, id="no-certificate"),
        # the in-force certificate wins over a later withdrawn one
        pytest.param(
            [
                cert("R", "withdrawn", date(2023, 1, 1), LATER),
                cert("V", "valid", OLD, date(2025, 1, 1)),
            ],
            CertState.VALID,
            "V",
            id="in-force-wins",
        ),
        # of two in force, the one expiring last decides: not expiring although one is
        pytest.param(
            [
                cert("E", "valid", OLD, date(2024, 7, 1)),
                cert("V", "valid", OLD, date(2027, 1, 1)),
            ],
            CertState.VALID,
            "V",
            id="latest-expiry-wins",
        ),
        # none in force: the latest issued decides (suspended 2022 over expired 2018)
        pytest.param(
            [
                cert("X", "expired", date(2018, 1, 1), date(2021, 1, 1)),
                cert("S", "suspended", date(2022, 1, 1), LATER),
                cert("F", "valid", date(2024, 7, 1), LATER),
            ],
            CertState.SUSPENDED,
            "S",
            id="latest-issued-decides",
        ),
    ],
)
def test_certification_states(
    certificates: list[CertificateRow], state: CertState, chosen: str | None
) -> None:
    got = certification(certificates, AS_OF)
    assert got.state is state
    assert (got.certificate.cert_no if got.certificate else None) == chosen


def test_certification_expiring_days_parameter() -> None:
    # expires in 30 days: expiring with a 90-day window, valid with a 29-day one
    certificates = [cert("E", "valid", OLD, date(2024, 7, 1))]
    assert certification(certificates, AS_OF, 90).state is CertState.EXPIRING
    assert certification(certificates, AS_OF, 30).state is CertState.EXPIRING
    assert certification(certificates, AS_OF, 29).state is CertState.VALID


def test_protected_states() -> None:
    assert {s for s in CertState if s.protected} == {CertState.VALID, CertState.EXPIRING}
    assert CertState.WITHDRAWN.label_zh == "撤销"
    assert CertState.CANCELLED.label_zh == "注销"


# a status is judged as of the day: 状态变更日期 (status_since) after AS_OF had not taken effect
@pytest.mark.parametrize(
    ("certificate", "state"),
    [
        # withdrawn (撤销) the day after AS_OF: on AS_OF still valid and in force
        pytest.param(
            cert("W", "withdrawn", OLD, LATER, audited=AUDITED, since=date(2024, 6, 2)),
            CertState.VALID,
            id="withdrawn-tomorrow",
        ),
        pytest.param(
            cert("W", "withdrawn", OLD, LATER, since=AS_OF),
            CertState.WITHDRAWN,
            id="withdrawn-today",
        ),
        pytest.param(
            cert("W", "withdrawn", OLD, LATER, since=date(2024, 5, 31)),
            CertState.WITHDRAWN,
            id="withdrawn-yesterday",
        ),
        pytest.param(
            cert("S", "suspended", OLD, LATER, audited=AUDITED, since=date(2024, 7, 1)),
            CertState.VALID,
            id="suspended-later",
        ),
        pytest.param(
            cert("C", "cancelled", OLD, date(2024, 6, 20), audited=AUDITED, since=date(2024, 7, 1)),
            CertState.EXPIRING,
            id="cancelled-later-expiring-now",
        ),
        # valid by status until after AS_OF, but past its expiry date on AS_OF: expired
        pytest.param(
            cert("C", "cancelled", OLD, date(2024, 5, 31), since=date(2024, 7, 1)),
            CertState.EXPIRED,
            id="cancelled-later-expired-now",
        ),
        # an unknown status stays unknown whatever its date
        pytest.param(
            cert("U", "unknown", OLD, LATER, since=date(2024, 7, 1)), CertState.NONE, id="unknown"
        ),
    ],
)
def test_status_is_judged_as_of_the_day(certificate: CertificateRow, state: CertState) -> None:
    assert certification([certificate], AS_OF).state is state


def test_a_status_change_keeps_the_older_certificate_deciding_until_it_happens() -> None:
    # X withdrawn on 2025-06-01 after Y, an older one, expired: Y decides nothing once X is in force
    certificates = [
        cert("Y", "expired", date(2018, 1, 1), date(2021, 1, 1)),
        cert("X", "withdrawn", OLD, LATER, audited=AUDITED, since=date(2025, 6, 1)),
    ]
    assert certification(certificates, date(2025, 5, 31)).state is CertState.VALID
    assert certification(certificates, date(2025, 6, 1)).state is CertState.WITHDRAWN
    assert certification(certificates, date(2025, 6, 1)).certificate.cert_no == "X"  # type: ignore[union-attr]


# surveillance: due 12 months after the last audit, or after issue when none is recorded
@pytest.mark.parametrize(
    ("issued", "audited", "due", "overdue"),
    [
        # issued 12 months and a day before AS_OF (2024-06-01), never audited
        (date(2023, 5, 31), None, date(2024, 5, 31), True),
        (date(2023, 6, 1), None, date(2024, 6, 1), False),  # 12 months to the day: not yet
        (OLD, date(2023, 5, 31), date(2024, 5, 31), True),  # last audited 12 months + 1 day ago
        (OLD, date(2023, 6, 1), date(2024, 6, 1), False),
        (OLD, date(2024, 7, 1), date(2025, 7, 1), False),  # audited after AS_OF: the cycle went on
        (date(2023, 2, 28), date(2023, 2, 28), date(2024, 2, 28), True),
    ],
)
def test_surveillance_overdue_boundary(
    issued: date, audited: date | None, due: date, overdue: bool
) -> None:
    got = certification([cert("X", "valid", issued, LATER, audited=audited)], AS_OF)
    assert got.state is CertState.VALID  # still in force: the body has not suspended it
    assert (got.audit_due, got.surveillance_overdue) == (due, overdue)


def test_only_a_certificate_in_force_is_due_for_an_audit() -> None:
    got = certification([cert("S", "suspended", date(2022, 1, 1), LATER)], AS_OF)
    assert (got.state, got.audit_due, got.surveillance_overdue) == (
        CertState.SUSPENDED,
        None,
        False,
    )


def test_overdue_surveillance_is_a_reason_and_raises_the_risk() -> None:
    # L buys from A (overdue) and B (audited): same structure, same maturity
    graph = to_digraph(
        Subgraph(
            enterprises=[firm("L"), firm("A", maturity=3), firm("B", maturity=3)],
            supply=[link("A", "L", 0.5, "p"), link("B", "L", 0.5, "p")],
            certificates=[
                cert(
                    "A-1",
                    "valid",
                    date(2022, 9, 1),
                    date(2025, 8, 31),
                    uscc="A",
                    audited=date(2023, 5, 20),
                ),
                cert(
                    "B-1",
                    "valid",
                    date(2022, 9, 1),
                    date(2025, 8, 31),
                    uscc="B",
                    audited=date(2023, 8, 20),
                ),
            ],
            leaders=[LeaderRow("CH1", "L")],
        )
    )
    got = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    a, b = got["A"], got["B"]
    assert (a.certification, b.certification) == ("valid", "valid")
    assert a.reasons[0] == "surveillance_overdue"
    assert "surveillance_overdue" not in b.reasons
    assert a.cert_audit_due == date(2024, 5, 20) and b.cert_audit_due == date(2024, 8, 20)
    # risk: 0.8 x max(0 for valid, 0.5 overdue) + 0.2 x (5 - 3) / 4 = 0.5; B: 0.1
    assert (a.risk, b.risk) == pytest.approx((0.5, 0.1))
    assert "监督审核应于 2024-05-20 前完成" in a.explanation_zh
    assert a.explanation_en.startswith("Its surveillance audit was due by 2024-05-20")
    assert a.as_dict()["cert_audit_due"] == "2024-05-20"
    # the weight can be turned off: then only the reason remains
    quiet = WEIGHTS.model_copy(
        update={
            "certification_risk": WEIGHTS.certification_risk.model_copy(
                update={"surveillance_overdue": 0.0}
            )
        }
    )
    a_quiet = by_uscc(analyse_leader(graph, "L", AS_OF, quiet))["A"]
    assert a_quiet.risk == pytest.approx(0.1) and "surveillance_overdue" in a_quiet.reasons


def test_weights_written_with_the_old_status_names_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.toml"
    path.write_text("[certification_risk]\nrevoked = 1.0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="revoked is now called withdrawn"):
        load_weights(path)


# --------------------------------------------------------------------------------------------------
# a small battery chain with certificates: scores, reasons, explanations
# --------------------------------------------------------------------------------------------------
#
#   L buys 电池 from P (0.5) and Q (0.5); P buys 电芯 from U only, Q buys 电芯 from V only.
#   P: no certificate, maturity 3; Q: valid certificate, maturity 4;
#   U: withdrawn (撤销) certificate, maturity 1; V: valid certificate, maturity 5.
#
#   exposure: P, Q, U, V all 0.5 (>= 0.05: high exposure, full 0.5 weight)
#   L's purchases: HHI 2500 + 2500 = 5000 >= 1800 and P, Q hold 0.5 >= 0.5: both concentrated
#   P dominates U, Q dominates V: P and Q are single points of failure, U and V are not
#   U, V sole suppliers of 电芯 to P, Q: single source; P, Q share L's 电池: not single source
#
#   P: dependence min(1, 0.5 + 0.3 + 0.1) = 0.9; risk 0.8 x 1 + 0.2 x 2/4 = 0.9; score 0.81
#   U: dependence 0.5 + 0.2 = 0.7; risk min(1, 0.8 x 1 + 0.2 x 1) = 1; score 0.7
#   Q: dependence 0.9; risk 0.8 x 0 + 0.2 x 1/4 = 0.05; score 0.045
#   V: dependence 0.7; risk 0; score 0


def battery_chain() -> nx.DiGraph:
    return to_digraph(
        Subgraph(
            enterprises=[
                firm("L", maturity=4, region="320500", industry="C3610", size="large"),
                firm("P", maturity=3, region="320583", industry="C3841", size="large"),
                firm("Q", maturity=4, region="320505", industry="C3670", size="medium"),
                firm("U", maturity=1, region="110108", industry="C3841", size="small"),
                firm("V", maturity=5, region="440305", industry="D4411", size=None),
            ],
            supply=[
                link("P", "L", 0.5, "电池"),
                link("Q", "L", 0.5, "电池"),
                link("U", "P", 1.0, "电芯"),
                link("V", "Q", None, "电芯"),
            ],
            certificates=[
                cert("Q-1", "valid", OLD, LATER, uscc="Q", audited=AUDITED),
                cert("U-1", "withdrawn", OLD, LATER, uscc="U"),
                cert("V-1", "valid", OLD, LATER, uscc="V", audited=AUDITED),
                cert("V-0", "expired", date(2015, 1, 1), date(2018, 1, 1), uscc="V"),
            ],
            chains=[ChainRow("CH1", "新能源汽车", "320500")],
            leaders=[LeaderRow("CH1", "L")],
            # given downstream first: the view must sort them upstream to downstream
            segments=[
                SegmentRow("CH1", "S3", "整车", "downstream"),
                SegmentRow("CH1", "S2", "电池包", "midstream"),
                SegmentRow("CH1", "S1", "电芯", "upstream"),
                SegmentRow("CH2", "Z1", "别的链", "upstream"),
            ],
            members=[
                MemberRow("CH1", "S3", "L"),
                MemberRow("CH1", "S2", "P"),
                MemberRow("CH1", "S2", "Q"),
                MemberRow("CH1", "S1", "U"),
                MemberRow("CH1", "S1", "V"),
                MemberRow("CH1", "S1", "P"),
                MemberRow("CH2", "Z1", "U"),  # another chain: not this chain's segment
            ],
        )
    )


def test_battery_chain_scores_and_reasons() -> None:
    figures = analyse_leader(battery_chain(), "L", AS_OF, WEIGHTS)
    assert [f.uscc for f in figures] == ["P", "U", "Q", "V"]
    got = by_uscc(figures)
    assert {u: f.score for u, f in got.items()} == pytest.approx(
        {"P": 0.81, "U": 0.7, "Q": 0.045, "V": 0.0}
    )
    assert {u: f.dependence for u, f in got.items()} == pytest.approx(
        {"P": 0.9, "U": 0.7, "Q": 0.9, "V": 0.7}
    )
    assert {u: f.risk for u, f in got.items()} == pytest.approx(
        {"P": 0.9, "U": 1.0, "Q": 0.05, "V": 0.0}
    )
    assert got["P"].reasons == (
        "uncertified",
        "single_point_of_failure",
        "high_exposure",
        "concentrated",
    )
    assert got["U"].reasons == (
        "certificate_withdrawn",
        "single_source",
        "high_exposure",
        "low_maturity",
    )
    assert got["Q"].reasons == ("single_point_of_failure", "high_exposure", "concentrated")
    assert got["V"].reasons == ("single_source", "high_exposure")
    assert {u: f.certification for u, f in got.items()} == {
        "P": "none",
        "U": "withdrawn",
        "Q": "valid",
        "V": "valid",
    }
    assert got["V"].cert_no == "V-1" and got["V"].cert_expires_on == LATER
    assert got["P"].cert_no is None and got["P"].cert_expires_on is None
    # P dominates U: one firm, and U's 0.5 of L's purchases
    assert got["P"].dominated_count == 1
    assert got["P"].dominated_share == pytest.approx(0.5)
    assert got["P"].largest_share == pytest.approx(0.5)
    assert got["U"].largest_share == pytest.approx(1.0)
    assert got["P"].segment == "S1;S2" and got["U"].segment == "S1"  # CH2's Z1 left out
    assert got["P"].name == "P公司" and got["P"].region_code == "320583"
    # the uncertified single point of failure outranks the certified one
    assert got["P"].single_point_of_failure and got["Q"].single_point_of_failure
    assert got["P"].score > got["Q"].score
    # certified with maturity 5: nothing at risk
    assert got["V"].score == 0.0
    row = got["P"].as_dict()
    assert row["reasons"] == list(got["P"].reasons) and row["cert_expires_on"] is None
    assert got["V"].as_dict()["cert_expires_on"] == "2026-01-01"


def test_battery_chain_explanations() -> None:
    got = by_uscc(analyse_leader(battery_chain(), "L", AS_OF, WEIGHTS))
    for f in got.values():
        assert CJK.search(f.explanation_zh), f.explanation_zh
        assert not CJK.search(f.explanation_en), f.explanation_en
        assert re.search(r"[A-Za-z]{4}", f.explanation_en)
        assert f.explanation_en[0].isupper() and f.explanation_en.endswith(".")
    p = got["P"]
    assert p.explanation_zh == (
        "无有效质量管理体系认证证书；是 1 家企业通往链主的必经节点（单点故障，承载链主采购额 50.0%）；"
        "链主采购额的 50.0% 经由该企业；占某客户采购额的 50.0%，该客户采购高度集中。"
    )
    assert "single point of failure" in p.explanation_en
    assert "every supply path of 1 firm to the leader" in p.explanation_en
    assert "质量管理成熟度仅为 1 级" in got["U"].explanation_zh
    # only the first letter is raised: "QMS" stays upper case
    assert got["U"].explanation_en == (
        "Its certificate was withdrawn; sole supplier of 1 purchase; 50.0% of the leader's "
        "purchases flow through it; its QMS maturity is only level 1."
    )
    assert p.explanation_en.startswith("Holds no QMS certificate in force; ")


def test_explanation_without_reasons_and_expiring() -> None:
    # L buys p from A (0.98) and B (0.02): B's exposure 0.02 < 0.05, B holds 0.02 < 0.5 of a
    # concentrated purchase, is no sole source and dominates nothing: no reason at all.
    # A holds 0.98 of purchases with HHI 9604 + 4: concentrated; its certificate expires
    # 2024-07-01 (30 days): expiring. A: dependence min(1, 0.5 + 0.1) = 0.6,
    # risk 0.8 x 0.5 + 0.2 x 0.5 (maturity unknown) = 0.5, score 0.3.
    graph = to_digraph(
        Subgraph(
            enterprises=[firm("L"), firm("A"), firm("B", maturity=5)],
            supply=[link("A", "L", 0.98, "p"), link("B", "L", 0.02, "p")],
            certificates=[
                cert("A-1", "valid", OLD, date(2024, 7, 1), uscc="A", audited=AUDITED),
                cert("B-1", "valid", OLD, LATER, uscc="B", audited=AUDITED),
            ],
            leaders=[LeaderRow("CH1", "L")],
        )
    )
    got = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    assert got["B"].reasons == ()
    assert got["B"].explanation_zh == "认证状态：有效。"
    assert got["B"].explanation_en == "certification: valid."
    assert got["A"].reasons == ("certificate_expiring", "high_exposure", "concentrated")
    assert got["A"].score == pytest.approx(0.3)
    assert "认证证书将于 2024-07-01 到期" in got["A"].explanation_zh
    assert "its certificate expires on 2024-07-01" in got["A"].explanation_en.lower()


def test_ties_broken_by_uscc() -> None:
    # three suppliers with identical figures: same score, listed by USCC
    graph = bare_graph([("C", "L", None), ("A", "L", None), ("B", "L", None)], ["L"])
    figures = analyse_leader(graph, "L", AS_OF, WEIGHTS)
    assert [f.uscc for f in figures] == ["A", "B", "C"]
    assert len({f.score for f in figures}) == 1


# --------------------------------------------------------------------------------------------------
# two leaders, select()
# --------------------------------------------------------------------------------------------------
#
#   L1 buys from S and K (no shares: 0.5 each); L2 buys from S only; S buys from T only.
#   Towards L1: S 0.5, T 0.5, K 0.5. Towards L2: S 1, T 1.


def two_leaders() -> nx.DiGraph:
    return to_digraph(
        Subgraph(
            enterprises=[
                firm("L1"),
                firm("L2"),
                firm("S", region="320583", size="large"),
                firm("K", region="320506", size="small"),
                firm("T", region="110108", size="medium"),
            ],
            supply=[link("S", "L1"), link("K", "L1"), link("S", "L2"), link("T", "S")],
            leaders=[LeaderRow("CH1", "L2"), LeaderRow("CH1", "L1")],
        )
    )


def test_weak_links_one_row_per_leader_supplied() -> None:
    graph = two_leaders()
    figures = weak_links(graph, AS_OF, WEIGHTS)
    pairs = Counter((f.leader, f.uscc) for f in figures)
    assert set(pairs.values()) == {1}
    assert set(pairs) == {("L1", "S"), ("L1", "K"), ("L1", "T"), ("L2", "S"), ("L2", "T")}
    # leaders in USCC order, each leader's rows best first
    assert [f.leader for f in figures] == ["L1", "L1", "L1", "L2", "L2"]
    got = {(f.leader, f.uscc): f for f in figures}
    assert got["L1", "S"].exposure == pytest.approx(0.5)
    assert got["L2", "S"].exposure == pytest.approx(1.0)
    assert got["L1", "T"].exposure == pytest.approx(0.5)
    # only the chosen leaders
    assert {f.leader for f in weak_links(graph, AS_OF, WEIGHTS, leaders=["L2"])} == {"L2"}


def test_select_filters() -> None:
    figures = analyse_leader(battery_chain(), "L", AS_OF, WEIGHTS)  # P, U, Q, V

    def pick(**kwargs: Any) -> list[str]:
        return [f.uscc for f in select(figures, **kwargs)]

    assert pick() == ["P", "U", "Q", "V"]
    assert pick(min_score=0.1) == ["P", "U"]
    assert pick(min_score=0.045) == ["P", "U", "Q"]
    assert pick(region="3205") == ["P", "Q"]
    assert pick(region="320583") == ["P"]
    assert pick(industry="C") == ["P", "U", "Q"]
    assert pick(industry="C38") == ["P", "U"]
    assert pick(segment="S1") == ["P", "U", "V"]
    assert pick(segment="S") == []  # a segment id, not a prefix
    assert pick(segment="Z1") == []  # the other chain's segment is not this chain's
    assert pick(sizes=["large", "small"]) == ["P", "U"]
    assert pick(sizes=[]) == []
    assert pick(top=2) == ["P", "U"]
    assert pick(region="3205", min_score=0.1) == ["P"]
    assert pick(industry="C", top=2, min_score=0.5) == ["P", "U"]


def test_select_top_per_leader() -> None:
    figures = weak_links(two_leaders(), AS_OF, WEIGHTS)
    chosen = select(figures, top=1)
    assert [f.leader for f in chosen] == ["L1", "L2"]
    assert chosen[0] == next(f for f in figures if f.leader == "L1")
    assert chosen[1] == next(f for f in figures if f.leader == "L2")
    assert len(select(figures, top=2)) == 4
    assert select(figures, top=0) == []


# --------------------------------------------------------------------------------------------------
# what-if, robustness
# --------------------------------------------------------------------------------------------------


def test_what_if_single_point_of_failure() -> None:
    graph = battery_chain()
    figures = by_uscc(analyse_leader(graph, "L", AS_OF, WEIGHTS))
    [result] = what_if(graph, ["P"])
    assert result.leader == "L"
    assert result.lost_share == pytest.approx(figures["P"].exposure)  # 0.5
    assert result.cut_off == ["U"]  # the firm P dominates
    assert len(result.cut_off) == figures["P"].dominated_count
    [result] = what_if(graph, ["U"])
    assert result.lost_share == pytest.approx(0.5) and result.cut_off == []
    [result] = what_if(graph, ["Q", "P"])
    assert result.lost_share == pytest.approx(1.0) and result.cut_off == ["U", "V"]
    [result] = what_if(graph, [])
    assert result.lost_share == 0.0 and result.cut_off == []
    assert result.as_dict() == {"leader": "L", "lost_share": 0.0, "cut_off": []}


def test_what_if_per_leader() -> None:
    # S: half of L1's purchases, all of L2's; T hangs off S. K supplies L1 only.
    by_leader = {r.leader: r for r in what_if(two_leaders(), ["S"])}
    assert by_leader["L1"].lost_share == pytest.approx(0.5)
    assert by_leader["L2"].lost_share == pytest.approx(1.0)
    assert by_leader["L1"].cut_off == ["T"] and by_leader["L2"].cut_off == ["T"]
    by_leader = {r.leader: r for r in what_if(two_leaders(), ["K"])}
    assert by_leader["L1"].lost_share == pytest.approx(0.5)
    assert by_leader["L2"].lost_share == 0.0 and by_leader["L2"].cut_off == []


def test_what_if_unknown_firm() -> None:
    with pytest.raises(NotFound, match="NOPE"):
        what_if(battery_chain(), ["P", "NOPE"])


def test_robustness_curves() -> None:
    graph = battery_chain()
    figures = analyse_leader(graph, "L", AS_OF, WEIGHTS)  # P, U, Q, V
    [result] = robustness(graph, figures, runs=5, points=20, seed=7)
    assert result.leader == "L" and result.firms == 4
    # 20 points over 0..4 removed firms round to 0, 1, 2, 3, 4
    assert result.targeted.removed == [0, 1, 2, 3, 4]
    # removing P loses 0.5, then U nothing more (already cut off), then Q the other 0.5
    assert result.targeted.supplied == pytest.approx([1.0, 0.5, 0.5, 0.0, 0.0])
    assert result.targeted.r_index == pytest.approx(0.4)
    assert len(result.random_runs) == 5
    for curve in [result.targeted, result.random_mean, *result.random_runs]:
        assert curve.removed == [0, 1, 2, 3, 4]
        assert curve.supplied[0] == 1.0
        assert all(b <= a + 1e-12 for a, b in itertools.pairwise(curve.supplied))
        assert curve.supplied[-1] == pytest.approx(0.0, abs=1e-12)
    for i in range(5):
        mean = sum(c.supplied[i] for c in result.random_runs) / 5
        assert result.random_mean.supplied[i] == pytest.approx(mean)
    again = robustness(graph, figures, runs=5, points=20, seed=7)
    assert again == [result]
    assert again[0].as_dict() == result.as_dict()
    assert result.as_dict()["targeted"]["r_index"] == pytest.approx(0.4)


def test_robustness_with_loop_and_two_leaders() -> None:
    graph = two_leaders()
    graph.add_edge("S", "T", share=None, products=())  # S and T now supply each other
    figures = weak_links(graph, AS_OF, WEIGHTS)
    results = robustness(graph, figures, runs=3, points=3, seed=1)
    assert [r.leader for r in results] == ["L1", "L2"]
    for r in results:
        for curve in [r.targeted, r.random_mean, *r.random_runs]:
            assert curve.supplied[0] == 1.0
            assert all(b <= a + 1e-12 for a, b in itertools.pairwise(curve.supplied))
            assert curve.removed[-1] == r.firms
            assert curve.supplied[-1] == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# segment view
# --------------------------------------------------------------------------------------------------
#
#   battery chain, one leader: chain exposure P, Q, U, V 0.5 each, L none (not a supplier of L).
#   weak (score >= 0.1): P and U.
#   S1 电芯 (upstream): U, V and P. Protected: V. Exposure 1.5, covered 0.5.
#     purchases: (P, 电芯) from U, (Q, 电芯) from V, (L, 电池) from P: 3, all single-sourced
#     within the segment; alternatives 1. HHI of exposure thirds: 3 x 33.3...^2 = 3333.3.
#     regions 1101, 4403, 3205: 3333.3.
#   S2 电池包 (midstream): P, Q. Protected: Q. Exposure 1, covered 0.5. Purchases: (L, 电池)
#     from both: 1, none single-sourced, 2 alternatives. HHI 5000; both in 3205: 10000.
#   S3 整车 (downstream): L. Not certified, exposure 0: no coverage of exposure, no HHI.


def test_segment_view() -> None:
    graph = battery_chain()
    figures = analyse_leader(graph, "L", AS_OF, WEIGHTS)
    view = segment_view(graph, figures, AS_OF, WEIGHTS)
    assert [s.segment_id for s in view] == ["S1", "S2", "S3"]
    s1, s2, s3 = view
    assert (s1.name, s1.stage) == ("电芯", "upstream")
    assert (s1.firms, s1.certified, s1.weak_links, s1.suppliers) == (3, 1, 2, 3)
    assert s1.coverage == pytest.approx(1 / 3)
    assert s1.exposure == pytest.approx(1.5)
    assert s1.exposure_coverage == pytest.approx(1 / 3)
    assert (s1.purchases, s1.single_sourced) == (3, 3)
    assert s1.alternatives == pytest.approx(1.0)
    assert s1.hhi == pytest.approx(10_000 / 3)
    assert s1.regional_hhi == pytest.approx(10_000 / 3)

    assert (s2.firms, s2.certified, s2.weak_links, s2.suppliers) == (2, 1, 1, 2)
    assert s2.coverage == pytest.approx(0.5)
    assert s2.exposure == pytest.approx(1.0)
    assert s2.exposure_coverage == pytest.approx(0.5)
    assert (s2.purchases, s2.single_sourced) == (1, 0)
    assert s2.alternatives == pytest.approx(2.0)
    assert s2.hhi == pytest.approx(5000.0)
    assert s2.regional_hhi == pytest.approx(10_000.0)

    assert (s3.firms, s3.certified, s3.weak_links, s3.suppliers) == (1, 0, 0, 0)
    assert s3.coverage == 0.0
    assert s3.exposure == 0.0
    assert s3.exposure_coverage is None and s3.hhi is None and s3.alternatives is None
    assert (s3.purchases, s3.single_sourced) == (0, 0)
    assert s3.regional_hhi == pytest.approx(10_000.0)
    assert s3.as_dict()["segment_id"] == "S3"


def test_segment_view_follows_feeds() -> None:
    # feeds say goods flow B -> A -> C although their stages say otherwise; a segment of another
    # chain and a feed to it are left out. Feeding in a loop: stage then id order.
    graph = nx.DiGraph(
        chains=[ChainRow("CH1", "链", None)],
        segments=[
            SegmentRow("CH1", "A", "甲", "upstream"),
            SegmentRow("CH1", "B", "乙", "downstream"),
            SegmentRow("CH1", "C", "丙", "upstream"),
            SegmentRow("CH2", "D", "丁", "upstream"),
        ],
        feeds=[FeedRow("CH1", "B", "A"), FeedRow("CH1", "A", "C"), FeedRow("CH2", "D", "B")],
        leaders=[],
    )
    view = segment_view(graph, [], AS_OF, WEIGHTS)
    assert [s.segment_id for s in view] == ["B", "A", "C"]
    assert all(s.firms == 0 and s.coverage is None for s in view)
    graph.graph["feeds"].append(FeedRow("CH1", "C", "B"))
    assert [s.segment_id for s in segment_view(graph, [], AS_OF, WEIGHTS)] == ["A", "C", "B"]
    # no feeds at all: stage then id
    graph.graph["feeds"] = []
    assert [s.segment_id for s in segment_view(graph, [], AS_OF, WEIGHTS)] == ["A", "C", "B"]


def test_segment_view_two_leaders_halve_exposure() -> None:
    # S's exposure: 0.5 towards L1 and 1 towards L2; the chain figure is their mean 0.75
    graph = two_leaders()
    graph.graph["segments"] = [SegmentRow("CH1", "G", "组件", "midstream")]
    graph.graph["chains"] = [ChainRow("CH1", "链", None)]
    graph.nodes["S"]["segments"] = [("CH1", "G")]
    figures = weak_links(graph, AS_OF, WEIGHTS)
    [seg] = segment_view(graph, figures, AS_OF, WEIGHTS)
    assert seg.firms == 1 and seg.exposure == pytest.approx(0.75)
    assert seg.coverage == 0.0 and seg.exposure_coverage == 0.0
    # (L1, "") and (L2, ""): K, L1's other supplier, is not of the segment, so each has one source
    assert (seg.purchases, seg.single_sourced) == (2, 2)


# --------------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------------


def test_default_weights() -> None:
    assert WEIGHTS.dependence.exposure == 0.5
    assert WEIGHTS.dependence.single_point_of_failure == 0.3
    assert WEIGHTS.risk.certification == 0.8
    assert WEIGHTS.certification_risk.expiring == 0.5
    assert WEIGHTS.thresholds.expiring_days == 90
    assert WEIGHTS.thresholds.high_exposure == 0.05
    assert WEIGHTS.thresholds.min_score == 0.1


def test_weights_override_keeps_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "weights.toml"
    path.write_text("[thresholds]\nmin_score = 0.3\n\n[risk]\ncertification = 0.7\n", "utf-8")
    got = load_weights(path)
    assert got.thresholds.min_score == 0.3
    assert got.risk.certification == 0.7
    assert got.risk.maturity_gap == WEIGHTS.risk.maturity_gap
    assert got.thresholds.expiring_days == WEIGHTS.thresholds.expiring_days
    assert got.dependence == WEIGHTS.dependence
    assert got.certification_risk == WEIGHTS.certification_risk


def test_weights_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "weights.toml"
    path.write_bytes("\ufeff[dependence]\nexposure = 0.25\n".encode())
    assert load_weights(path).dependence.exposure == 0.25


@pytest.mark.parametrize(
    ("text", "named"),
    [
        pytest.param("[colours]\nred = 1\n", "unknown section [colours]", id="unknown-section"),
        pytest.param("min_score = 0.3\n", "unknown section [min_score]", id="top-level-key"),
        pytest.param("[dependence]\nexposure = -1\n", "dependence.exposure", id="negative"),
        pytest.param("[risk]\ncertification = 1.5\n", "risk.certification", id="above-one"),
        pytest.param("[thresholds]\nhigh_exposure = 0\n", "thresholds.high_exposure", id="zero"),
        pytest.param("[thresholds]\nexpiring_days = 'x'\n", "thresholds.expiring_days", id="text"),
        pytest.param("[risk]\ncolour = 0.1\n", "risk.colour", id="unknown-key"),
        pytest.param("[dependence\nexposure = 0.1\n", "not valid TOML", id="invalid-toml"),
        pytest.param("[risk]\ncertification = \n", "not valid TOML", id="missing-value"),
    ],
)
def test_weights_errors(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "weights.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_weights(path)
    assert named in str(caught.value)
    assert str(path) in str(caught.value)


def test_weights_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read weights file"):
        load_weights(tmp_path / "absent.toml")


def test_weights_change_the_score(tmp_path: Path) -> None:
    # P of the battery chain with single_point_of_failure weighed 0: dependence 0.5 + 0.1 = 0.6,
    # risk 0.9: score 0.54
    path = tmp_path / "weights.toml"
    path.write_text("[dependence]\nsingle_point_of_failure = 0\n", "utf-8")
    got = by_uscc(analyse_leader(battery_chain(), "L", AS_OF, load_weights(path)))
    assert got["P"].score == pytest.approx(0.54)


# --------------------------------------------------------------------------------------------------
# properties on random small graphs
# --------------------------------------------------------------------------------------------------

NAMES = [f"9132{i:02d}" for i in range(9)]
SHARES = st.none() | st.floats(min_value=0.01, max_value=1.0)  # validated shares are in (0, 1]
PRODUCTS = st.sampled_from([(), ("电池",), ("座椅",), ("电池", "座椅")])


@st.composite
def supply_graphs(draw: st.DrawFn, acyclic: bool) -> tuple[nx.DiGraph, str]:
    """A random graph of 2 to 9 firms (n - 1 to 3n links) and a random leader. Acyclic: links
    only go forward in a random order of the firms. Otherwise any link, self-supply included."""
    n = draw(st.integers(min_value=2, max_value=9))
    names = draw(st.permutations(NAMES[:n]))
    pairs = [(i, j) for i in range(n) for j in range(n) if (i < j if acyclic else True)]
    chosen = draw(
        st.lists(
            st.sampled_from(pairs),
            unique=True,
            min_size=min(len(pairs), n - 1),
            max_size=min(len(pairs), 3 * n),
        )
    )
    graph = nx.DiGraph(leaders=[])
    graph.add_nodes_from(names)
    for i, j in chosen:
        graph.add_edge(names[i], names[j], share=draw(SHARES), products=draw(PRODUCTS))
    for name in names:
        graph.nodes[name]["maturity"] = draw(st.none() | st.integers(min_value=1, max_value=5))
    # a random leader, among the firms that buy from someone when there are any
    buyers = [u for u in names if any(p != u for p in graph.pred[u])]
    leader = draw(st.sampled_from(buyers or names))
    graph.graph["leaders"] = [leader]
    return graph, leader


ANY_GRAPH = st.booleans().flatmap(lambda acyclic: supply_graphs(acyclic))


def upstream_set(graph: nx.DiGraph, leader: str) -> set[str]:
    found: set[str] = nx.ancestors(graph, leader)
    return found | {leader}


def strictly_dominated(up_idom: list[int], v: int) -> set[int]:
    """Firms whose chain of immediate dominators passes through v (v excluded)."""
    found = set()
    for w in range(len(up_idom)):
        at = w
        while at != 0 and at != v:
            at = up_idom[at]
        if at == v and w != v:
            found.add(w)
    return found


@settings(max_examples=150, deadline=None)
@given(ANY_GRAPH)
def test_dominance_matches_brute_force(case: tuple[nx.DiGraph, str]) -> None:
    graph, leader = case
    up = upstream(graph, leader)
    dom = dominance(up)
    inside = upstream_set(graph, leader)
    assert set(up.firms) == inside
    assert up.firms[0] == leader and dom.idom[0] == 0
    for v, name in enumerate(up.firms):
        if v == 0:
            expected = inside - {leader}
        else:
            rest = graph.subgraph(inside - {name})
            expected = {w for w in inside - {name} if not nx.has_path(rest, w, leader)}
        got = {up.firms[w] for w in strictly_dominated(list(dom.idom), v)}
        assert got == expected, name
        assert dom.dominated[v] == len(expected)
        assert 0.0 <= dom.from_dominated[v] <= 1.0 + 1e-9
    reference = nx.immediate_dominators(graph.subgraph(inside).reverse(copy=True), leader)
    reference.pop(leader, None)  # some networkx versions list the start as its own dominator
    assert {up.firms[v]: up.firms[dom.idom[v]] for v in range(1, len(up))} == reference


def normalised_weight(graph: nx.DiGraph, supplier: str, customer: str) -> float:
    names = sorted(p for p in graph.pred[customer] if p != customer)
    weights = normalised_shares([graph.edges[p, customer]["share"] for p in names])
    return weights[names.index(supplier)]


@settings(max_examples=150, deadline=None)
@given(supply_graphs(acyclic=True))
def test_exposure_on_dags_is_the_sum_over_paths(case: tuple[nx.DiGraph, str]) -> None:
    graph, leader = case
    got = exposure_by_name(graph, leader)
    for name, value in got.items():
        expected = 0.0 if name != leader else 1.0
        if name != leader:
            for path in nx.all_simple_paths(graph, name, leader):
                expected += math.prod(
                    normalised_weight(graph, s, c) for s, c in itertools.pairwise(path)
                )
        assert value == pytest.approx(expected, abs=1e-9), name


@settings(max_examples=150, deadline=None)
@given(supply_graphs(acyclic=False))
def test_exposure_bounded_with_loops(case: tuple[nx.DiGraph, str]) -> None:
    graph, leader = case
    up = upstream(graph, leader)
    loops = components(up)
    flow = exposure(up, loops)
    assert flow[0] == 1.0
    assert all(0.0 <= x <= 1.0 + 1e-9 for x in flow)
    # loops are the strongly connected components of the upstream graph
    reference = {
        frozenset(c)
        for c in nx.strongly_connected_components(graph.subgraph(upstream_set(graph, leader)))
    }
    assert {frozenset(up.firms[v] for v in m) for m in loops.members} == reference
    assert sorted(loops.order) == list(range(len(loops.members)))
    for k in loops.order:  # every member of a loop carries the loop's exposure
        assert len({flow[v] for v in loops.members[k]}) == 1
    # nothing is lost or counted twice: the exposure reaching the loops and firms without outside
    # suppliers (the sources) adds up to the leader's 1
    sources = {loops.of[v] for v in range(len(up)) if not loops.outside[loops.of[v]]}
    assert sum(flow[loops.members[k][0]] for k in sources) == pytest.approx(1.0)


@settings(max_examples=150, deadline=None)
@given(supply_graphs(acyclic=True))
def test_lost_share_of_one_firm_on_dags_is_its_exposure(case: tuple[nx.DiGraph, str]) -> None:
    graph, leader = case
    up = upstream(graph, leader)
    flow = exposure(up)
    for v in range(len(up)):
        assert lost_share(up, [v]) == pytest.approx(flow[v], abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(ANY_GRAPH, st.data())
def test_lost_share_and_cut_off(case: tuple[nx.DiGraph, str], data: st.DataObject) -> None:
    graph, leader = case
    up = upstream(graph, leader)
    figures = by_uscc(analyse_leader(graph, leader, AS_OF, WEIGHTS))
    for name, f in figures.items():
        lost = lost_share(up, [up.index[name]])
        assert lost >= f.dominated_share - 1e-9
        assert 0.0 <= lost <= 1.0 + 1e-9
    # more failed firms never lose less
    order = data.draw(st.permutations(range(len(up))))
    k = data.draw(st.integers(min_value=0, max_value=len(up)))
    m = data.draw(st.integers(min_value=k, max_value=len(up)))
    fewer, more = order[:k], order[:m]
    assert lost_share(up, fewer) <= lost_share(up, more) + 1e-9
    # cut off: firms left with no path to the leader once the failed ones are removed
    failed = {up.firms[v] for v in more}
    rest = graph.subgraph(upstream_set(graph, leader) - failed)
    expected = sorted(
        up.index[u]
        for u in upstream_set(graph, leader) - failed
        if leader in failed or not nx.has_path(rest, u, leader)
    )
    assert cut_off(up, more) == expected
    if not more:
        assert lost_share(up, more) == pytest.approx(0.0, abs=1e-12)
    if leader in failed:
        assert lost_share(up, more) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(ANY_GRAPH, st.randoms(use_true_random=False))
def test_analysis_does_not_depend_on_insertion_order(
    case: tuple[nx.DiGraph, str], rnd: random.Random
) -> None:
    graph, leader = case
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    rnd.shuffle(nodes)
    rnd.shuffle(edges)
    shuffled = nx.DiGraph(**graph.graph)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert analyse_leader(shuffled, leader, AS_OF, WEIGHTS) == analyse_leader(
        graph, leader, AS_OF, WEIGHTS
    )


# --------------------------------------------------------------------------------------------------
# doctests
# --------------------------------------------------------------------------------------------------

ANALYSIS_MODULES = [
    "chainmap.analysis",
    "chainmap.analysis.upstream",
    "chainmap.analysis.flow",
    "chainmap.analysis.structure",
    "chainmap.analysis.certification",
    "chainmap.analysis.weak_links",
    "chainmap.analysis.views",
    "chainmap.analysis.weights",
]


@pytest.mark.parametrize("name", ANALYSIS_MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), verbose=False, report=False)
    assert result.failed == 0, name


def test_doctests_exist() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name), verbose=False, report=False).attempted
        for name in ANALYSIS_MODULES
    )
    assert attempted >= 5  # normalised_shares (3) and hhi (2) at least
