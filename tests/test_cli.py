"""The command line: help everywhere, errors as one line with an exit status, the demo end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainmap.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["generate"], ["import"], ["stats"], ["demo"]])
def test_every_command_explains_itself(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_stats_without_a_store_says_how_to_get_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 3
    assert "no chainmap store" in result.output
    assert "chainmap import" in result.output
    assert not (tmp_path / "none.db").exists()


def test_store_from_the_environment(tmp_path: Path, dataset: Path) -> None:
    env = {"CHAINMAP_STORE": f"sqlite:///{tmp_path / 'env.db'}"}
    assert runner.invoke(app, ["import", str(dataset)], env=env).exit_code == 0
    result = runner.invoke(app, ["stats", "--format", "json"], env=env)
    assert result.exit_code == 0
    assert json.loads(result.output)["enterprises"] == 5


def test_bad_store_url_is_a_settings_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", "mysql://x"])
    assert result.exit_code == 2
    assert "unknown store URL" in result.output


def test_bad_batch_size_setting() -> None:
    result = runner.invoke(app, ["stats"], env={"CHAINMAP_BATCH_SIZE": "0"})
    assert result.exit_code == 2
    assert "batch_size" in result.output
