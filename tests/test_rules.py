"""Registry rules at their boundaries: USCC, GB/T 2260 regions, GB/T 4754 industries, size classes
(工信部联企业〔2011〕300号) and QMS certificates.

Every expected value here is worked out by hand from ``docs/domain.md``, not read back from the code.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainmap.enums import CertStatus, SizeClass
from chainmap.errors import RuleViolation
from chainmap.rules import (
    FLAG_BAD_CHECKSUM,
    NOT_COVERED,
    audit_due,
    check_validity,
    classify_size,
    expires_within,
    in_force,
    is_valid_uscc,
    latest_expiry,
    org_code_check_character,
    parse_standard,
    parse_status,
    section_of_division,
    size_category,
    size_coverage,
    status_on,
    surveillance_overdue,
    uscc_check_character,
    validate_industry_code,
    validate_region_code,
    validate_region_prefix,
    validate_uscc,
)
from chainmap.rules.size import SIZE_TABLE, SizeRow
from chainmap.rules.uscc import REGISTRARS, normalize_uscc, passes_checks

# --------------------------------------------------------------------------------------------------
# USCC (GB 32100-2015)
# --------------------------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # domain.md: 31 symbols, no I, O, S, V, Z

# The eight codes domain.md lists as passing both checks.
VALID_USCCS = [
    "91110000600037341L",
    "121200004013590816",
    "91310115MA1K3BTP2B",
    "9144030071526726XG",
    "91340600MA2PBM9HXD",
    "92340602MA2PBMEM24",
    "91620105L015101280",
    "53640000MJX173680A",
]

KNOWN_BAD = "91350203M0001QAY9B"


def _reference_check(first17: str) -> str:
    """The final check character straight from domain.md's formula and its literal weight list."""
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", VALID_USCCS)
def test_domain_codes_pass_both_checks(code: str) -> None:
    result = validate_uscc(code)
    assert result.code == code
    assert result.flags == ()
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", VALID_USCCS)
def test_domain_codes_agree_with_the_formula_written_out(code: str) -> None:
    assert uscc_check_character(code[:17]) == _reference_check(code[:17]) == code[17]


def test_known_bad_code_is_rejected_naming_the_expected_check_character() -> None:
    # first 17 = 9 1 3 5 0 2 0 3 M 0 0 0 1 Q A Y 9, values 9 1 3 5 0 2 0 3 21 0 0 0 1 24 10 30 9
    # products with W: 9+3+27+135+0+52+0+51+420+0+0+0+8+576+100+900+252 = 2533
    # 2533 mod 31 = 22 (31*81 = 2511); (31 - 22) mod 31 = 9 -> '9', but the code ends in 'B'.
    # Its organization code M0001QAY9 is fine: 22*3+0+0+0+1*5+26*8+10*4+34*2 = 387, 387 mod 11 = 2,
    # 11 - 2 = 9 -> '9'.
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(KNOWN_BAD)
    assert caught.value.code == "uscc_check_character"
    message = str(caught.value)
    assert "'9'" in message
    assert "organization code" not in message  # only the final check fails
    assert not is_valid_uscc(KNOWN_BAD)


def test_known_bad_code_is_accepted_flagged_on_request() -> None:
    result = validate_uscc(KNOWN_BAD, accept_bad_checksum=True)
    assert result.code == KNOWN_BAD
    assert result.flags == (FLAG_BAD_CHECKSUM,)


def test_accepting_bad_checksums_does_not_flag_good_codes() -> None:
    assert validate_uscc(VALID_USCCS[0], accept_bad_checksum=True).flags == ()


@pytest.mark.parametrize("raw", ["91110000600037341", "91110000600037341LL"])
def test_wrong_length_is_rejected(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(raw)
    assert caught.value.code == "uscc_length"
    assert str(len(raw)) in str(caught.value)


def test_wrong_length_is_rejected_even_when_accepting_bad_checksums() -> None:
    with pytest.raises(RuleViolation):
        validate_uscc("91110000600037341", accept_bad_checksum=True)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "i", "o"])
def test_forbidden_letters_are_rejected_naming_the_character(letter: str) -> None:
    code = "91110000" + letter + "00037341L"
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(code, accept_bad_checksum=True)
    assert caught.value.code == "uscc_alphabet"
    # named on its own, quoted, not merely as part of the quoted code
    assert f"'{letter.upper()}'" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "91110000600037341l",
        " 91110000600037341L ",
        "\t91310115ma1k3btp2b\n",
        "  9144030071526726xg",
    ],
)
def test_lower_case_and_surrounding_space_are_normalized(raw: str) -> None:
    assert validate_uscc(raw).code == raw.strip().upper()
    assert is_valid_uscc(raw)


# Take 91110000600037341L and change org-code character 9 from '6' to '7' but keep its check '1'.
# Org check of 70003734: 7*3+0*7+0*9+0*10+3*5+7*8+3*4+4*2 = 21+15+56+12+8 = 112, 112 mod 11 = 2,
# 11 - 2 = 9 -> '9', so the embedded check '1' is now wrong.
# Final check of 91110000700037341: 538 (the sum for ...600037341, below) + 20 = 558 = 31*18,
# so (31 - 0) mod 31 = 0 -> '0'.
ORG_CHECK_BROKEN = "911100007000373410"


def test_hand_built_org_code_failure_has_a_correct_final_check() -> None:
    assert uscc_check_character(ORG_CHECK_BROKEN[:17]) == "0"
    assert org_code_check_character(ORG_CHECK_BROKEN[8:16]) == "9"


