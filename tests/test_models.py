"""The pydantic models: values as spreadsheets write them are accepted, broken ones are rejected with
the column (pydantic ``loc``) that holds them. Expected values are worked out by hand from domain.md."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from chainmap.enums import CertStatus, SizeClass, Stage
from chainmap.errors import RuleViolation
from chainmap.models import Certificate, Chain, Enterprise, Segment, SupplyLink

USCC_A = "91110000600037341L"  # domain.md: passes both checks
USCC_B = "91310115MA1K3BTP2B"
KNOWN_BAD = "91350203M0001QAY9B"  # domain.md: a real code that fails its final check

Row = dict[str, Any]
Loc = tuple[int | str, ...]


def error_locs(
    model: type[BaseModel], row: Row, context: dict[str, Any] | None = None
) -> list[Loc]:
    """The columns (first ``loc`` item) of the errors validating ``row`` raises, each once, in order;
    fails the test if it validates. A lenient field is a union of two parsers, so one bad value
    can raise an error from each, both under the field's column."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(row, context=context)
    columns = [error["loc"][:1] for error in caught.value.errors()]
    return [tuple(loc) for loc in dict.fromkeys(columns)]


def error_messages(model: type[BaseModel], row: Row) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(row)
    return [str(error["msg"]) for error in caught.value.errors()]


# --------------------------------------------------------------------------------------------------
# Enterprise
# --------------------------------------------------------------------------------------------------


def firm(**changes: Any) -> Row:
    row: Row = {
        "uscc": USCC_A,
        "name": "北京朝阳精密制造有限公司",
        "region_code": "110105",
        "industry_code": "C3670",
    }
    row.update(changes)
    return row


def test_minimal_enterprise() -> None:
    enterprise = Enterprise.model_validate(firm())
    assert enterprise.uscc == USCC_A
    assert enterprise.employees is None
    assert enterprise.size is None
    assert enterprise.maturity is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234", 1234),
        ("1，234", 1234),  # full-width comma
        ("１２", 12),  # full-width digits
        ("１，２３４", 1234),
        ("12.0", 12),
        (" 12 ", 12),
        ("1 234", 1234),
        (12, 12),
        (12.0, 12),
        ("0", 0),
    ],
)
def test_employees_written_as_spreadsheets_write_them(raw: Any, expected: int) -> None:
    employees = Enterprise.model_validate(firm(employees=raw)).employees
    assert employees == expected
    assert isinstance(employees, int)


@pytest.mark.parametrize("raw", ["-1", -1, "12.5", "twelve", "１２.５"])
def test_bad_employee_counts_are_rejected_in_their_column(raw: Any) -> None:
    assert error_locs(Enterprise, firm(employees=raw)) == [("employees",)]


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        ("revenue", "1,234.5", 1234.5),
        ("revenue", "４０，０００", 40000.0),
        ("revenue", "0", 0.0),
        ("assets", "120,000", 120000.0),
        ("assets", 99.5, 99.5),
    ],
)
def test_amounts_written_as_spreadsheets_write_them(column: str, raw: Any, expected: float) -> None:
    enterprise = Enterprise.model_validate(firm(**{column: raw}))
    assert getattr(enterprise, column) == expected


@pytest.mark.parametrize("column", ["revenue", "assets"])
@pytest.mark.parametrize("raw", ["-0.5", "－1", "nan", "inf", "lots"])
def test_bad_amounts_are_rejected_in_their_column(column: str, raw: Any) -> None:
    assert error_locs(Enterprise, firm(**{column: raw})) == [(column,)]


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), ("5", 5), ("5.0", 5), ("３", 3)])
def test_maturity_one_to_five(raw: Any, expected: int) -> None:
    assert Enterprise.model_validate(firm(maturity=raw)).maturity == expected


