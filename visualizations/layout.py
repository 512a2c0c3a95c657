"""Positions computed in Python, so the page draws at once with physics off.

Every atlas is a row of columns read left to right (segments in the order goods flow, supplier
tiers, or suppliers / firm / customers). A column taller than the atlas's row count wraps into
side-by-side sub-columns, so a 5,000-firm segment stays a block instead of a line 5,000 nodes
high; the row count is chosen so the whole atlas is roughly as wide as a screen is.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["Column", "ColumnLayout", "columns"]

#: distance between rows, between sub-columns of one column, and the gap between columns
ROW = 56.0
SUB_COLUMN = 160.0
GAP = 200.0
#: the fewest rows a column holds before it wraps
MIN_ROWS = 8
#: up to this many nodes, rows and sub-columns are further apart and names larger
SPARSE = 60
#: label size (canvas units) of a dense and a sparse atlas: a name of up to ten Chinese
#: characters fits between sub-columns (SUB_COLUMN, or SUB_COLUMN * SPREAD when sparse)
FONT, SPARSE_FONT = 13, 20
SPREAD = 1.5


@dataclass(frozen=True, slots=True)
class Column:
    """Where one column ended up: its centre and its top, for a header above it."""

    x: float
    top: float
    width: float


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    positions: dict[Hashable, tuple[float, float]]
    columns: list[Column]
    rows: int
    #: size of the names' labels, in canvas units
    font: int = FONT
    #: distance between sub-columns
    sub: float = SUB_COLUMN

    @property
    def span(self) -> float:
        """Width from the first column to the last: headers are sized by it, so they stay
        readable when the whole atlas is fitted to the screen."""
        if not self.columns:
            return 0.0
        last = self.columns[-1]
        return last.x + last.width / 2


def _rows_for(total: int) -> int:
    """Rows such that ``total`` nodes in sub-columns make an area about 16:9."""
    return max(MIN_ROWS, math.ceil(math.sqrt(total * SUB_COLUMN * 9 / (ROW * 16))))


def columns(groups: Sequence[Sequence[Hashable]], rows: int | None = None) -> ColumnLayout:
    """Place each group as a column, in order, items top to bottom and wrapping after ``rows``.

    Columns are centred on the row axis (y = 0), so a short column sits level with the middle of
    a tall one. An atlas of few nodes gets more room between rows, for its names.

    Examples
    --------
    >>> laid = columns([["a"], ["b", "c"]])
    >>> laid.positions["a"][0] < laid.positions["b"][0] == laid.positions["c"][0]
    True
    >>> laid.positions["b"][1] < laid.positions["c"][1]
    True
    """
    total = sum(len(g) for g in groups)
    if rows is None:
        rows = _rows_for(total)
    sparse = total <= SPARSE
    step = ROW * 1.6 if sparse else ROW
    pitch = SUB_COLUMN * SPREAD if sparse else SUB_COLUMN
    positions: dict[Hashable, tuple[float, float]] = {}
    placed: list[Column] = []
    left = 0.0
    for items in groups:
        n = len(items)
        subs = max(1, math.ceil(n / rows))
        height = min(n, rows)
        top = -(height - 1) * step / 2
        for i, item in enumerate(items):
            sub, row = divmod(i, rows)
            positions[item] = (left + sub * pitch, top + row * step)
        width = (subs - 1) * pitch
        placed.append(Column(x=left + width / 2, top=top, width=width))
        left += width + pitch + GAP
    return ColumnLayout(
        positions=positions,
        columns=placed,
        rows=rows,
        font=SPARSE_FONT if sparse else FONT,
        sub=pitch,
    )