def test_embedded_org_code_check_failure_is_rejected() -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(ORG_CHECK_BROKEN)
    assert caught.value.code == "uscc_check_character"
    message = str(caught.value)
    assert "organization code" in message
    assert "'9'" in message  # the expected embedded check character
    assert not is_valid_uscc(ORG_CHECK_BROKEN)
    assert validate_uscc(ORG_CHECK_BROKEN, accept_bad_checksum=True).flags == (FLAG_BAD_CHECKSUM,)


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        # values 9 1 1 1 0 0 0 0 6 0 0 0 3 7 3 4 1 with W 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
        # 9+3+9+27+0+0+0+0+120+0+0+0+24+168+30+120+28 = 538; 538 mod 31 = 11; 31 - 11 = 20 -> 'L'
        ("91110000600037341", "L"),
        # values 9 1 3 1 0 1 1 5 21(M) 10(A) 1 19(K) 3 11(B) 26(T) 23(P) 2
        # 9+3+27+27+0+26+16+85+420+290+25+247+24+264+260+690+56 = 2469; 2469 mod 31 = 20;
        # 31 - 20 = 11 -> 'B'
        ("91310115MA1K3BTP2", "B"),
        # values 5 3 6 4 0 0 0 0 21(M) 18(J) 29(X) 1 7 3 6 8 0
        # 5+9+54+108+0+0+0+0+420+522+725+13+56+72+60+240+0 = 2284; 2284 mod 31 = 21;
        # 31 - 21 = 10 -> 'A'
        ("53640000MJX173680", "A"),
        # all zeros: sum 0, (31 - 0) mod 31 = 0 -> '0' (the outer mod 31 matters)
        ("00000000000000000", "0"),
        # only the first character non-zero: 1*1 = 1; 31 - 1 = 30 -> 'Y', the last symbol
        ("10000000000000000", "Y"),
    ],
)
def test_uscc_check_character_by_hand(first17: str, expected: str) -> None:
    assert uscc_check_character(first17) == expected


@pytest.mark.parametrize(
    ("body8", "expected"),
    [
        # 6*3+0*7+0*9+0*10+3*5+7*8+3*4+4*2 = 18+15+56+12+8 = 109; 109 mod 11 = 10; 11-10 = 1 -> '1'
        ("60003734", "1"),
        # M=22 A=10 K=20 B=11 T=29 P=25: 66+70+9+200+15+88+116+50 = 614; 614 mod 11 = 9; 11-9 = 2
        ("MA1K3BTP", "2"),
        # 21+7+45+20+30+56+8+12 = 199; 199 mod 11 = 1; 11-1 = 10 -> 'X'
        ("71526726", "X"),
        # M=22 J=19 X=33: 66+133+297+10+35+24+24+16 = 605 = 11*55; 11-0 = 11 -> '0'
        ("MJX17368", "0"),
    ],
)
def test_org_code_check_character_by_hand(body8: str, expected: str) -> None:
    assert org_code_check_character(body8) == expected


def _with_checks(body16: str) -> str:
    first17 = body16 + org_code_check_character(body16[8:16])
    return first17 + uscc_check_character(first17)


# GB 32100-2015: registering authority (position 1) -> its entity categories (position 2).
CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他: no categories of its own, always 1
}
PREFIXES = sorted(a + c for a, cs in CATEGORIES.items() for c in cs)
_bodies = st.builds(
    lambda prefix, region, rest: prefix + region + rest,
    st.sampled_from(PREFIXES),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=8, max_size=8),
)


def test_the_registrar_table_is_the_standard_s() -> None:
    assert {a: "".join(sorted(cs)) for a, (_, cs) in REGISTRARS.items()} == CATEGORIES
    assert REGISTRARS["9"][1]["2"][0] == "个体工商户"
    assert REGISTRARS["1"][1]["3"][0] == "中央编办直接管理机构编制的群众团体"
    assert REGISTRARS["5"][1]["3"][0] == "基金会"


@settings(max_examples=200, deadline=None)
@given(body=_bodies)
def test_any_body_with_both_checks_is_valid(body: str) -> None:
    code = _with_checks(body)
    assert uscc_check_character(code[:17]) == _reference_check(code[:17])
    assert is_valid_uscc(code)
    assert is_valid_uscc(code.lower())


@settings(max_examples=300, deadline=None)
@given(body=_bodies, data=st.data())
def test_every_single_substitution_is_detected(body: str, data: st.DataObject) -> None:
    # A substitution shifts the weighted sum by (v' - v) * W_i; 31 is prime and every W_i = 3^(i-1)
    # is non-zero mod 31, so the shift is never 0 mod 31 and the final check always catches it.
    code = _with_checks(body)
    position = data.draw(st.integers(min_value=0, max_value=17), label="position")
    other = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != code[position]))
    changed = code[:position] + other + code[position + 1 :]
    assert not is_valid_uscc(changed)
    if changed[:2] in PREFIXES and changed[2:8].isdigit():
        assert validate_uscc(changed, accept_bad_checksum=True).flags == (FLAG_BAD_CHECKSUM,)
    else:  # no longer a USCC's shape: refused whatever the checksum option
        with pytest.raises(RuleViolation) as caught:
            validate_uscc(changed, accept_bad_checksum=True)
        assert caught.value.code in {"uscc_registrar", "uscc_category", "uscc_region"}


# Positions 1, 2 and 3-8: the shape GB 32100-2015 gives a code, checked before the check characters.
def _valid_with(prefix: str, region: str = "320583") -> str:
    return _with_checks(prefix + region + "MA1K3BTP")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_authority_and_category_of_the_standard_is_accepted(prefix: str) -> None:
    code = _valid_with(prefix)
    assert passes_checks(code) and validate_uscc(code).code == code


