"""One sample firm at a time: its USCC, name, figures and QMS certificates.

Pure functions of a :class:`random.Random` and the firm's place in the dataset; the row layout
of the CSV files lives in :mod:`chainmap.samples.generate`.
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from chainmap.enums import CertStatus, SizeClass
from chainmap.rules import classify_size, org_code_check_character, size_category
from chainmap.rules.uscc import ALPHABET, uscc_check_character
from chainmap.samples.templates import BODIES, NAME_FIRST, NAME_SECOND, NAME_THIRD

__all__ = [
    "Figures",
    "certificate_rows",
    "certificate_state",
    "firm_figures",
    "firm_name",
    "maturity_cell",
    "plus_years",
    "sample_uscc",
]

_MA_SPACE = 31**6  # "MA" + 6 characters: the shape of codes issued since 2015
_DIGIT_SPACE = 10**8  # eight digits: the shape of the former organization codes
_SERIAL_SPACE = 10**7


def sample_uscc(index: int, region_code: str) -> str:
    """The USCC of firm ``index``: '91' + region + organization code + check character.

    The organization-code body is an affine permutation of the index, so it is unique per firm yet
    looks varied; three in five firms get a post-2015 "MA..." body, the rest an eight-digit one.

    >>> sample_uscc(0, "320583")
    '91320583MA0LYWC13Q'
    """
    block, rest = divmod(index, 5)
    if rest < 3:
        number = ((3 * block + rest) * 387_420_489 + 19_391_431) % _MA_SPACE
        chars = []
        for _ in range(6):
            number, digit = divmod(number, 31)
            chars.append(ALPHABET[digit])
        body = "MA" + "".join(reversed(chars))
    else:
        body = f"{((2 * block + rest - 3) * 73_939_133 + 4_100_517) % _DIGIT_SPACE:08d}"
    first17 = "91" + region_code + body + org_code_check_character(body)
    return first17 + uscc_check_character(first17)


def _trade_name(count: int, salt: int) -> str:
    """The ``count``-th 字号 handed out for one place and industry word; never the same twice."""
    first, second, third = len(NAME_FIRST), len(NAME_SECOND), len(NAME_THIRD)
    pairs = first * second
    # 1,000,003 is a prime above both moduli, so the affine maps below are permutations.
    if count < pairs:
        j = (count * 1_000_003 + salt) % pairs
        return NAME_FIRST[j % first] + NAME_SECOND[j // first]
    count -= pairs
    if count < pairs * third:
        j = (count * 1_000_003 + salt) % (pairs * third)
        return _trade_name(j % pairs, 0) + NAME_THIRD[j // pairs]
    count -= pairs * third
    return _trade_name(count % pairs, 0) + _trade_name(count // pairs % pairs, 0)


def firm_name(
    rng: random.Random, issued: dict[tuple[str, str], int], city: str, word: str, leader: bool
) -> str:
    """A company name such as 昆山华达精密机械有限公司, unique within one dataset.

    ``issued`` counts the 字号 already given per (city, industry word); names differ because their
    字号 do, and the word lists are built so a name splits into its parts one way only.
    """
    count = issued.get((city, word), 0)
    issued[(city, word)] = count + 1
    trade = _trade_name(count, zlib.crc32(f"{city}{word}".encode()))
    draw = rng.random()
    if not leader and draw > 0.93:
        return f"{trade}{word}（{city}）有限公司"
    suffix = "股份有限公司" if leader or draw < 0.08 else "有限公司"
    return f"{city}{trade}{word}{suffix}"


#: revenue per employee (万元) by row of the size table; a rough national picture
_REVENUE_PER_HEAD = {"industry": 55.0, "wholesale": 400.0, "retail": 90.0, "agriculture": 15.0}


@dataclass(frozen=True, slots=True)
class Figures:
    """A firm's true figures and the enterprises.csv cells written for them (blank = unknown)."""

    employees: int
    revenue: float
    cells: tuple[str, str, str, str]  # employees, revenue, assets, size


