"""The headless-browser harness (tests/browser.py): each of its checks fails on a page made to fail
it and passes on a clean one, so the atlas tests that rely on it cannot pass vacuously.

Every page is a tiny file written to tmp_path that sets ``document.body.dataset.ready = '1'`` when
done; one browser serves the whole session.
"""

from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest
from browser import Browser, chromium_problem

READY = "<script>document.body.dataset.ready = '1'</script>"


def page(directory: Path, body: str, head: str = "", name: str = "page.html") -> Path:
    path = directory / name
    path.write_text(
        f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>',
        encoding="utf-8",
    )
    return path


def canvas(draw: str) -> str:
    """A 200 × 100 canvas, drawn on by ``draw`` (JavaScript with ``c``, its 2D context)."""
    return (
        '<canvas id="c" width="200" height="100"></canvas><script>'
        f"const c = document.getElementById('c').getContext('2d'); {draw}; "
        "document.body.dataset.ready = '1'</script>"
    )


def test_chromium_problem_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "program"
    program.write_text("#!/bin/sh\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(program))
    monkeypatch.setenv("CHROMEDRIVER", str(program))
    assert chromium_problem() is None

    monkeypatch.setenv("CHROMEDRIVER", str(tmp_path / "missing"))
    problem = chromium_problem()
    assert problem is not None
    assert "CHROMEDRIVER=" in problem and "CHROMIUM" not in problem.replace("Chromium", "")
    assert "apt-get install chromium chromium-driver" in problem and "scripts/test" in problem

    monkeypatch.delenv("CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert "no `chromium` on PATH" in (chromium_problem() or "")


def test_ink_counts_drawn_pixels(browser: Browser, tmp_path: Path) -> None:
    browser.open(page(tmp_path, canvas("c.fillStyle = 'red'; c.fillRect(10, 20, 10, 10)")))
    assert browser.ink() == 100
    assert browser.ink("#c") == 100


def test_ink_of_a_webgl_canvas(browser: Browser, tmp_path: Path) -> None:
    draw = (
        "<canvas width='200' height='100'></canvas><script>"
        "const gl = document.querySelector('canvas')"
        ".getContext('webgl', {preserveDrawingBuffer: true}); window.webgl = gl !== null;"
        "if (gl) { gl.enable(gl.SCISSOR_TEST); gl.scissor(10, 10, 10, 10);"
        " gl.clearColor(1, 0, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT) }</script>" + READY
    )
    browser.open(page(tmp_path, draw))
    if not browser.run("return window.webgl"):
        pytest.skip("this Chromium offers no WebGL")
    assert browser.ink() == 100


def test_blank_canvas_has_no_ink(browser: Browser, tmp_path: Path) -> None:
    browser.open(page(tmp_path, canvas("")))
    assert browser.ink() == 0
    # a canvas filled with one colour is blank too: ink is what differs from the background
    browser.open(page(tmp_path, canvas("c.fillStyle = 'navy'; c.fillRect(0, 0, 200, 100)")))
    assert browser.ink() == 0
    with pytest.raises(AssertionError, match="no <canvas> matches 'svg'"):
        browser.ink("svg")


def test_console_errors_are_reported(browser: Browser, tmp_path: Path) -> None:
    body = (
        "<script>console.error('boom'); console.log('fine')</script>"
        "<script>throw new Error('kaput')</script>" + READY
    )
    report = browser.open(page(tmp_path, body))
    assert len(report.console_errors) == 2, report.console
    assert '"boom"' in report.console_errors[0]
    assert "Uncaught Error: kaput" in report.console_errors[1]
    assert any('"fine"' in line for line in report.console)


def test_clean_page_has_no_console_errors(browser: Browser, tmp_path: Path) -> None:
    report = browser.open(page(tmp_path, "<script>console.log('fine')</script>" + READY))
    assert report.console_errors == []
    assert report.alerts == []
    assert report.url == (tmp_path / "page.html").as_uri()
    assert report.ready_ms > 0


def test_requests_leaving_the_file_are_reported(browser: Browser, tmp_path: Path) -> None:
    body = (
        '<img src="http://example.invalid/x.png">'
        "<script>fetch('https://example.invalid/api?q=1').catch(() => {})</script>" + READY
    )
    report = browser.open(page(tmp_path, body))
    assert report.requests == ["http://example.invalid/x.png", "https://example.invalid/api?q=1"]


def test_inline_page_makes_no_requests(browser: Browser, tmp_path: Path) -> None:
    pixel = "R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
    body = (
        f'<img src="data:image/gif;base64,{pixel}"><style>p {{ color: teal }}</style><p>链主</p>'
        "<script>const url = URL.createObjectURL(new Blob(['x'])); fetch(url)</script>" + READY
    )
    # a name that must be percent-encoded in the URL: the page's own file is still recognised
    report = browser.open(page(tmp_path, body, name="图 (1).html"))
    assert report.requests == []
    assert report.console_errors == []


def test_one_pages_logs_do_not_leak_into_the_next(browser: Browser, tmp_path: Path) -> None:
    browser.open(page(tmp_path, READY, name="noisy.html"))
    # noise made after the page was reported, and so in no report unless it leaks into the next
    browser.run("console.error('late'); fetch('http://example.invalid/late').catch(() => {})")
    report = browser.open(page(tmp_path, READY))
    assert report.console_errors == [] and report.requests == []


def test_alerts_are_reported_and_accepted(browser: Browser, tmp_path: Path) -> None:
    report = browser.open(page(tmp_path, "<script>alert('hi')</script>" + READY))
    assert report.alerts == ["hi"]
    script = "<script>document.body.dataset.ready = confirm('sure?') ? '1' : 'no'</script>"
    assert browser.open(page(tmp_path, script)).alerts == ["sure?"]


def test_content_security_policy_violations_are_reported(browser: Browser, tmp_path: Path) -> None:
    ready = "document.body.dataset.ready = '1'"
    digest = base64.b64encode(hashlib.sha256(ready.encode()).digest()).decode()
    csp = (
        '<meta http-equiv="Content-Security-Policy" '
        f"content=\"default-src 'none'; script-src 'sha256-{digest}'\">"
    )
    allowed = f"<script>{ready}</script>"
    report = browser.open(page(tmp_path, allowed, head=csp))
    assert report.console_errors == []

    report = browser.open(page(tmp_path, "<script>window.ran = true</script>" + allowed, head=csp))
    assert browser.run("return window.ran === undefined") is True
    assert len(report.console_errors) == 1, report.console
    assert "Content Security Policy" in report.console_errors[0]
    assert "inline script" in report.console_errors[0]


def test_a_page_that_never_gets_ready_fails_clearly(browser: Browser, tmp_path: Path) -> None:
    stuck = page(tmp_path, "<script>console.error('stuck here')</script>")
    with pytest.raises(AssertionError, match=r"(?s)was not ready.*stuck here"):
        browser.open(stuck, timeout=0.3)


def test_screenshot_is_a_png_of_the_window(browser: Browser, tmp_path: Path) -> None:
    browser.open(page(tmp_path, READY))
    shot = browser.screenshot(tmp_path / "shots" / "page.png").read_bytes()
    assert shot.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
    # the window is 1400 × 900; the page's viewport is that less Chromium's (invisible) toolbars
    assert [width, height] == browser.run("return [innerWidth, innerHeight]")
    assert width == 1400 and 700 < height <= 900