@pytest.mark.parametrize(
    ("prefix", "rule", "words", "zh"),
    [
        ("B1", "uscc_registrar", "starts with 'B'", "第 1 位“B”"),
        ("01", "uscc_registrar", "starts with '0'", "第 1 位“0”"),
        (
            "X1",
            "uscc_registrar",
            "no registering authority",
            "不是 GB 32100-2015 规定的登记管理部门",
        ),
        ("94", "uscc_category", "entity category '4'", "第 2 位机构类别代码“4”"),
        ("99", "uscc_category", "3 farmers' cooperative", "3 农民专业合作社"),
        ("14", "uscc_category", "1 government organ, 2 public institution", "1 机关"),
        ("54", "uscc_category", "authority 5 (civil affairs)", "5（民政）"),
        ("Y2", "uscc_category", "1 other", "1 其他"),
        ("NA", "uscc_category", "entity category 'A'", "第 2 位机构类别代码“A”"),
    ],
)
def test_authority_and_category_outside_the_standard_are_refused(
    prefix: str, rule: str, words: str, zh: str
) -> None:
    code = _valid_with(prefix)  # the check characters are right: only the shape is wrong
    assert not passes_checks(code)
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(code, accept_bad_checksum=True)
    assert caught.value.code == rule
    assert words in str(caught.value) and code in str(caught.value)
    assert zh in caught.value.zh and code in caught.value.zh
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("region", ["32058A", "M20583", "3205B3", "A00000"])
def test_positions_3_to_8_must_be_digits(region: str) -> None:
    code = _valid_with("91", region)
    with pytest.raises(RuleViolation) as caught:
        validate_uscc(code, accept_bad_checksum=True)
    assert caught.value.code == "uscc_region"
    assert "positions 3-8" in str(caught.value) and "第 3-8 位" in caught.value.zh
    assert not passes_checks(code)


@pytest.mark.parametrize(
    "typed",
    [
        "9131 0115-MA1K3BTP2B",
        "9131-0115-MA1K3-BTP2B",
        " 913101 15MA1K 3BTP2B ",
        "９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ",  # full-width
        "9131\u30000115MA1K3BTP2B",  # an ideographic space
        "9131－0115—MA1K3BTP2B",  # full-width hyphen, em dash
        "9131–0115‐ma1k3btp2b",  # en dash, hyphen, lower case
        "91310115ＭＡ1Ｋ3ＢＴＰ2Ｂ",
    ],
)
def test_codes_as_people_type_them_are_normalized(typed: str) -> None:
    assert normalize_uscc(typed) == "91310115MA1K3BTP2B"
    assert validate_uscc(typed).code == "91310115MA1K3BTP2B"
    assert is_valid_uscc(typed)


def test_the_length_is_counted_without_spaces_and_hyphens() -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_uscc("9131 0115-MA1K3BTP2")
    assert caught.value.code == "uscc_length"
    assert "'9131 0115-MA1K3BTP2' has 17 characters" in str(caught.value)
    assert "“9131 0115-MA1K3BTP2”有 17 位" in caught.value.zh


def test_every_uscc_message_is_in_english_and_chinese() -> None:
    for raw in ["9111000060003734", "91110000O00037341L", "B1110000600037341L", KNOWN_BAD]:
        with pytest.raises(RuleViolation) as caught:
            validate_uscc(raw)
        assert caught.value.zh != str(caught.value)
        assert "统一社会信用代码" in caught.value.zh
        assert "USCC" in str(caught.value)
    assert "营业执照" in caught.value.zh and "--accept-bad-checksum" in caught.value.zh


@settings(max_examples=500, deadline=None)
@given(body=_bodies, data=st.data())
def test_the_fast_path_agrees_with_the_full_check(body: str, data: st.DataObject) -> None:
    code = _with_checks(body)
    position = data.draw(st.integers(min_value=-1, max_value=17), label="position")
    if position >= 0:  # one character replaced by any symbol, in the alphabet or not
        other = data.draw(st.sampled_from(ALPHABET + "IOSVZ"), label="other")
        code = code[:position] + other + code[position + 1 :]
    assert passes_checks(code) == is_valid_uscc(code)


# --------------------------------------------------------------------------------------------------
# GB/T 2260 region codes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["110000", "110105", "320500", "320583", "330782", "340600", "440300", "441900", "429004"],
)
def test_domain_region_codes_are_accepted(code: str) -> None:
    assert validate_region_code(code) == code
    assert validate_region_code(f" {code} ") == code


@pytest.mark.parametrize("code", ["990000", "000000", "100000", "200000", "300000", "660000"])
def test_region_without_a_province_is_rejected(code: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_region_code(code)
    assert caught.value.code == "region_province"
    assert code[:2] in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "11010",  # 5 digits
        "1101050",  # 7 digits
        "１１０１０５",  # full-width digits
        "11010A",
        "110 105",
        "",
        "-11010",
    ],
)
def test_region_code_must_be_six_ascii_digits(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_region_code(raw)
    assert caught.value.code == "region_format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("320000", "32"),
        ("320500", "3205"),
        ("320583", "320583"),
        ("3200", "32"),
        ("3205", "3205"),
        ("32", "32"),
        ("110000", "11"),
        ("429004", "429004"),
        (" 320500 ", "3205"),
    ],
)
def test_region_prefix_trims_zero_pairs(raw: str, expected: str) -> None:
    assert validate_region_prefix(raw) == expected


