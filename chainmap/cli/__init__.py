"""The ``chainmap`` command: parse, call one function, print.

Errors are turned into one line and an exit status in one place, :class:`_Commands`:
1 general, 2 bad input or settings (nothing written), 3 store failure, 4 not found.
"""

from __future__ import annotations

from chainmap.cli import (  # noqa: F401  (they add the commands)
    accounts,
    analysis,
    atlas,
    data,
    plans,
    service,
)
from chainmap.cli.base import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``chainmap`` command."""
    app()
