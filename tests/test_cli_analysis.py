"""The weak-link commands on the hand-built chain, whose every figure is worked out below.

As of 2026-11-01 the leader buys 动力电池 from TIER1_A (share 1) and 座椅 from TIER1_B (0.6):
normalised 0.625 and 0.375. TIER2 sells TIER1_A all its 正极材料. So exposure is A 0.625,
B 0.375, TIER2 0.625; A dominates TIER2 (dominated share 0.625 x 1); every purchase is
single-sourced; the leader's HHI is 62.5² + 37.5² = 5,312.5, so A (62.5 %) is concentrated.
Certificates: A valid until 2026-11-30 (expiring; issued 2023-12-01 with no surveillance audit
recorded, so overdue since 2024-12-02: risk max(0.5, 0.5)), B suspended, TIER2 none. With the default
weights: A dependence min(1, 0.5 + 0.3 + 0.2 + 0.1) = 1, risk 0.8 x 0.5 + 0.2 x 2/4 = 0.5, score
0.5; B 0.7 x (0.8 x 0.8 + 0.2 x 3/4) = 0.553; TIER2 0.7 x (0.8 x 1 + 0.2 x 0.5) = 0.63.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sample_chain import LEADER, TIER1_A, TIER1_B, TIER2
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-01"]


@pytest.fixture
def store(dataset: Path, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    import_datasets([dataset], lambda: open_store(url, create=True), workers=1)
    return url


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def weak(url: str, *args: str) -> list[dict[str, Any]]:
    out = run("weak-links", "--chain", "NEV-T", "--store", url, *AS_OF, "--format", "json", *args)
    rows: list[dict[str, Any]] = json.loads(out.stdout)
    return rows


@pytest.mark.parametrize("command", [["weak-links"], ["segments"], ["what-if"], ["robustness"]])
def test_every_analysis_command_explains_itself(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "--chain" in result.output


def test_weak_links_worked_out_by_hand(store: str) -> None:
    rows = weak(store)
    assert [r["uscc"] for r in rows] == [TIER2, TIER1_B, TIER1_A]
    by = {r["uscc"]: r for r in rows}
    assert {r["leader"] for r in rows} == {LEADER}
    assert by[TIER2]["score"] == pytest.approx(0.63)
    assert by[TIER1_B]["score"] == pytest.approx(0.7 * 0.79)
    assert by[TIER1_A]["score"] == pytest.approx(0.5)
    assert by[TIER1_A]["exposure"] == pytest.approx(0.625)
    assert by[TIER1_B]["exposure"] == pytest.approx(0.375)
    assert by[TIER1_A]["dominated_count"] == 1
    assert by[TIER1_A]["dominated_share"] == pytest.approx(0.625)
    assert by[TIER1_A]["single_point_of_failure"] is True
    assert by[TIER1_B]["single_point_of_failure"] is False
    assert by[TIER1_A]["reasons"] == [
        "certificate_expiring",
        "surveillance_overdue",
        "single_point_of_failure",
        "single_source",
        "high_exposure",
        "concentrated",
    ]
    assert by[TIER1_B]["reasons"] == [
        "certificate_suspended",
        "single_source",
        "high_exposure",
        "low_maturity",
    ]
    assert by[TIER2]["reasons"] == ["uncertified", "single_source", "high_exposure"]
    assert by[TIER1_A]["certification"] == "expiring"
    assert by[TIER1_A]["cert_expires_on"] == "2026-11-30"
    assert by[TIER1_A]["cert_audit_due"] == "2024-12-01"
    assert "2026-11-30" in by[TIER1_A]["explanation_zh"]
    assert "单点故障" in by[TIER1_A]["explanation_zh"]
    assert by[TIER1_A]["explanation_en"].startswith("Its certificate expires on 2026-11-30")
    for key in ("segment", "region_code", "size", "name"):
        assert key in by[TIER2]
    assert by[TIER2]["segment"] == "materials"
    # the region in full and the industry by name, beside their codes
    named = {
        u: (r["region_code"], r["region_name"], r["industry_code"], r["industry_name"])
        for u, r in by.items()
    }
    assert named == {
        TIER1_A: ("320583", "江苏省苏州市昆山市", "C3841", "锂离子电池制造"),
        TIER1_B: ("320500", "江苏省苏州市", "C3670", "汽车零部件及配件制造"),
        TIER2: ("340100", "安徽省合肥市", "C2613", "无机盐制造"),
    }
    keys = list(by[TIER2])
    assert keys[keys.index("region_code") + 1] == "region_name"
    assert keys[keys.index("industry_code") + 1] == "industry_name"


def test_filters(store: str) -> None:
    assert [r["uscc"] for r in weak(store, "--top", "1")] == [TIER2]
    assert [r["uscc"] for r in weak(store, "--region", "3405")] == []
    assert [r["uscc"] for r in weak(store, "--region", "34")] == [TIER2]
    assert [r["uscc"] for r in weak(store, "--segment", "parts")] == [TIER1_B]
    assert [r["uscc"] for r in weak(store, "--size", "小型")] == [TIER2, TIER1_A]
    assert [r["uscc"] for r in weak(store, "--min-score", "0.6")] == [TIER2]
    assert [r["uscc"] for r in weak(store, "--industry", "C38")] == [TIER1_A]
    assert [r["uscc"] for r in weak(store, "--leader", LEADER)] == [TIER2, TIER1_B, TIER1_A]


def test_a_later_date_changes_the_certificate_state(store: str) -> None:
    later = runner.invoke(
        app,
        [
            "weak-links",
            "--chain",
            "NEV-T",
            "--store",
            store,
            "--as-of",
            "2026-12-01",
            "--format",
            "json",
        ],
    )
    rows = {r["uscc"]: r for r in json.loads(later.stdout)}
    assert rows[TIER1_A]["certification"] == "expired"
    assert rows[TIER1_A]["reasons"][0] == "certificate_expired"


def test_weights_file_changes_the_score(store: str, tmp_path: Path) -> None:
    weights = tmp_path / "weights.toml"
    weights.write_text("[certification_risk]\nexpiring = 1.0\n", encoding="utf-8")
    rows = {r["uscc"]: r for r in weak(store, "--weights", str(weights))}
    assert rows[TIER1_A]["score"] == pytest.approx(0.9)  # 1 x (0.8 x 1 + 0.2 x 2/4)
    env = {"CHAINMAP_WEIGHTS": str(weights)}
    result = runner.invoke(
        app,
        ["weak-links", "--chain", "NEV-T", "--store", store, *AS_OF, "--format", "json"],
        env=env,
    )
    assert json.loads(result.stdout)[0]["uscc"] == TIER1_A


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[dependence]\nexposure = 2\n", "dependence.exposure"),
        ("[nonsense]\nx = 1\n", "unknown section [nonsense]"),
        ("[risk\n", "not valid TOML"),
    ],
)
def test_bad_weights_are_refused(store: str, tmp_path: Path, content: str, message: str) -> None:
    weights = tmp_path / "weights.toml"
    weights.write_text(content, encoding="utf-8")
    result = runner.invoke(
        app, ["weak-links", "--chain", "NEV-T", "--store", store, "--weights", str(weights)]
    )
    assert result.exit_code == 2
    assert message in result.output


def test_errors_say_what_is_wrong(store: str) -> None:
    missing = runner.invoke(app, ["weak-links", "--chain", "NOPE", "--store", store])
    assert missing.exit_code == 4
    assert "chain 'NOPE' not found" in missing.output
    other = runner.invoke(
        app, ["weak-links", "--chain", "NEV-T", "--store", store, "--leader", TIER1_A]
    )
    assert other.exit_code == 4
    assert f"does not lead chain 'NEV-T' (its leaders: {LEADER})" in other.output
    size = runner.invoke(app, ["weak-links", "--chain", "NEV-T", "--store", store, "--size", "x"])
    assert size.exit_code == 2
    assert "unknown size class x" in size.output
    fail = runner.invoke(
        app, ["what-if", "--chain", "NEV-T", "--store", store, "--fail", "91320583MA00000000"]
    )
    assert fail.exit_code == 4
    assert "not firms of this chain: 91320583MA00000000" in fail.output
    plot = runner.invoke(
        app, ["robustness", "--chain", "NEV-T", "--store", store, "--out", "curves.svg"]
    )
    assert plot.exit_code == 2
    assert ".png" in plot.output


def test_csv_for_excel(store: str, tmp_path: Path) -> None:
    out = tmp_path / "weak.csv"
    run(
        "weak-links",
        "--chain",
        "NEV-T",
        "--store",
        store,
        *AS_OF,
        "--format",
        "csv",
        "--out",
        str(out),
    )
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["uscc"] for r in rows] == [TIER2, TIER1_B, TIER1_A]
    assert rows[2]["reasons"].split(";")[0] == "certificate_expiring"
    assert "合肥锂源材料有限公司" in rows[0]["name"]
    assert (rows[0]["region_name"], rows[0]["industry_name"]) == ("安徽省合肥市", "无机盐制造")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[4:8] == ["region_code", "region_name", "industry_code", "industry_name"]


def test_table_lists_firms_and_reasons(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainmap.cli import base as cli

    monkeypatch.setattr(cli.console, "width", 200)  # no wrapping inside the names
    out = run("weak-links", "--chain", "NEV-T", "--store", store, *AS_OF).stdout
    assert "合肥锂源材料有限公司" in out
    assert "无有效质量管理体系认证证书" in out
    english = run("weak-links", "--chain", "NEV-T", "--store", store, *AS_OF, "--lang", "en")
    assert "Holds no QMS certificate in force" in english.stdout


def test_segments(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainmap.cli import base as cli

    monkeypatch.setattr(cli.console, "width", 200)
    out = run("segments", "--chain", "NEV-T", "--store", store, *AS_OF, "--format", "json")
    rows = {s["segment_id"]: s for s in json.loads(out.stdout)}
    assert list(rows) == ["materials", "cells", "parts", "assembly", "sales"]
    assert rows["cells"]["firms"] == 1
    assert rows["cells"]["certified"] == 1  # expiring is still in force
    assert rows["parts"]["certified"] == 0
    assert rows["materials"]["exposure_coverage"] == 0.0
    assert rows["cells"]["exposure_coverage"] == 1.0
    assert rows["cells"]["single_sourced"] == 1
    assert rows["cells"]["weak_links"] == 1
    table = run("segments", "--chain", "NEV-T", "--store", store, *AS_OF).stdout
    assert "动力电池" in table


def test_what_if(store: str) -> None:
    out = run(
        "what-if", "--chain", "NEV-T", "--store", store, "--fail", TIER1_A, "--format", "json"
    )
    (found,) = json.loads(out.stdout)
    assert found["leader"] == LEADER
    assert found["lost_share"] == pytest.approx(0.625)
    assert found["cut_off"] == [TIER2]
    both = run(
        "what-if",
        "--chain",
        "NEV-T",
        "--store",
        store,
        "--fail",
        f"{TIER1_A}，{TIER1_B}",
        "--format",
        "json",
    )
    assert json.loads(both.stdout)[0]["lost_share"] == pytest.approx(1.0)


def test_robustness_with_a_plot(store: str, tmp_path: Path) -> None:
    png = tmp_path / "curves.png"
    out = run(
        "robustness",
        "--chain",
        "NEV-T",
        "--store",
        store,
        *AS_OF,
        "--points",
        "4",
        "--out",
        str(png),
        "--format",
        "json",
    )
    (curve,) = json.loads(out.stdout)
    assert curve["firms"] == 3
    assert curve["targeted"]["removed"] == [0, 1, 2, 3]
    # by score: TIER2 (0.625 lost), then TIER1_B (0.375 more), then nothing is left
    assert curve["targeted"]["supplied"] == pytest.approx([1.0, 0.375, 0.0, 0.0])
    assert len(curve["random_runs"]) == 10
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_same_answers_on_both_stores(store_url: str, dataset: Path, store: str) -> None:
    import_datasets([dataset], lambda: open_store(store_url, create=True), workers=1)
    assert weak(store_url) == weak(store)


def test_stats_names_each_chains_region(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainmap.cli import base as cli

    monkeypatch.setattr(cli.console, "width", 200)
    lines = run("stats", "--store", store).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "NEV-T" in line)
    assert "江苏省苏州市" in lines[at] and "320500" in lines[at + 1]  # the name, its code below
