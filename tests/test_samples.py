"""The sample-dataset generator: every rule an importer checks holds on what it writes.

One dataset of 3,000 firms in 6 chains (five templates, one reused nationally) is generated once
for the module; the rules are checked with :mod:`chainmap.rules`, not with the generator's code.
"""

from __future__ import annotations

import csv
import graphlib
import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from chainmap import rules
from chainmap.enums import CertStatus, SizeClass, Stage
from chainmap.errors import ConfigError
from chainmap.samples import (
    COLUMNS,
    REFERENCE_DATE,
    TEMPLATES,
    GenerationSummary,
    generate_dataset,
)
from chainmap.samples.templates import NAME_FIRST, NAME_SECOND, NAME_THIRD, NEIGHBOURS, REGIONS

Table = list[dict[str, str]]
REQUIRED = {
    "enterprises": ("uscc", "name", "region_code", "industry_code"),
    "chains": ("chain_id", "name", "leaders"),
    "segments": ("chain_id", "segment_id", "name", "stage"),
    "members": ("chain_id", "segment_id", "uscc"),
    "supply": ("supplier_uscc", "customer_uscc"),
    "certificates": COLUMNS["certificates"][:7],
    "bodies": ("body_id", "name"),
}
STAGE_ORDER = {Stage.UPSTREAM: 0, Stage.MIDSTREAM: 1, Stage.DOWNSTREAM: 2}


def read(folder: Path, table: str, encoding: str = "utf-8") -> Table:
    with (folder / f"{table}.csv").open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


def number(cell: str) -> float | None:
    return float(cell) if cell else None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "data"
    generate_dataset(out, enterprises=3_000, chains=6, seed=20_261_101)
    return out


@pytest.fixture(scope="module")
def data(folder: Path) -> dict[str, Table]:
    return {table: read(folder, table) for table in COLUMNS}


def test_writes_exactly_the_seven_tables_with_their_columns(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in COLUMNS)
    for table, columns in COLUMNS.items():
        raw = (folder / f"{table}.csv").read_bytes()
        assert b"\r" not in raw
        assert raw.decode().split("\n", 1)[0] == ",".join(columns)


def test_summary_counts_the_rows_of_each_file(tmp_path: Path) -> None:
    summary = generate_dataset(tmp_path, enterprises=300, chains=2, seed=5)
    counted = {t: len(read(tmp_path, t)) for t in COLUMNS}
    assert summary == GenerationSummary(**counted)
    assert summary.enterprises == 300 and summary.chains == 2


def test_required_cells_are_never_blank(data: dict[str, Table]) -> None:
    for table, columns in REQUIRED.items():
        for row in data[table]:
            assert all(row[c].strip() for c in columns), (table, row)


def test_usccs_pass_both_checks_are_unique_and_carry_the_region(data: dict[str, Table]) -> None:
    firms = data["enterprises"]
    for firm in firms:
        assert rules.validate_uscc(firm["uscc"]).flags == ()
        assert firm["uscc"][:2] == "91" and firm["uscc"][2:8] == firm["region_code"]
    assert len({f["uscc"] for f in firms}) == len(firms)
    assert len({f["name"] for f in firms}) == len(firms)


def test_region_and_industry_codes_are_valid(data: dict[str, Table]) -> None:
    known = {r.code for r in REGIONS}
    for firm in data["enterprises"]:
        assert rules.validate_region_code(firm["region_code"]) in known
        assert rules.validate_industry_code(firm["industry_code"]) == firm["industry_code"]
    for chain in data["chains"]:
        assert chain["region_code"] == "" or chain["region_code"] in known
    assert any(chain["region_code"] == "" for chain in data["chains"])  # NEV-02 is national


def test_explicit_size_mostly_agrees_with_the_standard(data: dict[str, Table]) -> None:
    firms = data["enterprises"]
    stated = [f for f in firms if f["size"]]
    derived = [
        rules.classify_size(
            f["industry_code"], number(f["employees"]), number(f["revenue"]), number(f["assets"])
        )
        for f in stated
    ]
    wrong = sum(
        1 for f, d in zip(stated, derived, strict=True) if d is None or d.value != f["size"]
    )
    assert 0.15 <= len(stated) / len(firms) <= 0.25
    assert 1 <= wrong <= 0.03 * len(stated)
    for firm in firms:
        assert firm["maturity"] in {"", "1", "2", "3", "4", "5"}