@pytest.mark.parametrize("raw", [0, 6, "0", "6", "2.5", -1])
def test_maturity_outside_one_to_five_is_rejected(raw: Any) -> None:
    assert error_locs(Enterprise, firm(maturity=raw)) == [("maturity",)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("微型", SizeClass.MICRO),
        ("小型", SizeClass.SMALL),
        ("中型", SizeClass.MEDIUM),
        ("大型", SizeClass.LARGE),
        (" 中型 ", SizeClass.MEDIUM),
        ("medium", SizeClass.MEDIUM),
        ("Micro", SizeClass.MICRO),
        ("LARGE", SizeClass.LARGE),
    ],
)
def test_size_words(raw: str, expected: SizeClass) -> None:
    assert Enterprise.model_validate(firm(size=raw)).size is expected


@pytest.mark.parametrize("raw", ["中", "巨型", "tiny"])
def test_unknown_size_word_is_rejected(raw: str) -> None:
    assert error_locs(Enterprise, firm(size=raw)) == [("size",)]


@pytest.mark.parametrize(
    "raw",
    [
        " 91110000600037341l ",
        "91110000600037341l",
        "9111 0000-6000 3734-1L",  # as people type it
        "９１１１００００６０００３７３４１Ｌ",  # full-width
        "9111\u30000000600037341L",  # an ideographic space
    ],
)
def test_uscc_is_normalized(raw: str) -> None:
    assert Enterprise.model_validate(firm(uscc=raw)).uscc == USCC_A


@pytest.mark.parametrize(
    "raw",
    [
        USCC_A,
        f" {USCC_A.lower()} ",
        "9111 0000-6000 3734-1L",
        "９１１１００００６０００３７３４１Ｌ",
    ],
)
def test_uscc_references_are_brought_to_the_stored_form(raw: str) -> None:
    supply = SupplyLink.model_validate(link(supplier_uscc=raw))
    assert supply.supplier_uscc == USCC_A
    certificate_row = Certificate.model_validate(certificate(uscc=raw))
    assert certificate_row.uscc == USCC_A
    assert Chain.model_validate(
        {"chain_id": "C", "name": "链", "leaders": f"{raw};{USCC_A}"}
    ).leaders == [USCC_A, USCC_A]


@pytest.mark.parametrize("raw", [KNOWN_BAD, "91110000600037341", "911100006000373I1L"])
def test_bad_uscc_is_rejected_in_its_column(raw: str) -> None:
    assert error_locs(Enterprise, firm(uscc=raw)) == [("uscc",)]


def test_bad_checksum_uscc_is_accepted_only_with_the_context_option() -> None:
    row = firm(uscc=KNOWN_BAD.lower())
    assert error_locs(Enterprise, row, context={"accept_bad_checksum": False}) == [("uscc",)]
    enterprise = Enterprise.model_validate(row, context={"accept_bad_checksum": True})
    assert enterprise.uscc == KNOWN_BAD
    # the option does not open the door to codes of the wrong shape
    assert error_locs(
        Enterprise, firm(uscc="91110000600037341"), context={"accept_bad_checksum": True}
    ) == [("uscc",)]


@pytest.mark.parametrize(
    ("column", "raw"),
    [
        ("region_code", "990000"),
        ("region_code", "11010"),
        ("region_code", "１１０１０５"),
        ("industry_code", "A36"),
        ("industry_code", "98"),
        ("industry_code", "36701"),
        ("name", ""),
        ("name", "   "),
    ],
)
def test_bad_codes_and_names_are_rejected_in_their_column(column: str, raw: str) -> None:
    assert error_locs(Enterprise, firm(**{column: raw})) == [(column,)]


def test_codes_are_normalized() -> None:
    enterprise = Enterprise.model_validate(firm(region_code=" 429004 ", industry_code="3670"))
    assert enterprise.region_code == "429004"
    assert enterprise.industry_code == "C3670"


