"""The top-level folders install under the one import name ``chainmap``."""

from __future__ import annotations

import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module", ["chainmap.api", "chainmap.visualizations", "chainmap.cypher", "chainmap.store"]
)
def test_installed_subpackages_import(module: str) -> None:
    assert importlib.import_module(module).__doc__


def test_wheel_holds_everything_under_chainmap(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("chainmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top == {"chainmap", next(n for n in top if n.endswith(".dist-info"))}
    for needed in (
        "chainmap/api/__init__.py",
        "chainmap/visualizations/__init__.py",
        "chainmap/cypher/__init__.py",
        "chainmap/store/schema.sql",
        "chainmap/py.typed",
    ):
        assert needed in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "chainmap = chainmap.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