def firm_figures(rng: random.Random, industry: str, rank: float, leader: bool) -> Figures:
    """Employees, revenue and assets of a firm; ``rank`` 0 is the biggest firm of its segment.

    Size is lognormal around a median that falls steeply with rank, so most firms are small or
    micro. An explicit size is written for one firm in five (always for leaders) and contradicts
    the 2011 standard in about 1 % of those rows, on purpose, so importers can show the warning.
    """
    if leader:
        employees = rng.randint(5_000, 80_000)
        revenue = employees * rng.uniform(120.0, 400.0)
        assets = revenue * rng.uniform(0.9, 1.8)
    else:
        median = math.log(10) + math.log(120) * (1 - rank) ** 3
        employees = max(1, round(math.exp(median + rng.gauss(0, 0.55))))
        per_head = _REVENUE_PER_HEAD.get(size_category(industry), 30.0)
        revenue = max(1.0, employees * per_head * rng.lognormvariate(0, 0.5))
        assets = revenue * rng.lognormvariate(-0.1, 0.4)
    known = (leader or rng.random() > 0.04, leader or rng.random() > 0.06, rng.random() > 0.15)
    e = employees if known[0] else None
    r = round(revenue, 1) if known[1] else None
    a = round(assets, 1) if known[2] else None
    size = ""
    if leader or rng.random() < 0.2:
        derived = classify_size(industry, e, r, a)
        if derived is not None:
            size = derived.value
            if not leader and rng.random() < 0.01:
                size = rng.choice([s.value for s in SizeClass if s is not derived])
    cells = (
        "" if e is None else str(e),
        "" if r is None else f"{r:.1f}",
        "" if a is None else f"{a:.1f}",
        size,
    )
    return Figures(employees, revenue, cells)


def maturity_cell(
    rng: random.Random, employees: int, state: CertStatus | None, leader: bool
) -> str:
    """QMS maturity 1-5 (ISO 9004 self-assessment) for about a third of firms, else blank.

    Higher for firms holding a valid certificate and for bigger firms.
    """
    if not leader and rng.random() >= 0.35:
        return ""
    mean = 1.6 + (1.2 if state is CertStatus.VALID else 0.0) + 0.35 * math.log10(employees)
    return str(min(5, max(1, round(rng.gauss(mean, 0.7)))))


def plus_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


_STATES = (
    CertStatus.VALID,
    CertStatus.EXPIRED,
    CertStatus.SUSPENDED,
    CertStatus.WITHDRAWN,
    CertStatus.CANCELLED,
)
_STATE_WEIGHTS = (50, 60, 65, 67, 70)  # cumulative: 50 % valid ... of 70 % certified overall
_BODY_WEIGHTS = tuple(sum(1 / (k + 1) for k in range(i + 1)) for i in range(len(BODIES)))


def certificate_state(rng: random.Random, employees: int, leader: bool) -> CertStatus | None:
    """The firm's certificate state, or None when it holds none; bigger firms hold one more often."""
    if leader:
        return CertStatus.VALID
    # Calibrated on the size mix firm_figures gives, so about 70 % of firms are certified.
    if employees >= 1000:
        certified = 0.97
    elif employees >= 300:
        certified = 0.92
    else:
        certified = 0.8 if employees >= 20 else 0.55
    draw = rng.random()
    if draw >= certified:
        return None
    point = draw / certified * _STATE_WEIGHTS[-1]
    return next(s for s, w in zip(_STATES, _STATE_WEIGHTS, strict=True) if point < w)


def _cycle(rng: random.Random, state: CertStatus, as_of: date) -> date:
    """Issue date of a certificate in ``state`` on ``as_of``; it expires three years later."""
    if state is CertStatus.VALID:
        issued = as_of - timedelta(days=rng.randint(0, 1094))
        # A 29 February issue expires a day early; keep a valid certificate in force on as_of.
        return issued if plus_years(issued, 3) > as_of else issued + timedelta(days=1)
    if state is CertStatus.EXPIRED:
        return as_of - timedelta(days=rng.randint(1_100, 2_900))
    if state is CertStatus.SUSPENDED:  # a missed surveillance audit, 12 months or more after issue
        return as_of - timedelta(days=rng.randint(370, 1_050))
    return as_of - timedelta(days=rng.randint(400, 2_500))