def test_every_missing_required_column_is_reported() -> None:
    locs = error_locs(Enterprise, {"name": "某公司"})
    assert sorted(locs) == [("industry_code",), ("region_code",), ("uscc",)]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # industry: E >= 1000 and R >= 40000 is above the SME ceiling
        ({"industry_code": "3670", "employees": "1,000", "revenue": "40,000"}, SizeClass.LARGE),
        ({"industry_code": "3670", "employees": "1,000", "revenue": "39,999"}, SizeClass.MEDIUM),
        ({"industry_code": "3670", "employees": "19", "revenue": "５０００"}, SizeClass.MICRO),
        ({"industry_code": "3670", "employees": "20", "revenue": "300"}, SizeClass.SMALL),
        # retail: E >= 10 and R >= 100 is small
        ({"industry_code": "F5261", "employees": 10, "revenue": 100}, SizeClass.SMALL),
        # leasing uses assets: E >= 100 and A >= 8000 is medium
        ({"industry_code": "7212", "employees": 100, "assets": "8,000"}, SizeClass.MEDIUM),
        # the size the data states does not change the derived one
        ({"employees": 5, "size": "大型"}, SizeClass.MICRO),
        ({"employees": "20"}, None),
        ({}, None),
    ],
)
def test_derived_size(changes: Row, expected: SizeClass | None) -> None:
    assert Enterprise.model_validate(firm(**changes)).derived_size() == expected


# --------------------------------------------------------------------------------------------------
# Chain
# --------------------------------------------------------------------------------------------------


def chain(**changes: Any) -> Row:
    row: Row = {"chain_id": "NEV", "name": "新能源汽车产业链", "leaders": USCC_A}
    row.update(changes)
    return row


@pytest.mark.parametrize(
    "raw",
    [
        f"{USCC_A};{USCC_B}",
        f"{USCC_A}；{USCC_B}",
        f"{USCC_A},{USCC_B}",
        f"{USCC_A}，{USCC_B}",
        f" {USCC_A.lower()} ; ; {USCC_B} ;",
        [USCC_A, USCC_B],
    ],
)
def test_chain_leaders_split_on_semicolons_and_commas(raw: Any) -> None:
    assert Chain.model_validate(chain(leaders=raw)).leaders == [USCC_A, USCC_B]


@pytest.mark.parametrize("raw", ["", " ; ", "；,", []])
def test_chain_without_leaders_is_rejected(raw: Any) -> None:
    assert error_locs(Chain, chain(leaders=raw)) == [("leaders",)]


def test_chain_region_is_optional_and_checked() -> None:
    assert Chain.model_validate(chain()).region_code is None
    assert Chain.model_validate(chain(region_code="320500")).region_code == "320500"
    assert error_locs(Chain, chain(region_code="990000")) == [("region_code",)]


# --------------------------------------------------------------------------------------------------
# Segment
# --------------------------------------------------------------------------------------------------


def segment(**changes: Any) -> Row:
    row: Row = {"chain_id": "NEV", "segment_id": "cells", "name": "动力电池", "stage": "中游"}
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上游", Stage.UPSTREAM),
        ("中游", Stage.MIDSTREAM),
        ("下游", Stage.DOWNSTREAM),
        ("upstream", Stage.UPSTREAM),
        ("Midstream", Stage.MIDSTREAM),
        (" DOWNSTREAM ", Stage.DOWNSTREAM),
    ],
)
def test_segment_stage_words(raw: str, expected: Stage) -> None:
    assert Segment.model_validate(segment(stage=raw)).stage is expected


@pytest.mark.parametrize("raw", ["sideways", "上", "中下游", ""])
def test_unknown_stage_is_rejected(raw: str) -> None:
    assert error_locs(Segment, segment(stage=raw)) == [("stage",)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("assembly", ["assembly"]),
        ("assembly；sales", ["assembly", "sales"]),
        (" assembly , sales ; assembly", ["assembly", "sales"]),
        ("", []),
        (["parts"], ["parts"]),
    ],
)
def test_segment_feeds(raw: Any, expected: list[str]) -> None:
    assert Segment.model_validate(segment(feeds=raw)).feeds == expected


def test_segment_feeds_default_to_none() -> None:
    assert Segment.model_validate(segment()).feeds == []


@pytest.mark.parametrize("raw", ["cells", "assembly;cells", " cells ", ["assembly", "cells"]])
def test_segment_feeding_itself_is_rejected(raw: Any) -> None:
    assert error_locs(Segment, segment(feeds=raw)) == [("feeds",)]


