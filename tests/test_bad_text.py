"""Text that would store something other than what people see is refused at intake, in English
and Chinese: control characters (a NUL cut names short in SQLite) and bidirectional overrides.
Zero-width characters and stray byte-order marks are removed. Both stores."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sample_chain import LEADER, TIER1_A, write_dataset

from chainmap.errors import ValidationFailed
from chainmap.ingest.load import import_datasets
from chainmap.records import FirmQuery, Table
from chainmap.store import open_store

Tables = dict[str, list[list[str]]]


def _import(url: str, folder: Path) -> None:
    import_datasets([folder], lambda: open_store(url, create=True))


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("昆山整车\x00制造股份有限公司", "control character U+0000 at character 5", "控制字符"),
        ("昆山整车\x1b[31m制造", "control character U+001B", "控制字符"),
        ("昆山整车\x85制造", "control character U+0085", "控制字符"),
        (
            "昆山\u202e司公限有造制",
            "direction mark U+202E RIGHT-TO-LEFT OVERRIDE",
            "文字方向控制符",
        ),
        ("昆山\u2066整车\u2069制造", "direction mark U+2066", "文字方向控制符"),
        ("昆山整车\n制造股份有限公司", "a line break (U+000A)", "换行符"),
        ("\u200b\ufeff", "only invisible characters", "不可见字符"),
    ],
    ids=["nul", "escape", "c1", "rlo", "isolate", "line-break", "invisible"],
)
def test_names_with_hidden_characters_are_refused_on_both_stores(
    store_url: str,
    tmp_path: Path,
    edited: Callable[..., Tables],
    text: str,
    english: str,
    chinese: str,
) -> None:
    tables = edited()
    tables["enterprises"][1][1] = text
    with pytest.raises(ValidationFailed) as failed:
        _import(store_url, write_dataset(tmp_path / "bad", tables))
    (problem,) = [p for p in failed.value.problems if p.is_error and p.column == "name"]
    assert problem.row == 2
    assert english in problem.message and chinese in problem.text("zh")
    if store_url.startswith("sqlite"):
        assert not Path(store_url.removeprefix("sqlite:///")).exists()
    else:
        with open_store(store_url) as store:
            assert store.stats()["enterprises"] == 0


@pytest.mark.parametrize(
    ("table", "column", "text"),
    [
        ("supply", "product", "动力\x00电池"),
        ("certificates", "scope", "整车\u202e制造"),
        ("certificates", "cert_no", "00124Q\x0010001R0M"),
        ("segments", "segment_id", "assem\u202ebly"),
        ("chains", "name", "新能源\x07汽车"),
        ("bodies", "name", "中国质量\x00认证中心"),
    ],
)
def test_other_text_fields_refuse_them_too(
    tmp_path: Path, edited: Callable[..., Tables], table: str, column: str, text: str
) -> None:
    tables = edited()
    rows = tables[table]
    rows[1][rows[0].index(column)] = text
    with pytest.raises(ValidationFailed) as failed:
        _import(f"sqlite:///{tmp_path / 'x.db'}", write_dataset(tmp_path / "bad", tables))
    assert any(
        p.is_error and p.column == column and "U+" in p.message for p in failed.value.problems
    )


def test_zero_width_characters_and_stray_marks_are_removed_on_both_stores(
    store_url: str, tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    tables = edited()
    tables["enterprises"][1][1] = "\ufeff昆山整车\u200b制造股份\u2060有限公司\u200d"
    tables["supply"][1][2] = "动力\u200c电池"
    tables["certificates"][1][7] = "整车制造\n（含新能源汽车）"  # a line break in free text stays
    _import(store_url, write_dataset(tmp_path / "data", tables))
    with open_store(store_url) as store:
        (firm,), _ = store.search_enterprises(FirmQuery(text=LEADER))
        assert firm.name == "昆山整车制造股份有限公司"
        (found,), _ = store.search_enterprises(FirmQuery(text="整车制造股份有限"))
        assert found.uscc == LEADER
        chain = store.chain("NEV-T")
    (link,) = [s for s in chain.supply if s.supplier == TIER1_A and s.customer == LEADER]
    assert link.product == "动力电池"
    (cert,) = [c for c in chain.certificates if c.uscc == LEADER]
    assert cert.scope == "整车制造\n（含新能源汽车）"


def test_usccs_are_cleaned_and_checked_the_same_way(
    tmp_path: Path, edited: Callable[..., Tables]
) -> None:
    tables = edited()
    tables["enterprises"][1][0] = "\ufeff" + LEADER  # as a copy from a web page may give it
    tables["supply"][1][0] = TIER1_A + "\u200b"
    url = f"sqlite:///{tmp_path / 'x.db'}"
    _import(url, write_dataset(tmp_path / "data", tables))
    with open_store(url) as store:
        assert store.existing(Table.ENTERPRISES, [LEADER]) == {LEADER}
        links = store.chain("NEV-T").supply
    assert any(s.supplier == TIER1_A and s.customer == LEADER for s in links)
    tables["supply"][1][0] = TIER1_A[:4] + "\x00" + TIER1_A[4:]
    with pytest.raises(ValidationFailed) as failed:
        _import(url, write_dataset(tmp_path / "bad", tables))
    assert any(p.column == "supplier_uscc" and "U+0000" in p.message for p in failed.value.problems)


def test_json_datasets_are_held_to_the_same_rules(tmp_path: Path) -> None:
    document = {
        "enterprises": [
            {
                "uscc": LEADER,
                "name": "昆山\u0000整车",
                "region_code": "320583",
                "industry_code": "C3611",
            }
        ]
    }
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        _import(f"sqlite:///{tmp_path / 'x.db'}", path)
    assert any("U+0000" in p.message for p in failed.value.problems)
