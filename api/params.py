"""The parameters routes share, defined once: path values, the day certificates are judged on,
and list parameters.

A list parameter takes a comma list, repeated parameters, or both: ``size=micro,small``,
``size=micro&size=small`` and ``size=micro,small&size=large`` are all understood."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import StringConstraints

from chainmap.enums import SizeClass

__all__ = [
    "USCC",
    "AsOf",
    "ChainId",
    "FailedFirms",
    "Industries",
    "Regions",
    "Segments",
    "Sizes",
    "listed",
]

ChainId = Annotated[
    str,
    Path(
        pattern=r"^[^/\x00-\x1f\x7f]{1,64}$",
        description="a chain id, as the data gives it (a ledger's chains are named by their "
        "names, e.g. 光伏产业链(无锡), percent-encoded in the path)",
    ),
]
USCC = Annotated[
    str, Path(pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码, 18 characters")
]

LISTS = "a comma list (a,b), repeated parameters (?x=a&x=b), or both"


def judged_on(
    as_of: Annotated[
        date | None, Query(description="day certificates are judged on (today)")
    ] = None,
) -> date:
    return as_of or date.today()


#: the day certificates are judged on: ``as_of``, else today
AsOf = Annotated[date, Depends(judged_on)]


def listed(values: list[str] | None) -> tuple[str, ...] | None:
    """Repeated values, each possibly a comma list, as one tuple (in order, without repeats,
    blanks dropped); None when none was given."""
    if not values:
        return None
    found = [part.strip() for value in values for part in value.split(",")]
    return tuple(dict.fromkeys(p for p in found if p)) or None


_SIZE = "(micro|small|medium|large)"
SizeItem = Annotated[str, StringConstraints(pattern=rf"^{_SIZE}(,{_SIZE})*$")]
_REGION = r"\d{2,6}"
RegionItem = Annotated[str, StringConstraints(pattern=rf"^{_REGION}(,{_REGION})*$")]
_INDUSTRY = r"[A-T]\d{0,4}"
IndustryItem = Annotated[str, StringConstraints(pattern=rf"^{_INDUSTRY}(,{_INDUSTRY})*$")]
SegmentItem = Annotated[str, StringConstraints(max_length=640)]


def sizes(
    size: Annotated[
        list[SizeItem] | None,
        Query(description=f"size classes (micro, small, medium, large): {LISTS}"),
    ] = None,
) -> tuple[SizeClass, ...] | None:
    found = listed(size)
    return None if found is None else tuple(SizeClass(s) for s in found)


def regions(
    region: Annotated[
        list[RegionItem] | None,
        Query(description=f"region-code prefixes (2, 4 or 6 digits), any of them: {LISTS}"),
    ] = None,
) -> tuple[str, ...] | None:
    return listed(region)


def industries(
    industry: Annotated[
        list[IndustryItem] | None,
        Query(description=f"GB/T 4754 code prefixes (C, C36, C3670), any of them: {LISTS}"),
    ] = None,
) -> tuple[str, ...] | None:
    return listed(industry)


def segments(
    segment: Annotated[
        list[SegmentItem] | None,
        Query(max_length=100, description=f"segment ids of the chain, any of them: {LISTS}"),
    ] = None,
) -> tuple[str, ...] | None:
    return listed(segment)


_USCC_ITEM = r"\s*[0-9A-Za-z]{18}\s*"
FailedItem = Annotated[str, StringConstraints(pattern=rf"^{_USCC_ITEM}(,{_USCC_ITEM})*$")]


def failed(
    fail: Annotated[
        list[FailedItem],
        Query(
            min_length=1,
            max_length=1000,
            description=f"USCCs of the firms that stop supplying: {LISTS}",
        ),
    ],
) -> tuple[str, ...]:
    return tuple(sorted({u.upper() for u in listed(fail) or ()}))


Sizes = Annotated[tuple[SizeClass, ...] | None, Depends(sizes)]
Regions = Annotated[tuple[str, ...] | None, Depends(regions)]
Industries = Annotated[tuple[str, ...] | None, Depends(industries)]
Segments = Annotated[tuple[str, ...] | None, Depends(segments)]
FailedFirms = Annotated[tuple[str, ...], Depends(failed)]