@pytest.mark.parametrize("raw", ["320", "32058", "3", "3205830", "３２", "3a"])
def test_region_prefix_must_have_two_four_or_six_digits(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_region_prefix(raw)
    assert caught.value.code == "region_prefix"


@pytest.mark.parametrize("raw", ["99", "990000", "00", "1000"])
def test_region_prefix_needs_a_province(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_region_prefix(raw)
    assert caught.value.code == "region_province"


# --------------------------------------------------------------------------------------------------
# GB/T 4754-2017 industry codes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C3670", "C3670"),
        ("3670", "C3670"),
        ("c3670", "C3670"),
        (" 3670 ", "C3670"),
        ("C367", "C367"),
        ("367", "C367"),
        ("36", "C36"),
        ("01", "A01"),
        ("97", "T97"),
        ("F5261", "F5261"),
    ],
)
def test_industry_code_is_normalized_to_letter_and_digits(raw: str, expected: str) -> None:
    assert validate_industry_code(raw) == expected


# domain.md: first and last division of each of the 20 sections
SECTION_BOUNDS = [
    ("A", 1, 5),
    ("B", 6, 12),
    ("C", 13, 43),
    ("D", 44, 46),
    ("E", 47, 50),
    ("F", 51, 52),
    ("G", 53, 60),
    ("H", 61, 62),
    ("I", 63, 65),
    ("J", 66, 69),
    ("K", 70, 70),
    ("L", 71, 72),
    ("M", 73, 75),
    ("N", 76, 79),
    ("O", 80, 82),
    ("P", 83, 83),
    ("Q", 84, 85),
    ("R", 86, 90),
    ("S", 91, 96),
    ("T", 97, 97),
]
# the first class of each edge division, from the standard's table
FIRST_CLASS = {
    1: "0111",
    5: "0511",
    6: "0610",
    12: "1200",
    13: "1311",
    43: "4310",
    44: "4411",
    46: "4610",
    47: "4710",
    50: "5011",
    51: "5111",
    52: "5211",
    53: "5311",
    60: "6010",
    61: "6110",
    62: "6210",
    63: "6311",
    65: "6511",
    66: "6610",
    69: "6911",
    70: "7010",
    71: "7111",
    72: "7211",
    73: "7310",
    75: "7511",
    76: "7610",
    79: "7910",
    80: "8010",
    82: "8211",
    83: "8310",
    84: "8411",
    85: "8511",
    86: "8610",
    90: "9011",
    91: "9100",
    96: "9610",
    97: "9700",
}
SECTION_EDGES = [
    (letter, division) for letter, first, last in SECTION_BOUNDS for division in {first, last}
]


@pytest.mark.parametrize(("letter", "division"), SECTION_EDGES)
def test_each_section_edge_division_maps_to_its_letter(letter: str, division: int) -> None:
    digits = f"{division:02d}"
    assert section_of_division(division) == letter
    assert validate_industry_code(digits) == letter + digits
    # the first class of the division in GB/T 4754-2017 (A0111 ... T9700)
    first_class = FIRST_CLASS[division]
    assert validate_industry_code(letter + first_class) == letter + first_class


def test_sections_cover_divisions_01_to_97_without_gaps() -> None:
    covered = [d for _, first, last in SECTION_BOUNDS for d in range(first, last + 1)]
    assert covered == list(range(1, 98))
    assert len(SECTION_BOUNDS) == 20


@pytest.mark.parametrize(
    ("wrong", "division", "right"),
    # the neighbouring section's letter on each boundary division
    [
        (SECTION_BOUNDS[i - 1][0], first, letter)
        for i, (letter, first, _) in enumerate(SECTION_BOUNDS)
    ]
    + [("A", 36, "C")],
)
def test_contradicting_letter_is_rejected_naming_the_right_section(
    wrong: str, division: int, right: str
) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_industry_code(f"{wrong}{division:02d}")
    assert caught.value.code == "industry_section"
    assert f"section {right}" in str(caught.value)


