"""The README's and docs/api.md's curl examples, as written, against a real `chainmap serve` on
a free loopback port over a generated sample: each answers 2xx. The examples are read from the
markdown, so the test fails when the docs drift from the API."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from api_world import serving

from chainmap.access import issue_token
from chainmap.ingest.load import import_datasets
from chainmap.samples.generate import generate_dataset
from chainmap.store import open_store

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", ROOT / "docs" / "api.md"]
PLACEHOLDER = "cm_..."
DOCUMENTED = "127.0.0.1:8000"
WRITE_OUT = "%{http_code} %{content_type}"


@dataclass
class Example:
    """One curl line, and the token it is run with (as the token line above it makes)."""

    doc: str
    line: str
    args: list[str]
    token: dict[str, list[str]] = field(default_factory=dict)


def _bash_blocks(text: str) -> Iterator[str]:
    yield from re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def examples(path: Path) -> list[Example]:
    """The curl lines of the file's bash blocks, each with the `chainmap token create` options
    of the last such line before it in the same block (none: an admin token)."""
    found = []
    for block in _bash_blocks(path.read_text(encoding="utf-8")):
        token: dict[str, list[str]] = {}
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:3] == ["chainmap", "token", "create"]:
                token = {}
                for option, value in zip(words[3::2], words[4::2], strict=False):
                    token.setdefault(option, []).append(value)
            elif words[:1] == ["curl"]:
                found.append(Example(path.name, line.strip(), words, dict(token)))
    return found


def test_the_docs_have_curl_examples() -> None:
    readme, api = (examples(p) for p in DOCS)
    assert len(readme) >= 2 and len(api) >= 6
    for example in readme + api:
        assert any(f"Bearer {PLACEHOLDER}" in a for a in example.args), example.line
        assert any(DOCUMENTED in a for a in example.args), example.line
        # raw Chinese characters in a URL are refused by the server (400): they go in --data-urlencode
        assert not any("http" in a and re.search(r"[^\x00-\x7f]", a) for a in example.args)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """`chainmap serve` over a generated sample on a free loopback port; always stopped."""
    data = tmp_path / "data"
    generate_dataset(data, enterprises=200, chains=2, seed=1)
    url = f"sqlite:///{tmp_path / 'served.db'}"
    import_datasets([data], lambda: open_store(url, create=True), workers=1)
    with serving(url) as base:
        yield int(base.rsplit(":", 1)[1]), url


def test_every_curl_example_works_as_written(served: tuple[int, str], tmp_path: Path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("the docs' examples need curl on PATH (apt-get install curl)")
    port, url = served
    tokens: dict[str, str] = {}
    every = [e for p in DOCS for e in examples(p)]
    assert len(every) <= 40  # a bounded number of requests
    with open_store(url) as store:
        for example in every:
            key = json.dumps(example.token, sort_keys=True)
            if key not in tokens:
                spec = example.token
                role = spec.get("--role", ["admin"])[0]
                regions = spec.get("--region") or None
                tokens[key], _ = issue_token(store, role, "docs", regions)
    body = tmp_path / "answer"
    for example in every:
        token = tokens[json.dumps(example.token, sort_keys=True)]
        args = [
            a.replace(PLACEHOLDER, token).replace(DOCUMENTED, f"127.0.0.1:{port}")
            for a in example.args[1:]
        ]
        run = subprocess.run(
            [curl, "-sS", "--max-time", "60", "-o", str(body), "-w", WRITE_OUT, *args],
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert run.returncode == 0, (example.doc, example.line, run.stderr)
        status, _, kind = run.stdout.partition(" ")
        text = body.read_text(encoding="utf-8")
        assert status.startswith("2"), (example.doc, example.line, status, text[:300])
        if kind.startswith("application/json"):
            json.loads(text)
        else:
            assert text.strip(), (example.doc, example.line)


def test_raw_chinese_in_a_url_is_refused_before_chainmap_reads_it(
    served: tuple[int, str],
) -> None:
    """Why the examples encode: the README's earlier example, as curl sends it."""
    curl = shutil.which("curl")
    if curl is None:
        pytest.fail("this test needs curl on PATH (apt-get install curl)")
    port, _ = served
    raw = f"http://127.0.0.1:{port}/api/v1/enterprises?q=电池"
    run = subprocess.run(
        [curl, "-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", raw],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == "400"
