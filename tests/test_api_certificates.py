"""A leader's tiers and one enterprise carry each firm's certificate as judged on the day asked:
number, body, status on that day (a certificate recorded valid whose expiry has passed is
expired), expiry, and why (the certification state and reasons of the weak links). Both stores."""

from __future__ import annotations

from typing import Any

from api_world import A1, B1, D1, D2, L1, L2, S, T, World, csv_bytes
from api_world import world as world  # the fixture

CERT_HEADER = [
    "cert_no",
    "uscc",
    "standard",
    "body",
    "status",
    "issued_on",
    "expires_on",
    "last_audit_on",
    "status_since",
]


def tiers(world: World, who: str, leader: str, **params: Any) -> dict[str, dict[str, Any]]:
    answer = world.get(who, f"/leaders/{leader}/tiers", **params)
    assert answer.status_code == 200, answer.text
    return {f["uscc"]: f for f in answer.json()["firms"]}


def test_each_firm_of_the_tiers_shows_its_certificate_and_why(world: World) -> None:
    firms = tiers(world, "leader1", L1, as_of="2024-06-01")
    leader = firms[L1]["certification"]
    assert leader["state"] == "valid" and leader["reasons"] == []
    assert leader["audit_due"] == "2025-01-01"  # 12 months after issue, no audit recorded
    cert = leader["certificate"]
    assert (cert["cert_no"], cert["body_id"], cert["body_name"]) == (
        "00124Q20001R0M",
        "CQC",
        "中国质量认证中心",
    )
    assert (cert["status"], cert["expires_on"]) == ("valid", "2027-01-01")
    for uscc in (A1, S, T, D1):  # no certificate: none, and the reason said in both languages
        none = firms[uscc]["certification"]
        assert none["state"] == "none" and none["certificate"] is None
        assert [r["code"] for r in none["reasons"]] == ["uncertified"]
        assert none["reasons"][0]["zh"] and none["reasons"][0]["en"]
    # past the audit's day the certificate still protects, and the reason says it is overdue
    overdue = tiers(world, "leader1", L1, as_of="2026-06-01")[L1]["certification"]
    assert overdue["state"] == "valid" and overdue["certificate"]["status"] == "valid"
    assert [r["code"] for r in overdue["reasons"]] == ["surveillance_overdue"]


def test_a_certificate_recorded_valid_is_expired_once_its_expiry_has_passed(world: World) -> None:
    later = tiers(world, "leader1", L1, as_of="2027-06-01")[L1]["certification"]
    assert later["state"] == "expired"
    assert later["certificate"]["status"] == "expired"  # never "valid"
    assert later["certificate"]["recorded_status"] == "valid"
    assert [r["code"] for r in later["reasons"]] == ["certificate_expired"]
    soon = tiers(world, "leader1", L1, as_of="2026-12-01")[L1]["certification"]
    assert soon["state"] == "expiring" and soon["certificate"]["status"] == "valid"
    assert [r["code"] for r in soon["reasons"]] == ["certificate_expiring", "surveillance_overdue"]
    # one enterprise's certificates are judged the same way
    one = world.get("admin", f"/enterprises/{L1}", as_of="2027-06-01").json()
    assert [(c["status"], c["recorded_status"]) for c in one["certificates"]] == [
        ("expired", "valid")
    ]
    assert one["certificates"][0]["body_name"] == "中国质量认证中心"


def test_a_status_change_takes_effect_on_its_day(world: World) -> None:
    rows = [
        CERT_HEADER,
        [
            "00125Q20007R0M",
            S,
            "GB/T 19001-2016",
            "CQC",
            "暂停",
            "2025-01-01",
            "2028-01-01",
            "2025-12-01",
            "2026-03-01",
        ],
    ]
    done = world.upload("admin", ("certificates.csv", csv_bytes(rows)))
    assert done.status_code == 201, done.text
    before = tiers(world, "admin", L1, as_of="2026-02-28")[S]["certification"]
    assert before["state"] == "valid" and before["certificate"]["status"] == "valid"
    after = tiers(world, "admin", L1, as_of="2026-03-01")[S]["certification"]
    assert after["state"] == "suspended" and after["certificate"]["status"] == "suspended"
    assert [r["code"] for r in after["reasons"]] == ["certificate_suspended"]
    # the shared supplier shows the same certificate to the other leader
    assert tiers(world, "leader2", L2, as_of="2026-03-01")[S]["certification"] == after


def test_a_regulator_sees_the_certificates_of_the_firms_in_its_regions(world: World) -> None:
    firms = tiers(world, "reg34", L2, as_of="2026-06-01")
    assert set(firms) == {L2, B1, T, D2}  # not S, Suzhou's
    assert firms[B1]["certification"]["certificate"]["cert_no"] == "00124Q20002R0M"