@pytest.mark.parametrize("raw", ["00", "0010", "A00", "98", "9800", "99", "T98"])
def test_divisions_outside_01_to_97_are_rejected(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_industry_code(raw)
    assert caught.value.code == "industry_division"


@pytest.mark.parametrize(
    "raw", ["3", "C3", "36701", "C36701", "", "C", "C36A0", "３６７０", "CC36", "36-70"]
)
def test_industry_code_needs_two_to_four_digits(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        validate_industry_code(raw)
    assert caught.value.code == "industry_format"


# --------------------------------------------------------------------------------------------------
# Size classes (工信部联企业〔2011〕300号), thresholds copied from the table in domain.md
# --------------------------------------------------------------------------------------------------

MICRO, SMALL, MEDIUM, LARGE = SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE
N = None

SizeCase = tuple[str, float | None, float | None, float | None, SizeClass | None]

SIZE_CASES: list[SizeCase] = [
    # (industry code, E, R, A, expected)
    # industry B/C/D: medium E>=300 & R>=2000; small E>=20 & R>=300; SME while E<1000 or R<40000
    ("C3670", 19, 5000, N, MICRO),
    ("C3670", 20, 300, N, SMALL),
    ("C3670", 20, 299, N, MICRO),
    ("C3670", 20, 299.99, N, MICRO),
    ("C3670", 5, 100000, N, MICRO),  # micro needs only one value below
    ("C3670", 299, 2000, N, SMALL),
    ("C3670", 300, 1999, N, SMALL),
    ("C3670", 300, 2000, N, MEDIUM),
    ("C3670", 999, 100000, N, MEDIUM),
    ("C3670", 1000, 39999, N, MEDIUM),
    ("C3670", 1000, 40000, N, LARGE),
    ("B0610", 1000, 40000, N, LARGE),
    ("B1200", 19, 40000, N, MICRO),
    ("D4411", 300, 2000, N, MEDIUM),
    ("D4600", 20, 299, N, MICRO),
    # agriculture A: revenue only; medium R>=500, small R>=50, SME while R<20000
    ("A0111", 5000, 49, N, MICRO),
    ("A0111", 1, 50, N, SMALL),
    ("A0500", N, 499, N, SMALL),
    ("A0500", N, 500, N, MEDIUM),
    ("A0111", N, 19999, N, MEDIUM),
    ("A0111", 1, 20000, N, LARGE),
    # construction E: medium R>=6000 & A>=5000; small R>=300 & A>=300; SME while R<80000 or A<80000
    ("E4710", 5000, 299, 300, MICRO),
    ("E4710", N, 300, 299, MICRO),
    ("E4710", N, 300, 300, SMALL),
    ("E5000", N, 5999, 5000, SMALL),
    ("E5000", N, 6000, 4999, SMALL),
    ("E4710", N, 6000, 5000, MEDIUM),
    ("E4710", N, 79999, 80000, MEDIUM),
    ("E4710", N, 80000, 79999, MEDIUM),
    ("E4710", 1, 80000, 80000, LARGE),
    # wholesale F51: medium E>=20 & R>=5000; small E>=5 & R>=1000; SME while E<200 or R<40000
    ("F5110", 4, 1000, N, MICRO),
    ("F5110", 5, 999, N, MICRO),
    ("F5110", 5, 1000, N, SMALL),
    ("F5110", 19, 5000, N, SMALL),
    ("F5110", 20, 4999, N, SMALL),
    ("F5110", 20, 5000, N, MEDIUM),
    ("F5110", 199, 40000, N, MEDIUM),
    ("F5110", 200, 39999, N, MEDIUM),
    ("F5110", 200, 40000, N, LARGE),
    # retail F52: medium E>=50 & R>=500; small E>=10 & R>=100; SME while E<300 or R<20000
    ("F5210", 9, 100, N, MICRO),
    ("F5210", 10, 99, N, MICRO),
    ("F5210", 10, 100, N, SMALL),
    ("F5299", 49, 500, N, SMALL),
    ("F5299", 50, 499, N, SMALL),
    ("F5210", 50, 500, N, MEDIUM),
    ("F5210", 299, 20000, N, MEDIUM),
    ("F5210", 300, 19999, N, MEDIUM),
    ("F5210", 300, 20000, N, LARGE),
    ("F5110", 10, 100, N, MICRO),  # the same firm is micro as a wholesaler
    # transport G54-58 (railway G53 excluded) and 装卸搬运 G5910: medium E>=300 & R>=3000;
    # small E>=20 & R>=200; SME while E<1000 or R<30000
    ("G5411", 19, 200, N, MICRO),
    ("G5821", 20, 199, N, MICRO),
    ("G5411", 20, 200, N, SMALL),
    ("G5821", 20, 100, N, MICRO),
    ("G5435", 299, 3000, N, SMALL),
    ("G5521", 300, 2999, N, SMALL),
    ("G5611", 300, 3000, N, MEDIUM),
    ("G5821", 999, 30000, N, MEDIUM),
    ("G5631", 1000, 29999, N, MEDIUM),
    ("G5710", 1000, 30000, N, LARGE),
    ("G5910", 20, 100, N, MICRO),  # small for warehousing, micro for transport
    ("G5910", 20, 199, N, MICRO),
    ("G5910", 20, 200, N, SMALL),
    ("G5910", 299, 3000, N, SMALL),
    ("G5910", 300, 2999, N, SMALL),
    ("G5910", 300, 3000, N, MEDIUM),  # medium for transport, large for warehousing
    ("G5910", 999, 30000, N, MEDIUM),
    ("G5910", 1000, 29999, N, MEDIUM),
    ("G5910", 1000, 30000, N, LARGE),
    ("G591", 1000, 30000, N, LARGE),  # its group alone says as much
    # warehousing, the rest of G59: medium E>=100 & R>=1000; small E>=20 & R>=100;
    # SME while E<200 or R<30000
    ("G5920", 19, 100, N, MICRO),
    ("G5930", 20, 99, N, MICRO),
    ("G5941", 20, 100, N, SMALL),
    ("G5951", 99, 1000, N, SMALL),
    ("G5960", 100, 999, N, SMALL),
    ("G5990", 100, 1000, N, MEDIUM),
    ("G5920", 199, 30000, N, MEDIUM),
    ("G5920", 200, 29999, N, MEDIUM),
    ("G5920", 200, 30000, N, LARGE),
    ("G592", 200, 30000, N, LARGE),
    # postal G60: medium E>=300 & R>=2000; small E>=20 & R>=100; SME while E<1000 or R<30000
    ("G6010", 19, 100, N, MICRO),
    ("G6010", 20, 99, N, MICRO),
    ("G6010", 20, 100, N, SMALL),
    ("G6010", 299, 2000, N, SMALL),
    ("G6010", 300, 1999, N, SMALL),
    ("G6010", 300, 2000, N, MEDIUM),
    ("G6010", 999, 30000, N, MEDIUM),
    ("G6010", 1000, 29999, N, MEDIUM),
    ("G6010", 1000, 30000, N, LARGE),
    # hotels and catering H: medium E>=100 & R>=2000; small E>=10 & R>=100; SME while E<300 or R<10000
    ("H6110", 9, 100, N, MICRO),
    ("H6210", 10, 99, N, MICRO),
    ("H6110", 10, 100, N, SMALL),
    ("H6210", 99, 2000, N, SMALL),
    ("H6110", 100, 1999, N, SMALL),
    ("H6210", 100, 2000, N, MEDIUM),
    ("H6110", 299, 10000, N, MEDIUM),
    ("H6210", 300, 9999, N, MEDIUM),
    ("H6110", 300, 10000, N, LARGE),
    # telecoms I63-64: medium E>=100 & R>=1000; small E>=10 & R>=100; SME while E<2000 or R<100000
    ("I6310", 9, 100, N, MICRO),
    ("I6410", 10, 99, N, MICRO),
    ("I6410", 10, 50, N, MICRO),
    ("I6310", 10, 100, N, SMALL),
    ("I6410", 99, 1000, N, SMALL),
    ("I6310", 100, 999, N, SMALL),
    ("I6410", 100, 1000, N, MEDIUM),
    ("I6310", 1999, 100000, N, MEDIUM),
    ("I6410", 2000, 99999, N, MEDIUM),
    ("I6310", 2000, 100000, N, LARGE),
    # software I65: medium E>=100 & R>=1000; small E>=10 & R>=50; SME while E<300 or R<10000
    ("I6510", 9, 50, N, MICRO),
    ("I6510", 10, 49, N, MICRO),
    ("I6510", 10, 50, N, SMALL),
    ("I6510", 99, 1000, N, SMALL),
    ("I6510", 100, 999, N, SMALL),
    ("I6510", 100, 1000, N, MEDIUM),
    ("I6510", 299, 10000, N, MEDIUM),
    ("I6510", 300, 9999, N, MEDIUM),
    ("I6510", 300, 10000, N, LARGE),
    # leasing and business services L: E and assets; medium E>=100 & A>=8000; small E>=10 & A>=100;
    # SME while E<300 or A<120000; revenue plays no part
    ("L7110", 9, 1_000_000, 100, MICRO),
    ("L7210", 10, N, 99, MICRO),
    ("L7110", 10, N, 100, SMALL),
    ("L7210", 99, N, 8000, SMALL),
    ("L7110", 100, N, 7999, SMALL),
    ("L7210", 100, N, 8000, MEDIUM),
    ("L7110", 299, N, 120000, MEDIUM),
    ("L7210", 300, N, 119999, MEDIUM),
    ("L7110", 300, 1, 120000, LARGE),
    # real-estate development K7010: revenue and assets; medium R>=1000 & A>=5000;
    # small R>=100 & A>=2000; SME while R<200000 or A<10000; employees play no part
    ("K7010", 5000, 99, 2000, MICRO),
    ("K7010", N, 100, 1999, MICRO),
    ("K7010", N, 100, 2000, SMALL),
    ("K7010", N, 999, 5000, SMALL),
    ("K7010", N, 1000, 4999, SMALL),
    ("K7010", 1, 1000, 5000, MEDIUM),
    ("K7010", N, 199999, 10000, MEDIUM),
    ("K7010", N, 200000, 9999, MEDIUM),
    ("K7010", N, 200000, 10000, LARGE),
    ("K701", N, 200000, 10000, LARGE),
    # property management K7020: medium E>=300 & R>=1000; small E>=100 & R>=500;
    # SME while E<1000 or R<5000
    ("K7020", 99, 500, N, MICRO),
    ("K7020", 100, 499, N, MICRO),
    ("K7020", 100, 500, N, SMALL),
    ("K7020", 299, 1000, N, SMALL),
    ("K7020", 300, 999, N, SMALL),
    ("K7020", 300, 1000, N, MEDIUM),
    ("K7020", 999, 5000, N, MEDIUM),
    ("K7020", 1000, 4999, N, MEDIUM),
    ("K7020", 1000, 5000, N, LARGE),
    # other (e.g. M73, O80, R86, K7030 and K7090, which the standard names, and education P and
    # health Q84, which it does not): employees only; medium E>=100, small E>=10, SME while E<300
    ("M7310", 9, 1_000_000, N, MICRO),
    ("K7030", 10, N, N, SMALL),
    ("M7310", 99, N, N, SMALL),
    ("K7090", 100, N, N, MEDIUM),
    ("O8010", 299, N, N, MEDIUM),
    ("M7310", 300, 1, 1, LARGE),
    ("R8622", 300, N, N, LARGE),
    ("P8321", 9, N, N, MICRO),
    ("P8342", 100, N, N, MEDIUM),
    ("Q8413", 10, N, N, SMALL),
    ("Q8413", 300, N, N, LARGE),
    ("Q8514", 300, N, N, LARGE),
]


@pytest.mark.parametrize(("code", "employees", "revenue", "assets", "expected"), SIZE_CASES)
def test_size_class_thresholds(
    code: str,
    employees: float | None,
    revenue: float | None,
    assets: float | None,
    expected: SizeClass,
) -> None:
    assert classify_size(code, employees, revenue, assets) == expected


@pytest.mark.parametrize(
    ("code", "employees", "revenue", "assets", "expected"),
    [
        # one known value below a small threshold decides micro on its own
        ("C3670", N, 299, N, MICRO),
        ("C3670", 19, N, N, MICRO),
        ("E4710", N, N, 299, MICRO),
        ("E4710", N, 299, N, MICRO),
        ("L7110", N, N, 99, MICRO),
        ("L7110", 9, N, N, MICRO),
        ("F5210", 9, N, N, MICRO),
        # values that meet a threshold cannot decide while their partner is missing
        ("C3670", N, 5000, N, N),
        ("C3670", 20, N, N, N),
        ("C3670", 5000, N, N, N),
        ("C3670", N, N, N, N),
        ("E4710", N, 7000, N, N),
        ("E4710", 5000, 7000, N, N),  # employees do not count for construction
        ("L7110", 150, 5000, N, N),  # revenue does not count for leasing
        ("A0111", 5000, N, 5000, N),  # only revenue counts for agriculture
        ("M7310", N, 5000, 5000, N),  # only employees count for "other"
    ],
)
def test_missing_values_give_none_unless_one_value_decides_micro(
    code: str,
    employees: float | None,
    revenue: float | None,
    assets: float | None,
    expected: SizeClass | None,
) -> None:
    assert classify_size(code, employees, revenue, assets) == expected


# Industries outside the standard: no size whatever the figures, and the reason why.
@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("G5311", "railway"),  # 交通运输业（不含铁路运输业）
        ("G5320", "railway"),
        ("G5333", "railway"),
        ("G53", "railway"),
        ("J6610", "finance"),
        ("J6950", "finance"),
        ("J66", "finance"),
        ("S9110", "public administration"),
        ("S9621", "public administration"),
        ("T9700", "international organisations"),
        ("K7040", "自有房地产经营活动"),
        ("K704", "自有房地产经营活动"),
        ("G59", "G5910"),  # a division too coarse to pick a row: the class is asked for
        ("K70", "K7010"),
    ],
)
def test_industries_outside_the_standard_are_not_sized(code: str, reason: str) -> None:
    for figures in [(5, 10, 10), (5000, 10**6, 10**6), (50, 500, 500)]:
        assert classify_size(code, *figures) is None
    assert reason in (size_coverage(code) or "")
    assert size_coverage(code, "zh")  # a Chinese reason too
    assert size_category(code) in NOT_COVERED


