"""The package as a user installs it: every data file inside, and no warning while it is built."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_data_file_and_builds_without_warnings(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-v",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    output = built.stdout + built.stderr
    assert "absent from the `packages` configuration" not in output
    assert "Package would be ignored" not in output
    (wheel,) = tmp_path.glob("chainmap-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in (
        "chainmap/ingest/data/aliases.toml",
        "chainmap/rules/data/regions.tsv",
        "chainmap/rules/data/industries.tsv",
        "chainmap/visualizations/templates/atlas.html",
        "chainmap/visualizations/templates/map.js",
        "chainmap/visualizations/data/README.md",
        "chainmap/api/static/swagger_ui/swagger-ui-bundle.js",
        "chainmap/api/static/swagger_ui/init.js",
        "chainmap/cypher/search_enterprises.cypher",
        "chainmap/store/schema.sql",
        "chainmap/analysis/weights.toml",
    ):
        assert data in names, data