# --------------------------------------------------------------------------------------------------
# SupplyLink
# --------------------------------------------------------------------------------------------------


def link(**changes: Any) -> Row:
    row: Row = {"supplier_uscc": USCC_A, "customer_uscc": USCC_B, "product": "动力电池"}
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1.0),
        ("1", 1.0),
        (1.0, 1.0),
        ("0.6", 0.6),
        ("0.0000001", 1e-7),
        (None, None),
        ("60%", 0.6),
        ("40 %", 0.4),
        ("１００％", 1.0),
    ],
)
def test_share_in_zero_exclusive_to_one_inclusive(raw: Any, expected: float | None) -> None:
    assert SupplyLink.model_validate(link(share=raw)).share == expected


@pytest.mark.parametrize("raw", [0, "0", 0.0, 1.0000001, "1.0000001", -0.5, "160%", "0%", "六成"])
def test_share_outside_the_range_is_rejected(raw: Any) -> None:
    assert error_locs(SupplyLink, link(share=raw)) == [("share",)]


@pytest.mark.parametrize(
    "customer", [USCC_A, USCC_A.lower(), f"  {USCC_A} ", f" {USCC_A.lower()}\t"]
)
def test_firm_supplying_itself_is_rejected(customer: str) -> None:
    assert error_locs(SupplyLink, link(customer_uscc=customer)) == [("customer_uscc",)]


def test_self_supply_is_found_whichever_side_is_dressed_up() -> None:
    row = link(supplier_uscc=f" {USCC_A.lower()} ", customer_uscc=USCC_A)
    assert error_locs(SupplyLink, row) == [("customer_uscc",)]


def test_supply_link_references_are_normalized() -> None:
    supply = SupplyLink.model_validate(link(supplier_uscc=f" {USCC_A.lower()} "))
    assert supply.supplier_uscc == USCC_A


def test_product_is_optional() -> None:
    row = link()
    del row["product"]
    assert SupplyLink.model_validate(row).product is None


@pytest.mark.parametrize("raw", ["", "   "])
def test_blank_product_is_none(raw: str) -> None:
    assert SupplyLink.model_validate(link(product=raw)).product is None


@pytest.mark.parametrize("raw", ["-1", "n/a"])
def test_bad_annual_value_is_rejected(raw: str) -> None:
    assert error_locs(SupplyLink, link(annual_value=raw)) == [("annual_value",)]


# --------------------------------------------------------------------------------------------------
# Certificate
# --------------------------------------------------------------------------------------------------


def certificate(**changes: Any) -> Row:
    row: Row = {
        "cert_no": "00124Q10001R0M",
        "uscc": USCC_A,
        "standard": "GB/T 19001-2016",
        "body": "中国质量认证中心",
        "status": "有效",
        "issued_on": "2024-01-05",
        "expires_on": "2027-01-04",
    }
    row.update(changes)
    return row


JAN_5 = date(2024, 1, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-05",
        "2024-1-5",
        "2024/1/5",
        "2024/01/05",
        "2024.1.5",
        "20240105",
        "2024年1月5日",
        "2024年01月05日",
        " 2024-01-05 ",
        "2024-01-05 00:00:00",
        "2024-01-05T08:30:00",
        # Excel serial: day 1 is 1900-01-01 and Excel counts a 1900-02-29 that never was, so the
        # epoch is 1899-12-30; 2024-01-01 is 45292, hence 2024-01-05 is 45296.
        45296,
        45296.0,
        45296.5,  # noon on that day
        datetime(2024, 1, 5, 13, 30),
        JAN_5,
    ],
)
def test_certificate_dates_as_spreadsheets_write_them(raw: Any) -> None:
    issued_on = Certificate.model_validate(certificate(issued_on=raw)).issued_on
    assert issued_on == JAN_5
    assert type(issued_on) is date


def test_excel_serial_number_as_the_readers_deliver_it() -> None:
    assert Certificate.model_validate(certificate(issued_on="45296")).issued_on == JAN_5