def test_leaders_are_large_members_of_their_leader_segment(data: dict[str, Table]) -> None:
    firms = {f["uscc"]: f for f in data["enterprises"]}
    places = {(m["chain_id"], m["uscc"]): m["segment_id"] for m in data["members"]}
    by_code = {t.code: t for t in TEMPLATES}
    for chain in data["chains"]:
        leaders = chain["leaders"].split(";")
        assert 1 <= len(leaders) <= 3
        template = by_code[chain["chain_id"].split("-")[0]]
        for uscc in leaders:
            firm = firms[uscc]
            assert firm["size"] == SizeClass.LARGE.value
            size = rules.classify_size(
                firm["industry_code"], float(firm["employees"]), float(firm["revenue"]), None
            )
            assert size is SizeClass.LARGE
            assert places[(chain["chain_id"], uscc)] == template.leader_segment


def test_every_reference_resolves(data: dict[str, Table]) -> None:
    firms = {f["uscc"] for f in data["enterprises"]}
    segments = {(s["chain_id"], s["segment_id"]) for s in data["segments"]}
    bodies = {b["body_id"] for b in data["bodies"]}
    assert {u for c in data["chains"] for u in c["leaders"].split(";")} <= firms
    assert {m["uscc"] for m in data["members"]} == firms  # and every firm is in some chain
    assert {(m["chain_id"], m["segment_id"]) for m in data["members"]} <= segments
    assert {s["supplier_uscc"] for s in data["supply"]} <= firms
    assert {s["customer_uscc"] for s in data["supply"]} <= firms
    assert {c["uscc"] for c in data["certificates"]} <= firms
    assert {c["body"] for c in data["certificates"]} <= bodies
    for segment in data["segments"]:
        for fed in filter(None, segment["feeds"].split(";")):
            assert (segment["chain_id"], fed) in segments