@pytest.mark.parametrize(
    "code",
    ["C3670", "G5910", "G5920", "G5411", "K7010", "K7020", "K7030", "P8321", "Q8413", "L7211"],
)
def test_industries_the_standard_covers_have_no_coverage_reason(code: str) -> None:
    assert size_coverage(code) is None
    assert size_category(code) in SIZE_TABLE


def test_the_thirteen_rows_of_the_standard_are_kept() -> None:
    assert set(SIZE_TABLE) == {
        "agriculture", "industry", "construction", "wholesale", "retail", "transport",
        "warehousing", "postal", "hospitality", "telecoms", "software", "leasing", "other",
        "real_estate_development", "property_management",
    }  # fmt: skip
    assert SIZE_TABLE["other"] == SizeRow(
        "其他未列明行业", (("E", 100),), (("E", 10),), (("E", 300),)
    )


# --------------------------------------------------------------------------------------------------
# QMS certificates
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("有效", CertStatus.VALID),
        ("暂停", CertStatus.SUSPENDED),
        ("撤销", CertStatus.WITHDRAWN),
        ("注销", CertStatus.CANCELLED),
        ("过期", CertStatus.EXPIRED),
        ("失效", CertStatus.EXPIRED),
        ("未知", CertStatus.UNKNOWN),
        ("valid", CertStatus.VALID),
        ("suspended", CertStatus.SUSPENDED),
        ("revoked", CertStatus.WITHDRAWN),  # ISO/IEC 17021-1 says withdrawn; some texts revoked
        ("withdrawn", CertStatus.WITHDRAWN),
        ("cancelled", CertStatus.CANCELLED),
        ("canceled", CertStatus.CANCELLED),
        ("expired", CertStatus.EXPIRED),
        ("unknown", CertStatus.UNKNOWN),
        ("VALID", CertStatus.VALID),
        ("Suspended", CertStatus.SUSPENDED),
        ("REVOKED", CertStatus.WITHDRAWN),
        ("Withdrawn", CertStatus.WITHDRAWN),
        ("Cancelled", CertStatus.CANCELLED),
        # the forms people type
        ("有效期内", CertStatus.VALID),
        ("已暂停", CertStatus.SUSPENDED),
        ("暂停使用", CertStatus.SUSPENDED),
        ("已撤销", CertStatus.WITHDRAWN),
        ("撤消", CertStatus.WITHDRAWN),
        ("已注销", CertStatus.CANCELLED),
        ("已过期", CertStatus.EXPIRED),
        ("已失效", CertStatus.EXPIRED),
        ("过期失效", CertStatus.EXPIRED),
        ("eXpIrEd", CertStatus.EXPIRED),
        ("Unknown", CertStatus.UNKNOWN),
        (" 有效 ", CertStatus.VALID),
        ("\tvalid\n", CertStatus.VALID),
    ],
)
def test_status_words_map_to_statuses(word: str, expected: CertStatus) -> None:
    assert parse_status(word) is expected