@pytest.mark.parametrize("raw", ["2024-13-01", "2024-02-30", "05/01/2024", "next monday", ""])
def test_bad_dates_are_rejected_in_their_column(raw: str) -> None:
    assert error_locs(Certificate, certificate(issued_on=raw)) == [("issued_on",)]


def test_expiry_before_issue_is_rejected_naming_both_dates() -> None:
    row = certificate(issued_on="2024/1/5", expires_on="20240104")
    assert error_locs(Certificate, row) == [("expires_on",)]
    (message,) = error_messages(Certificate, row)
    assert "2024-01-04" in message
    assert "2024-01-05" in message


def test_expiry_on_the_issue_day_is_allowed() -> None:
    same_day = Certificate.model_validate(certificate(expires_on="2024-01-05"))
    assert same_day.expires_on == same_day.issued_on == JAN_5
    assert same_day.in_force(JAN_5)  # its one day in force: expires_on is the last day
    assert not same_day.in_force(JAN_5 + timedelta(days=1))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("有效", CertStatus.VALID),
        ("暂停", CertStatus.SUSPENDED),
        ("撤销", CertStatus.WITHDRAWN),
        ("注销", CertStatus.CANCELLED),
        ("失效", CertStatus.EXPIRED),
        ("未知", CertStatus.UNKNOWN),
        ("Expired", CertStatus.EXPIRED),
        (CertStatus.WITHDRAWN, CertStatus.WITHDRAWN),
        (CertStatus.CANCELLED, CertStatus.CANCELLED),
    ],
)
def test_certificate_status(raw: Any, expected: CertStatus) -> None:
    assert Certificate.model_validate(certificate(status=raw)).status is expected


def test_unknown_status_is_rejected_in_its_column() -> None:
    assert error_locs(Certificate, certificate(status="暂停中")) == [("status",)]


@pytest.mark.parametrize(
    ("on", "status", "expected"),
    [
        (date(2024, 1, 5), "有效", True),  # issued that day
        (date(2024, 1, 4), "有效", False),  # the day before issue
        (date(2027, 1, 3), "有效", True),  # the day before expiry
        (date(2027, 1, 4), "有效", True),  # the expiry day: the last day in force
        (date(2027, 1, 5), "有效", False),  # the day after expiry
        (date(2025, 6, 1), "暂停", False),
        (date(2025, 6, 1), "撤销", False),
        (date(2025, 6, 1), "注销", False),
        (date(2025, 6, 1), "过期", False),
        (date(2025, 6, 1), "unknown", False),
    ],
)
def test_certificate_in_force(on: date, status: str, expected: bool) -> None:
    assert Certificate.model_validate(certificate(status=status)).in_force(on) is expected


@pytest.mark.parametrize(
    ("days", "on", "status", "expected"),
    [
        (30, date(2026, 12, 5), "有效", True),  # expiry 2027-01-04 is exactly 30 days away
        (30, date(2026, 12, 4), "有效", False),  # 31 days away
        (30, date(2027, 1, 3), "有效", True),  # 1 day away
        (30, date(2027, 1, 4), "有效", True),  # expires today: its last day in force
        (0, date(2027, 1, 4), "有效", True),
        (30, date(2027, 1, 5), "有效", False),  # expired yesterday
        (30, date(2027, 2, 1), "有效", False),  # already expired
        (30, date(2026, 12, 20), "暂停", False),  # not in force, so not "expiring"
    ],
)
def test_certificate_expiring_within(days: int, on: date, status: str, expected: bool) -> None:
    cert = Certificate.model_validate(certificate(status=status))
    assert cert.expiring_within(days, on) is expected


