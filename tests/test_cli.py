"""The command line: help everywhere, errors as one line with an exit status, the demo end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.graph import to_digraph
from chainmap.store import open_store

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


def generate(out: Path, *options: str) -> Any:
    """``chainmap generate`` of a small dataset (300 firms, 2 chains) into ``out``."""
    return runner.invoke(
        app, ["generate", "--enterprises", "300", "--chains", "2", *options, "--out", str(out)]
    )


def test_generate_is_reproducible(tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = generate(tmp_path / name, "--seed", "5")
        assert result.exit_code == 0, result.output
    for file in (tmp_path / "a").iterdir():
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes()
    result = runner.invoke(
        app, ["generate", "--enterprises", "10", "--chains", "3", "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 2
    assert "--enterprises" in result.output


def test_generate_as_of_moves_certificate_dates(tmp_path: Path) -> None:
    for name, day in (("early", "2025-01-01"), ("late", "2026-11-01")):
        result = generate(tmp_path / name, "--as-of", day)
        assert result.exit_code == 0, result.output
    early = (tmp_path / "early" / "certificates.csv").read_text(encoding="utf-8")
    late = (tmp_path / "late" / "certificates.csv").read_text(encoding="utf-8")
    assert early != late
    result = runner.invoke(app, ["generate", "--as-of", "2025/01/01", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_demo_builds_a_fresh_store_and_summarizes_it(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    for _ in range(2):  # a second run starts afresh instead of adding to the first
        result = runner.invoke(
            app, ["demo", "--out", str(out), "--enterprises", "600", "--chains", "3"]
        )
        assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["store"]["enterprises"] == 600
    assert summary["store"]["chains"] == 3
    assert len(summary["chains"]) == 3
    for chain in summary["chains"]:
        assert chain["leaders"] >= 1
        assert 0 < chain["certified"] <= chain["firms"]
    stats = runner.invoke(
        app, ["stats", "--store", f"sqlite:///{out / 'chainmap.db'}", "--format", "json"]
    )
    assert json.loads(stats.output) == summary["store"]
    # each chain's weak links, as `weak-links --format csv` lists them, in a CSV Excel opens
    assert sorted(p.name for p in (out / "weak-links").iterdir()) == sorted(
        f"{c['chain_id']}.csv" for c in summary["chains"]
    )
    assert sum(c["weak_links"] for c in summary["chains"]) > 0
    for chain in summary["chains"]:
        raw = (out / "weak-links" / f"{chain['chain_id']}.csv").read_bytes()
        assert raw.startswith("\ufeff".encode())
        listed = runner.invoke(
            app,
            [
                "weak-links",
                "--chain",
                chain["chain_id"],
                "--format",
                "csv",
                "--store",
                f"sqlite:///{out / 'chainmap.db'}",
            ],
        )
        assert listed.exit_code == 0, listed.output
        assert raw == listed.stdout_bytes  # the same bytes, BOM and all
        assert raw.decode("utf-8-sig").count("\n") == chain["weak_links"] + 1
    assert f"chainmap weak-links --chain {summary['chains'][0]['chain_id']}" in result.output
    # and each chain's plan in both languages, as `chainmap plan` writes it
    for chain in summary["chains"]:
        for lang in ("zh", "en"):
            written = (out / "plans" / f"{chain['chain_id']}.{lang}.md").read_text(encoding="utf-8")
            listed = runner.invoke(
                app,
                [
                    "plan",
                    "--chain",
                    chain["chain_id"],
                    "--lang",
                    lang,
                    "--store",
                    f"sqlite:///{out / 'chainmap.db'}",
                ],
            )
            assert listed.exit_code == 0, listed.output
            assert written == listed.stdout
            # the same plan as HTML, and as JSON (one, whatever the language)
            for format, name in (("html", f"{lang}.html"), ("json", "json")):
                written = (out / "plans" / f"{chain['chain_id']}.{name}").read_text("utf-8")
                listed = runner.invoke(
                    app,
                    [
                        "plan",
                        "--chain",
                        chain["chain_id"],
                        "--lang",
                        lang,
                        "--format",
                        format,
                        "--store",
                        f"sqlite:///{out / 'chainmap.db'}",
                    ],
                )
                assert listed.exit_code == 0, listed.output
                assert written == listed.stdout, (chain["chain_id"], format)
        # and in Chinese as a Word document and a workbook, the same bytes
        for format in ("docx", "xlsx"):
            file = tmp_path / f"{chain['chain_id']}.{format}"
            listed = runner.invoke(
                app,
                [
                    "plan",
                    "--chain",
                    chain["chain_id"],
                    "--format",
                    format,
                    "--out",
                    str(file),
                    "--store",
                    f"sqlite:///{out / 'chainmap.db'}",
                ],
            )
            assert listed.exit_code == 0, listed.output
            written_bytes = (out / "plans" / f"{chain['chain_id']}.zh.{format}").read_bytes()
            assert written_bytes == file.read_bytes(), (chain["chain_id"], format)
    # and each chain's atlas and its leaders' atlases, as `chainmap atlas` draws them
    store = f"sqlite:///{out / 'chainmap.db'}"
    expected = []
    with open_store(store) as opened:
        for chain in summary["chains"]:
            # the chain as a whole (the command's default), and firm by firm
            expected.append((f"{chain['chain_id']}.html", ["--chain", chain["chain_id"]]))
            expected.append(
                (f"{chain['chain_id']}.firms.html", ["--chain", chain["chain_id"], "--firms"])
            )
            for leader in to_digraph(opened.chain(chain["chain_id"])).graph["leaders"]:
                expected.append((f"{chain['chain_id']}.leader-{leader}.html", ["--leader", leader]))
    maps = sorted(p.name for p in (out / "atlases").glob("map-*.html"))
    assert len(maps) == 1  # the first chain's province
    province = maps[0].removeprefix("map-").removesuffix(".html")
    expected.append((maps[0], ["--map", "--region", province]))
    assert sorted(p.name for p in (out / "atlases").iterdir()) == sorted(n for n, _ in expected)
    for name, args in expected:
        drawn = tmp_path / "drawn.html"
        listed = runner.invoke(app, ["atlas", *args, "--out", str(drawn), "--store", store])
        assert listed.exit_code == 0, listed.output
        assert (out / "atlases" / name).read_bytes() == drawn.read_bytes(), name


def test_cli_on_neo4j(neo4j_url: str, dataset: Path) -> None:
    from chainmap.store.neo4j import Neo4jStore

    with Neo4jStore(neo4j_url) as emptied:
        emptied.erase_everything()
    # a real process, so that log records reach its stderr: the server's notices on an empty
    # database ("label does not exist") must not
    empty = subprocess.run(
        [sys.executable, "-m", "chainmap", "stats", "--store", neo4j_url, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert empty.stderr == ""
    assert set(json.loads(empty.stdout).values()) == {0}
    result = runner.invoke(app, ["import", str(dataset), "--store", neo4j_url])
    assert result.exit_code == 0, result.output
    stats = runner.invoke(app, ["stats", "--store", neo4j_url, "--format", "json"])
    assert json.loads(stats.output)["supply_links"] == 4
    listing = runner.invoke(app, ["stats", "--store", neo4j_url])
    assert "NEV-T" in listing.output