@pytest.mark.parametrize("word", ["paused", "有效期", "", "valid!", "暂", "正常"])
def test_unknown_status_word_is_rejected_listing_the_accepted_words(word: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_status(word)
    assert caught.value.code == "certificate_status"
    message = str(caught.value)
    for accepted in (
        "有效",
        "暂停",
        "撤销",
        "注销",
        "过期",
        "失效",
        "未知",
        "valid",
        "suspended",
        "revoked",
        "withdrawn",
        "cancelled",
        "expired",
        "unknown",
    ):
        assert accepted in message
    assert word.strip() in caught.value.zh and "撤销" in caught.value.zh


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GB/T 19001-2016", ("GB/T 19001", "2016")),
        ("ISO 9001:2015", ("ISO 9001", "2015")),
        ("ISO 9001：2015", ("ISO 9001", "2015")),  # full-width colon
        ("GB/T19001-2016", ("GB/T 19001", "2016")),
        ("ISO9001:2015", ("ISO 9001", "2015")),
        ("  GB/T   19001 - 2016 ", ("GB/T 19001", "2016")),
        ("GB/T 19001", ("GB/T 19001", None)),
        ("GB/T19001", ("GB/T 19001", None)),
        ("ISO 9001", ("ISO 9001", None)),
        ("GB/T 19580-2012", ("GB/T 19580", "2012")),
    ],
)
def test_parse_standard_keeps_code_and_version_apart(
    raw: str, expected: tuple[str, str | None]
) -> None:
    assert parse_standard(raw) == expected


@pytest.mark.parametrize("raw", ["GB/T 19001—2016", "GB/T19001—2016"])
def test_parse_standard_splits_at_an_em_dash(raw: str) -> None:
    assert parse_standard(raw) == ("GB/T 19001", "2016")