# A validity of at most 3 years: issued 2024-03-01, the latest expiry accepted is 2027-03-01 (the
# anniversary; a three-year certificate usually ends the day before, 2027-02-28).
@pytest.mark.parametrize(
    ("issued_on", "expires_on", "accepted"),
    [
        ("2024-03-01", "2027-02-28", True),
        ("2024-03-01", "2027-03-01", True),
        ("2024-03-01", "2027-03-02", False),
        ("2024-03-01", "2030-03-01", False),
        ("2024-02-29", "2027-02-28", True),  # a leap day: the anniversary is 28 February
        ("2024-02-29", "2027-03-01", False),
    ],
)
def test_certificate_validity_of_more_than_three_years_is_an_error(
    issued_on: str, expires_on: str, accepted: bool
) -> None:
    row = certificate(issued_on=issued_on, expires_on=expires_on)
    if accepted:
        assert Certificate.model_validate(row).expires_on == date.fromisoformat(expires_on)
        return
    with pytest.raises(ValidationError) as caught:
        Certificate.model_validate(row)
    (error,) = caught.value.errors()
    assert error["loc"] == ("expires_on",)
    violation = error["ctx"]["error"]
    assert isinstance(violation, RuleViolation) and violation.code == "certificate_validity"
    assert expires_on in str(violation) and "3 years" in str(violation)
    assert expires_on in violation.zh and "3 年" in violation.zh


@pytest.mark.parametrize("column", ["last_audit_on", "status_since"])
def test_certificate_dates_before_issue_are_errors(column: str) -> None:
    assert error_locs(Certificate, certificate(**{column: "2024-01-04"})) == [(column,)]
    cert = Certificate.model_validate(certificate(**{column: "2024/1/5"}))
    assert getattr(cert, column) == JAN_5


def test_certificate_status_since_is_judged_as_of_the_day() -> None:
    # withdrawn (撤销) on 2025-06-01: in force on 2025-05-31, not from 2025-06-01
    cert = Certificate.model_validate(certificate(status="撤销", status_since="2025-06-01"))
    assert cert.in_force(date(2025, 5, 31))
    assert not cert.in_force(date(2025, 6, 1))
    assert not Certificate.model_validate(certificate(status="撤销")).in_force(date(2025, 5, 31))


def test_certificate_surveillance_overdue() -> None:
    never = Certificate.model_validate(certificate())  # issued 2024-01-05, no audit recorded
    assert not never.surveillance_overdue(date(2025, 1, 5))
    assert never.surveillance_overdue(date(2025, 1, 6))
    audited = Certificate.model_validate(certificate(last_audit_on="2024-12-20"))
    assert not audited.surveillance_overdue(date(2025, 12, 20))
    assert audited.surveillance_overdue(date(2025, 12, 21))


@pytest.mark.parametrize(
    ("standard", "version", "expected"),
    [
        ("GB/T 19001-2016", None, ("GB/T 19001", "2016")),
        ("ISO 9001:2015", None, ("ISO 9001", "2015")),
        ("GB/T19001-2016", "", ("GB/T 19001", "2016")),
        ("GB/T 19001", None, ("GB/T 19001", None)),
        ("GB/T 19001", "2016", ("GB/T 19001", "2016")),
    ],
)
def test_standard_and_version_are_kept_apart(
    standard: str, version: str | None, expected: tuple[str, str | None]
) -> None:
    cert = Certificate.model_validate(certificate(standard=standard, standard_version=version))
    assert (cert.standard, cert.standard_version) == expected


def test_standard_with_year_and_a_version_column_keeps_code_and_version_apart() -> None:
    cert = Certificate.model_validate(
        certificate(standard="GB/T 19001-2016", standard_version="2016")
    )
    assert (cert.standard, cert.standard_version) == ("GB/T 19001", "2016")


@pytest.mark.parametrize("raw", ["", "   "])
def test_blank_standard_is_rejected_in_its_column(raw: str) -> None:
    assert error_locs(Certificate, certificate(standard=raw)) == [("standard",)]


def test_blank_standard_is_rejected() -> None:
    # the part of the behaviour that holds today: it is an error, whatever its loc
    with pytest.raises(ValidationError):
        Certificate.model_validate(certificate(standard="   "))


def test_certificate_reference_is_normalized() -> None:
    cert = Certificate.model_validate(certificate(uscc=f" {USCC_A.lower()} "))
    assert cert.uscc == USCC_A