def test_segments_form_a_dag_from_upstream_to_downstream(data: dict[str, Table]) -> None:
    chains: dict[str, Table] = defaultdict(list)
    for segment in data["segments"]:
        chains[segment["chain_id"]].append(segment)
    assert len(chains) == 6
    for segments in chains.values():
        assert 5 <= len(segments) <= 9
        stage = {s["segment_id"]: STAGE_ORDER[Stage(s["stage"])] for s in segments}
        graph = {s["segment_id"]: set(filter(None, s["feeds"].split(";"))) for s in segments}
        tuple(graphlib.TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
        for source, targets in graph.items():
            assert all(stage[source] <= stage[t] for t in targets)
        assert set(stage.values()) == {0, 1, 2}


def test_supply_links_are_unique_without_self_loops_and_shares_sum_to_one(
    data: dict[str, Table],
) -> None:
    links = data["supply"]
    assert all(s["supplier_uscc"] != s["customer_uscc"] for s in links)
    triples = Counter((s["supplier_uscc"], s["customer_uscc"], s["product"]) for s in links)
    assert triples.most_common(1)[0][1] == 1
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in links:
        groups[(s["customer_uscc"], s["product"])].append(s["share"])
    for shares in groups.values():
        if all(shares):
            assert all(0 < float(x) <= 1 for x in shares)
            assert abs(sum(map(float, shares)) - 1) < 1e-6
        else:
            assert not any(shares)  # a product's shares are all given or all unknown
    assert sum(1 for g in groups.values() if g == ["1"]) > 0.2 * len(groups)  # single-sourced
    assert any(not s["share"] for s in links) and any(not s["annual_value"] for s in links)
    assert all(float(s["annual_value"]) > 0 for s in links if s["annual_value"])
    assert 2.5 <= len(links) / len(data["enterprises"]) <= 3.5


def test_supply_is_skewed_and_reaches_the_leaders(data: dict[str, Table]) -> None:
    links = data["supply"]
    out_degree = Counter(s["supplier_uscc"] for s in links)
    degrees = sorted(out_degree.values(), reverse=True)
    assert degrees[0] >= 10 * degrees[len(degrees) // 2]
    top = degrees[: max(1, len(degrees) // 20)]
    assert sum(top) > 0.25 * len(links)  # the top 5 % of suppliers carry over a quarter
    buyers = {s["customer_uscc"] for s in links}
    sellers = set(out_degree)
    for chain in data["chains"]:
        for leader in chain["leaders"].split(";"):
            assert leader in buyers and leader in sellers  # buys inputs, sells to distributors
    assert sellers & buyers - {u for c in data["chains"] for u in c["leaders"].split(";")}


def test_suppliers_cluster_near_the_leader_and_some_serve_two_chains(
    data: dict[str, Table],
) -> None:
    region = {f["uscc"]: f["region_code"] for f in data["enterprises"]}
    home_chain: dict[str, str] = {}
    for m in data["members"]:
        home_chain.setdefault(m["uscc"], m["chain_id"])
    for chain in data["chains"]:
        if not chain["region_code"]:
            continue
        province = chain["region_code"][:2]
        near = {province, *NEIGHBOURS[province]}
        own = [u for u, c in home_chain.items() if c == chain["chain_id"]]
        share = sum(1 for u in own if region[u][:2] in near) / len(own)
        assert share > 0.8
    chains_of: dict[str, set[str]] = defaultdict(set)
    for m in data["members"]:
        chains_of[m["uscc"]].add(m["chain_id"])
    twice = sum(1 for c in chains_of.values() if len(c) == 2)
    assert 0.02 * len(chains_of) <= twice <= 0.08 * len(chains_of)


def test_certificates_follow_the_cycle_and_their_status(data: dict[str, Table]) -> None:
    certs = data["certificates"]
    assert len({c["cert_no"] for c in certs}) == len(certs)
    as_of = REFERENCE_DATE
    soon = 0
    for cert in certs:
        issued = date.fromisoformat(cert["issued_on"])
        expires = date.fromisoformat(cert["expires_on"])
        assert issued <= expires and issued <= as_of
        assert _three_years_after(issued) == expires
        status = rules.parse_status(cert["status"])
        assert cert["status"] in {status.label_zh, status.value}
        if status is CertStatus.VALID:
            assert rules.in_force(status, issued, expires, as_of)
            soon += rules.expires_within(expires, 90, as_of)
        elif status is CertStatus.EXPIRED:
            assert expires < as_of
        elif status is CertStatus.SUSPENDED:
            assert expires > as_of
        assert rules.parse_standard(cert["standard"]) in {
            ("GB/T 19001", "2016"),
            ("ISO 9001", "2015"),
        }
    assert soon > 0
    assert 0.02 < sum(1 for c in certs if c["status"].isascii()) / len(certs) < 0.2
    assert 0.05 < sum(1 for c in certs if c["standard"].startswith("ISO")) / len(certs) < 0.3


def test_certificates_carry_their_audit_and_status_dates(data: dict[str, Table]) -> None:
    as_of = REFERENCE_DATE
    in_force = overdue = dated = 0
    for cert in data["certificates"]:
        issued = date.fromisoformat(cert["issued_on"])
        expires = date.fromisoformat(cert["expires_on"])
        status = rules.parse_status(cert["status"])
        audit = date.fromisoformat(cert["last_audit_on"]) if cert["last_audit_on"] else None
        since = date.fromisoformat(cert["status_since"]) if cert["status_since"] else None
        assert audit is None or issued <= audit <= as_of
        assert since is None or issued <= since <= as_of
        rules.check_validity(issued, expires)
        if status in (CertStatus.SUSPENDED, CertStatus.WITHDRAWN, CertStatus.CANCELLED):
            assert since is not None  # every change of status is dated
            dated += 1
        if rules.in_force(status, issued, expires, as_of, since):
            in_force += 1
            overdue += rules.surveillance_overdue(issued, audit, as_of)
    assert dated > 0
    # about one valid certificate in twenty misses its latest surveillance audit
    assert 0.01 < overdue / in_force < 0.1


def test_certification_rates_by_firm(data: dict[str, Table]) -> None:
    held: dict[str, list[dict[str, str]]] = defaultdict(list)
    for cert in data["certificates"]:
        held[cert["uscc"]].append(cert)
    firms = data["enterprises"]
    latest: Counter[CertStatus | None] = Counter()
    for firm in firms:
        certs = held.get(firm["uscc"])
        newest = max(certs, key=lambda c: c["issued_on"]) if certs else None
        latest[rules.parse_status(newest["status"]) if newest else None] += 1
    rate = {status: count / len(firms) for status, count in latest.items()}
    assert rate[CertStatus.VALID] == pytest.approx(0.50, abs=0.05)
    assert rate[CertStatus.EXPIRED] == pytest.approx(0.10, abs=0.03)
    assert rate[CertStatus.SUSPENDED] == pytest.approx(0.05, abs=0.02)
    assert rate[CertStatus.WITHDRAWN] == pytest.approx(0.02, abs=0.015)
    assert rate[CertStatus.CANCELLED] == pytest.approx(0.03, abs=0.015)
    assert rate[None] == pytest.approx(0.30, abs=0.05)
    renewed = [c for c in held.values() if len(c) == 2]
    assert renewed and len(renewed) < 0.1 * len(firms)
    for pair in renewed:
        old, new = sorted(pair, key=lambda c: c["issued_on"])
        assert rules.parse_status(old["status"]) is CertStatus.EXPIRED
        assert rules.parse_status(new["status"]) is CertStatus.VALID
        assert old["expires_on"] >= new["issued_on"]  # renewed before the old one ran out
    by_size: dict[SizeClass, list[bool]] = defaultdict(list)
    for firm in firms:
        size = rules.classify_size(
            firm["industry_code"],
            number(firm["employees"]),
            number(firm["revenue"]),
            number(firm["assets"]),
        )
        if size is not None:
            by_size[size].append(firm["uscc"] in held)
    share = {s: sum(v) / len(v) for s, v in by_size.items()}
    assert share[SizeClass.MICRO] < share[SizeClass.SMALL] < share[SizeClass.LARGE]


def _three_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 3)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 3, day=28)


def test_as_of_moves_every_certificate_date(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "a", enterprises=200, chains=1, seed=2)
    later = REFERENCE_DATE + timedelta(days=400)
    generate_dataset(tmp_path / "b", enterprises=200, chains=1, seed=2, as_of=later)
    for cert in read(tmp_path / "b", "certificates"):
        if rules.parse_status(cert["status"]) is CertStatus.VALID:
            issued = date.fromisoformat(cert["issued_on"])
            assert rules.in_force(
                CertStatus.VALID, issued, date.fromisoformat(cert["expires_on"]), later
            )
    assert read(tmp_path / "a", "enterprises") == read(tmp_path / "b", "enterprises")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate_dataset(tmp_path / name, enterprises=600, chains=3, seed=seed)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    first, other = _digest(tmp_path / "a"), _digest(tmp_path / "c")
    differ = {f.removesuffix(".csv") for f in first if first[f] != other[f]}
    # bodies and segments come from the templates alone; everything about firms changes
    assert differ == set(COLUMNS) - {"bodies", "segments"}


def test_gb18030_output_holds_the_same_rows_as_utf8(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "u", enterprises=300, chains=2, seed=3)
    generate_dataset(tmp_path / "g", enterprises=300, chains=2, seed=3, encoding="gb18030")
    generate_dataset(tmp_path / "b", enterprises=300, chains=2, seed=3, encoding="utf-8-sig")
    for table in COLUMNS:
        raw = (tmp_path / "g" / f"{table}.csv").read_bytes()
        if not (tmp_path / "u" / f"{table}.csv").read_bytes().isascii():  # members.csv is ASCII
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # really GB18030 bytes, not UTF-8 that happens to decode
        assert read(tmp_path / "g", table, "gb18030") == read(tmp_path / "u", table)
        assert (tmp_path / "b" / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        assert read(tmp_path / "b", table, "utf-8-sig") == read(tmp_path / "u", table)


def test_progress_reports_every_row_in_batches(tmp_path: Path) -> None:
    calls: list[int] = []
    summary = generate_dataset(tmp_path, enterprises=3_000, chains=2, seed=1, progress=calls.append)
    total = sum(getattr(summary, field) for field in COLUMNS)
    assert sum(calls) == total
    assert 1 < len(calls) <= total // 1_000


def test_creates_a_missing_folder(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "a" / "b", enterprises=100, chains=1, seed=1)
    assert (tmp_path / "a" / "b" / "supply.csv").is_file()


@pytest.mark.parametrize(
    ("arguments", "hint"),
    [
        ({"enterprises": 100, "chains": 0}, "--chains"),
        ({"enterprises": 50, "chains": 3}, "raise --enterprises to 60"),
        ({"enterprises": 100, "chains": 1, "encoding": "latin-1"}, "gb18030"),
        ({"enterprises": 10_000_000, "chains": 1}, "at most"),
        ({"enterprises": 100.5, "chains": 1}, "whole number"),
    ],
)
def test_bad_arguments_say_what_to_change(
    tmp_path: Path, arguments: dict[str, object], hint: str
) -> None:
    with pytest.raises(ConfigError, match=hint):
        generate_dataset(tmp_path, seed=1, **arguments)  # type: ignore[arg-type]
    assert not any(tmp_path.iterdir())  # nothing written


def test_out_must_not_be_a_file(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        generate_dataset(tmp_path / "taken", enterprises=100, chains=1, seed=1)


def test_template_data_keeps_names_unique_and_chains_realistic() -> None:
    assert {t.name for t in TEMPLATES} >= {"新能源汽车", "光伏", "纺织服装", "智能家电", "医疗器械"}
    name_chars = set(NAME_FIRST + NAME_SECOND + NAME_THIRD)
    for template in TEMPLATES:
        keys = {s.key for s in template.segments}
        assert 5 <= len(keys) == len(template.segments) <= 9
        assert template.leader_segment in keys
        products = [p for s in template.segments for p in s.products]
        assert len(products) == len(set(products))  # a customer buys a product from one segment
        for segment in template.segments:
            assert set(segment.feeds) <= keys
            assert all(w[0] not in name_chars for w in segment.words)  # names split one way
            for code in segment.industries:
                assert rules.validate_industry_code(code) == code
    cities = {r.city for r in REGIONS}
    assert not [(a, b) for a in cities for b in cities if a != b and b.startswith(a)]
    assert len(REGIONS) >= 60 and len({r.code[:2] for r in REGIONS}) >= 20
    for region in REGIONS:
        assert rules.validate_region_code(region.code) == region.code