def _dates(
    status: CertStatus, issued: date, end: date, number: int, as_of: date, current: bool
) -> tuple[date | None, date | None]:
    """A certificate's last surveillance audit and the day its status took effect, derived from
    its number (no random draw, so the rest of the dataset stays as it was).

    A valid certificate was audited shortly before each anniversary of its issue that has come,
    except one in twenty, whose latest audit is missing: due for suspension. A suspended one
    missed its first audit; a withdrawn one (撤销) was suspended, then withdrawn; a cancelled one
    (注销) was given up by its holder, or ran out."""
    if status is CertStatus.VALID and current:
        early = timedelta(days=number % 45)
        audits = [d for k in (1, 2, 3) if (d := plus_years(issued, k) - early) <= as_of]
        if number % 20 == 0:
            audits = audits[:-1]
        return (audits[-1] if audits else None), None
    if status is CertStatus.SUSPENDED:
        return None, min(as_of, plus_years(issued, 1) + timedelta(days=1 + number % 60))
    if status is CertStatus.WITHDRAWN:
        return None, min(as_of, end, plus_years(issued, 1) + timedelta(days=90 + number % 120))
    if status is CertStatus.CANCELLED:
        return None, min(
            as_of, end + timedelta(days=1), issued + timedelta(days=200 + number % 900)
        )
    return None, None


def certificate_rows(
    rng: random.Random,
    serial: int,
    uscc: str,
    state: CertStatus,
    employees: int,
    product: str,
    activity: str,
    as_of: date,
) -> list[tuple[str, ...]]:
    """certificates.csv rows of one certified firm; ``serial`` numbers them (one per row).

    Certificate numbers look like 0130124Q0000001R1M: body code, issue year, Q for QMS, a serial
    permuted so neighbours differ, the recertification round and the firm's scale (S/M/L).
    """
    issued = _cycle(rng, state, as_of)
    cycles = [(state, issued, rng.randint(0, 3))]
    if state is CertStatus.VALID and issued <= as_of - timedelta(days=40) and rng.random() < 0.08:
        # Renewed: the previous cycle ran out shortly after the new certificate was issued.
        previous = plus_years(issued, -3) + timedelta(days=rng.randint(0, 30))
        round_ = rng.randint(1, 3)
        cycles = [(CertStatus.EXPIRED, previous, round_ - 1), (state, issued, round_)]
    scale = "S" if employees < 50 else "M" if employees < 300 else "L"
    body = rng.choices(BODIES, cum_weights=_BODY_WEIGHTS)[0]
    standard = "GB/T 19001-2016" if rng.random() < 0.85 else "ISO 9001:2015"
    english = rng.random() < 0.08
    scope = "" if rng.random() < 0.1 else f"{product}的{activity}" if activity else product
    rows: list[tuple[str, ...]] = []
    for offset, (status, start, round_) in enumerate(cycles):
        number = ((serial + offset) * 7_919 + 104_729) % _SERIAL_SPACE
        cert_no = f"{body.code}{start.year % 100:02d}Q{number:07d}R{round_}{scale}"
        word = status.value if english else status.label_zh
        grade = ""
        if status is CertStatus.VALID and rng.random() < 0.12:
            grade = rng.choice(("A", "AA", "AAA"))
        end = plus_years(start, 3)
        audit, since = _dates(status, start, end, number, as_of, current=offset == len(cycles) - 1)
        rows.append(
            (
                cert_no,
                uscc,
                standard,
                body.body_id,
                word,
                start.isoformat(),
                end.isoformat(),
                scope,
                grade,
                audit.isoformat() if audit else "",
                since.isoformat() if since else "",
            )
        )
    return rows