def test_parse_standard_dual_designation_keeps_no_version_in_the_code() -> None:
    code, version = parse_standard("GB/T 19001-2016/ISO 9001:2015")
    assert "2016" not in code
    assert version is not None


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_empty_standard_is_rejected(raw: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        parse_standard(raw)
    assert caught.value.code == "certificate_standard"


D = date(2024, 6, 15)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("issued_on", "expires_on", "expected"),
    [
        (D, D + 3 * 365 * DAY, True),  # issued on D
        (D - 100 * DAY, D, True),  # expires on D: its last day in force
        (D - 100 * DAY, D + DAY, True),  # expires the day after
        (D + DAY, D + 1000 * DAY, False),  # issued the day after
        (D - 1000 * DAY, D - DAY, False),  # expired yesterday
        (D, D, True),  # issued and expiring the same day: in force on that one day
    ],
)
def test_in_force_date_boundaries(issued_on: date, expires_on: date, expected: bool) -> None:
    assert in_force(CertStatus.VALID, issued_on, expires_on, D) is expected


@pytest.mark.parametrize(
    "status",
    [
        CertStatus.SUSPENDED,
        CertStatus.WITHDRAWN,
        CertStatus.CANCELLED,
        CertStatus.EXPIRED,
        CertStatus.UNKNOWN,
    ],
)
def test_only_valid_certificates_are_in_force(status: CertStatus) -> None:
    assert not in_force(status, D - 100 * DAY, D + 100 * DAY, D)


@pytest.mark.parametrize(
    ("expires_on", "days", "expected"),
    [
        (D + 30 * DAY, 30, True),  # exactly N days ahead
        (D + 31 * DAY, 30, False),  # N + 1
        (D + DAY, 30, True),
        (D + DAY, 1, True),
        (D + 2 * DAY, 1, False),
        (D, 30, True),  # expires today: its last day in force
        (D - DAY, 30, False),  # already expired
        (D - 400 * DAY, 1000, False),
        (D, 0, True),
        (D + DAY, 0, False),
    ],
)
def test_expires_within_boundaries(expires_on: date, days: int, expected: bool) -> None:
    assert expires_within(expires_on, days, D) is expected


# a status is judged as of the day: one dated after D (status_since) had not taken effect
@pytest.mark.parametrize(
    ("status", "since", "expected"),
    [
        (CertStatus.WITHDRAWN, D + DAY, CertStatus.VALID),
        (CertStatus.WITHDRAWN, D, CertStatus.WITHDRAWN),
        (CertStatus.WITHDRAWN, D - DAY, CertStatus.WITHDRAWN),
        (CertStatus.WITHDRAWN, None, CertStatus.WITHDRAWN),
        (CertStatus.SUSPENDED, D + DAY, CertStatus.VALID),
        (CertStatus.CANCELLED, D + DAY, CertStatus.VALID),
        (CertStatus.EXPIRED, D + DAY, CertStatus.VALID),
        (CertStatus.UNKNOWN, D + DAY, CertStatus.UNKNOWN),
        (CertStatus.VALID, D + DAY, CertStatus.VALID),
    ],
)
def test_status_on_the_day(status: CertStatus, since: date | None, expected: CertStatus) -> None:
    assert status_on(status, since, D) is expected


def test_in_force_until_a_withdrawal_takes_effect() -> None:
    # domain.md: withdrawn on 2025-06-01, in force on 2025-05-31
    issued, expires, since = date(2024, 3, 1), date(2027, 2, 28), date(2025, 6, 1)
    assert in_force(CertStatus.WITHDRAWN, issued, expires, date(2025, 5, 31), since)
    assert not in_force(CertStatus.WITHDRAWN, issued, expires, date(2025, 6, 1), since)
    # before the change it is still bound by its dates
    assert not in_force(CertStatus.WITHDRAWN, issued, expires, date(2024, 2, 29), since)


@pytest.mark.parametrize(
    ("issued_on", "latest"),
    [
        (date(2024, 3, 1), date(2027, 3, 1)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2023, 12, 31), date(2026, 12, 31)),
    ],
)
def test_latest_expiry_is_three_years_on(issued_on: date, latest: date) -> None:
    assert latest_expiry(issued_on) == latest
    check_validity(issued_on, latest)
    with pytest.raises(RuleViolation) as caught:
        check_validity(issued_on, latest + DAY)
    assert caught.value.code == "certificate_validity"
    assert str(latest) in str(caught.value) and str(latest) in caught.value.zh


@pytest.mark.parametrize(
    ("issued_on", "last_audit_on", "due"),
    [
        (date(2024, 3, 1), None, date(2025, 3, 1)),
        (date(2024, 3, 1), date(2025, 2, 20), date(2026, 2, 20)),
        (date(2024, 2, 29), None, date(2025, 2, 28)),
        (date(2023, 8, 31), date(2024, 8, 31), date(2025, 8, 31)),
        (date(2024, 3, 1), date(2024, 1, 1), date(2025, 3, 1)),  # an audit before issue: issue
    ],
)
def test_surveillance_audit_due_and_overdue(
    issued_on: date, last_audit_on: date | None, due: date
) -> None:
    assert audit_due(issued_on, last_audit_on) == due
    assert not surveillance_overdue(issued_on, last_audit_on, due)
    assert surveillance_overdue(issued_on, last_audit_on, due + DAY)


@pytest.mark.parametrize(
    "module", ["chainmap.rules.certificates", "chainmap.rules.size", "chainmap.rules.uscc"]
)
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), verbose=False, report=False)
    assert result.failed == 0 and result.attempted > 0, module
