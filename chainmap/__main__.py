"""``python -m chainmap``: the same as the ``chainmap`` command."""

from chainmap.cli import main

main()
