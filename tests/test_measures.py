"""Measures by class: the default rules table on firms of every kind, and bad rules files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainmap.analysis import FirmFigures
from chainmap.errors import ConfigError
from chainmap.plans import firm_measures, load_measures


def row(uscc: str, **given: Any) -> FirmFigures:
    values: dict[str, Any] = dict.fromkeys(FirmFigures.__slots__)
    values.update(
        leader="L",
        uscc=uscc,
        name=uscc,
        segment="",
        region_code="320583",
        industry_code="C3841",
        size="micro",
        maturity=None,
        certification="none",
        exposure=0.01,
        dominated_count=0,
        dominated_share=0.0,
        single_point_of_failure=False,
        single_source=False,
        sole_supplies=0,
        largest_share=0.5,
        concentrated=False,
        in_loop=False,
        dependence=0.1,
        risk=1.0,
        score=0.1,
        reasons=(),
    )
    values.update(given)
    return FirmFigures(**values)


def measures(*rows: FirmFigures) -> dict[str, tuple[str, ...]]:
    return {m.uscc: m.measures for m in firm_measures(rows, load_measures())}


def test_default_rules() -> None:
    got = measures(
        row("A", size="micro", maturity=1),  # micro, maturity 1, no certificate
        row("B", size="medium", maturity=4, certification="valid"),
        row("C", size="small", maturity=2, certification="expiring"),
        row("D", size="small", maturity=3, certification="valid"),
        row("E", size="large", certification="withdrawn", single_point_of_failure=True),
        row("F", size=None, maturity=None, certification="valid"),
    )
    assert got["A"] == ("qms_awareness", "standard_adoption", "certification")
    assert got["B"] == ("graded_certification",)
    assert got["C"] == ("certification", "certification_credit")
    assert got["D"] == ("graded_certification", "certification_credit")
    assert got["E"] == ("certification", "lean", "six_sigma", "qc_circles")
    assert got["F"] == ()  # certified, maturity unknown: no rule applies


def test_a_bottleneck_for_any_leader_is_one() -> None:
    got = firm_measures(
        [
            row("A", leader="L", certification="valid"),
            row("A", leader="M", certification="valid", reasons=("high_exposure",)),
        ],
        load_measures(),
    )
    assert [(m.uscc, m.bottleneck, m.rules) for m in got] == [("A", True, ("bottleneck",))]


def test_every_measure_has_both_labels() -> None:
    rules = load_measures()
    for rule in rules.rule:
        for measure in rule.measures:
            assert rules.measures[measure].zh and rules.measures[measure].en


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[rule]]\nid = "x"\nstates = ["gone"]\nmeasures = ["a"]\n[measures]\n'
            'a = { zh = "甲", en = "a" }\n',
            "unknown size class or state gone",
        ),
        (
            '[[rule]]\nid = "x"\nmeasures = ["a", "b"]\n[measures]\na = { zh = "甲", en = "a" }\n',
            "measures without a [measures] label: b",
        ),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_bad_rules_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "measures.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_measures(path)
    assert message in str(error.value)
    with pytest.raises(ConfigError, match="cannot read measures file"):
        load_measures(tmp_path / "missing.toml")


def test_a_rules_file_replaces_the_table(tmp_path: Path) -> None:
    path = tmp_path / "measures.toml"
    path.write_text(
        '[[rule]]\nid = "all"\nmeasures = ["visit"]\n[measures]\n'
        'visit = { zh = "走访", en = "a visit" }\n',
        encoding="utf-8",
    )
    got = firm_measures([row("A"), row("B", certification="valid")], load_measures(path))
    assert [m.measures for m in got] == [("visit",), ("visit",)]
