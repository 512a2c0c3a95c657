"""Headless Chromium for the tests: open a self-contained local HTML file and report what it did.

``Browser`` drives Debian's ``chromium`` through its ``chromedriver`` (never a browser that Selenium
Manager downloads). ``Browser.open`` loads a file, waits until the page says it is ready and
returns a ``Page``: the console errors (Content Security Policy violations among them), every
request that left the file, the alert/confirm/prompt dialogs that opened (all accepted), and when
the page became ready. ``Browser.ink`` counts the drawn pixels of a canvas, so a test can tell a
graph that rendered from an empty one.

The paths come from the environment variables ``CHROMIUM`` and ``CHROMEDRIVER``, else ``chromium``
and ``chromedriver`` on PATH; ``chromium_problem`` says what is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

from selenium.common.exceptions import (
    JavascriptException,
    NoAlertPresentException,
    TimeoutException,
    UnexpectedAlertPresentException,
)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.command import Command

READY = "document.body.dataset.ready === '1'"
"""The default readiness test: the page sets ``document.body.dataset.ready = '1'`` when done."""

ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",  # tests often run as root or in containers, where the sandbox cannot start
    "--disable-gpu",
    # nothing but the page itself may touch the network: no update checks, sync or other services
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",  # /dev/shm is small in containers; Chromium crashes when it fills
    "--window-size=1400,900",
)

INSTALL = (
    "install them with `apt-get install chromium chromium-driver`, or run `bash scripts/test`, "
    "which installs them"
)

# Schemes that never leave the page: its own data, and the blank page the browser starts from.
LOCAL_SCHEMES = ("data:", "blob:", "about:")

# Readiness is polled with this script: [performance.now() once ready else null, error or null].
_POLL = """
try {
  return [(%s) ? performance.now() : null, null];
} catch (error) {
  return [null, String(error)];
}
"""

# The ink of a canvas: its pixels whose RGBA differs from the most common colour. Every pixel is
# counted (no sampling): under 0.1 s for a 1400 × 900 canvas of thousands of colours. A canvas
# without a 2D context (WebGL) is first copied onto a 2D one.
_INK = """
const canvas = document.querySelector(arguments[0]);
if (!(canvas instanceof HTMLCanvasElement)) return null;
const width = canvas.width, height = canvas.height;
if (width === 0 || height === 0) return 0;
let context = canvas.getContext('2d');
if (context === null) {
  const copy = document.createElement('canvas');
  copy.width = width;
  copy.height = height;
  context = copy.getContext('2d');
  context.drawImage(canvas, 0, 0);
}
const pixels = new Uint32Array(context.getImageData(0, 0, width, height).data.buffer);
pixels.sort();  // getImageData's own copy, sorted: its longest run is the most common colour
let most = 0;
for (let start = 0, i = 1; i <= pixels.length; i++) {
  if (i === pixels.length || pixels[i] !== pixels[start]) {
    most = Math.max(most, i - start);
    start = i;
  }
}
return pixels.length - most;
"""


def _executable(variable: str, name: str) -> tuple[str | None, str | None]:
    """The program the environment variable names, else ``name`` on PATH: (path, problem)."""
    configured = os.environ.get(variable)
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, None
        return None, f"{variable}={configured} is not an executable file"
    found = shutil.which(name)
    if found is None:
        return None, f"no `{name}` on PATH and {variable} is not set"
    return found, None


def _executables() -> tuple[str | None, str | None, list[str]]:
    """Paths of chromium and chromedriver, and what is wrong with them."""
    chromium, browser_problem = _executable("CHROMIUM", "chromium")
    chromedriver, driver_problem = _executable("CHROMEDRIVER", "chromedriver")
    return chromium, chromedriver, [p for p in (browser_problem, driver_problem) if p is not None]


def chromium_problem() -> str | None:
    """None when chromium and chromedriver are found, else a sentence saying what is missing."""
    problems = _executables()[2]
    if not problems:
        return None
    return f"Browser tests need Chromium and chromedriver ({'; '.join(problems)}): {INSTALL}"


@dataclass(frozen=True)
class Page:
    """What happened while a page loaded, up to the moment it was ready."""

    url: str
    """The file's URL, as loaded."""
    console_errors: list[str]
    """Browser log messages of level SEVERE (console.error, uncaught exceptions, failed loads),
    and any message about a Content Security Policy or a refusal."""
    requests: list[str]
    """Every URL the page requested besides its own file and data:, blob: and about: URLs, that is
    everything that left the file (in order, each once). A request the CSP blocked still counts:
    Chromium reports it before blocking it."""
    alerts: list[str]
    """The texts of the alert, confirm and prompt dialogs that opened, in order (each accepted)."""
    ready_ms: float
    """The page's ``performance.now()`` when it was first seen ready: milliseconds since the
    navigation started."""
    console: list[str]
    """Every browser log message, ``LEVEL message``, for diagnostics."""


class Browser:
    """One headless Chromium and its chromedriver, for as long as the context lasts."""

    def __init__(self) -> None:
        chromium, chromedriver, _ = _executables()
        if chromium is None or chromedriver is None:
            raise RuntimeError(chromium_problem())
        self._profile = Path(tempfile.mkdtemp(prefix="chainmap-chromium-"))
        options = Options()
        options.binary_location = chromium
        for argument in ARGUMENTS:
            options.add_argument(argument)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # Dialogs are accepted as they open, and the next command reports their text.
        options.unhandled_prompt_behavior = "accept and notify"
        # Chromium keeps crash reports under XDG_CONFIG_HOME and GTK settings under XDG_CACHE_HOME
        # whatever the profile: both go into the profile, so that nothing is left in the home.
        environment = {
            **os.environ,
            "XDG_CONFIG_HOME": str(self._profile / "config"),
            "XDG_CACHE_HOME": str(self._profile / "cache"),
        }
        try:
            self._driver = WebDriver(
                service=Service(executable_path=chromedriver, env=environment), options=options
            )
        except BaseException:
            shutil.rmtree(self._profile, ignore_errors=True)
            raise

    def __enter__(self) -> Self:
        return self

    @property
    def driver(self) -> WebDriver:
        """The WebDriver itself, for what a test does by hand (fill a form, press a key)."""
        return self._driver

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop chromedriver and Chromium, and remove the browser profile."""
        try:
            self._driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    def open(self, path: Path | str, ready: str = READY, timeout: float = 20) -> Page:
        """Load ``path`` (a file, or a URL such as ``http://127.0.0.1:PORT/...``) and wait until
        the JavaScript expression ``ready`` is true.

        Raises AssertionError, with the console messages, when the page is not ready within
        ``timeout`` seconds.
        """
        url = path if isinstance(path, str) else path.resolve().as_uri()
        driver = self._driver
        # Leave the previous page (or the New Tab page Chromium starts on) first, so that none of
        # its timers or requests run on into this page's report, then forget what has been logged.
        self._take_alerts([])  # a dialog the previous page opened late is not this page's
        try:
            driver.get("about:blank")
        except UnexpectedAlertPresentException:
            driver.get("about:blank")  # that dialog is accepted now
        self._drain()
        alerts: list[str] = []
        deadline = time.monotonic() + timeout
        driver.set_page_load_timeout(timeout)
        try:
            driver.get(url)
        except UnexpectedAlertPresentException as alert:
            alerts.append(alert.alert_text or "")
        except TimeoutException:
            pass  # a resource that never arrives: the page may be ready all the same
        poll = _POLL % ready
        ready_ms: float | None = None
        error: str | None = None
        console: list[str] = []
        while ready_ms is None:
            self._take_alerts(alerts)
            try:
                ready_ms, error = driver.execute_script(poll)
            except UnexpectedAlertPresentException as alert:
                alerts.append(alert.alert_text or "")
            except JavascriptException as failure:  # e.g. `ready` is not an expression
                error = failure.msg
            if ready_ms is None:
                console += [f"{e['level']} {e['message']}" for e in self._log("browser")]
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{url} was not ready ({ready}) within {timeout} s"
                        + (f"; evaluating it failed: {error}" if error else "")
                        + f"; alerts: {alerts}; console:\n"
                        + ("\n".join(console) or "(nothing)")
                    )
                time.sleep(0.02)
        self._take_alerts(alerts)
        entries = self._log("browser")
        console += [f"{e['level']} {e['message']}" for e in entries]
        return Page(
            url=url,
            console_errors=[
                line.split(" ", 1)[1]
                for line in console
                if line.startswith("SEVERE ")
                or "Content Security Policy" in line
                or "Refused to" in line
            ],
            requests=self._requests(url),
            alerts=alerts,
            ready_ms=float(ready_ms),
            console=console,
        )

    def ink(self, selector: str = "canvas") -> int:
        """Pixels of the first canvas matching ``selector`` whose colour is not its most common one.

        Every pixel is counted. A blank canvas, or one filled with a single colour, gives 0.
        """
        count = self._driver.execute_script(_INK, selector)
        if count is None:
            raise AssertionError(f"no <canvas> matches {selector!r}")
        return int(count)

    def point(self, selector: str, x: float, y: float) -> None:
        """Move the mouse to (``x``, ``y``) pixels from the top left of the element ``selector``
        names, as a person's pointer would (the page sees real mouse events)."""
        target = self._driver.find_element(By.CSS_SELECTOR, selector)
        size = target.size
        ActionChains(self._driver).move_to_element_with_offset(
            target, round(x - size["width"] / 2), round(y - size["height"] / 2)
        ).perform()

    def run(self, script: str, *args: object) -> object:
        """Run JavaScript in the page (``return`` gives a value back); ``arguments[i]`` are args."""
        result: object = self._driver.execute_script(script, *args)
        return result

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the whole window to ``path``.

        That is the page's viewport: 1400 pixels wide, and less high than the 900 of the window
        (1400 × 757 with Chromium 156), since headless Chromium keeps room for its toolbars.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self._driver.get_screenshot_as_file(str(path)):
            raise OSError(f"could not write the screenshot {path}")
        return path

    def _log(self, kind: str) -> list[dict[str, Any]]:
        """The entries of a WebDriver log since it was last read (reading empties it)."""
        entries: list[dict[str, Any]] = self._driver.execute(Command.GET_LOG, {"type": kind})[
            "value"
        ]
        return entries

    def _drain(self) -> None:
        self._log("browser")
        self._log("performance")

    def _take_alerts(self, alerts: list[str]) -> None:
        """Accept the dialogs that are open, recording their texts."""
        while True:
            try:
                alert = self._driver.switch_to.alert
                text = alert.text
                alert.accept()
            except NoAlertPresentException:
                return
            alerts.append(text)

    def _requests(self, url: str) -> list[str]:
        """The URLs requested since the log was drained that left the page ``url``."""
        own = unquote(url)
        found: list[str] = []
        for entry in self._log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message.get("method") == "Network.requestWillBeSent":
                requested = params["request"]["url"]
            elif message.get("method") == "Network.webSocketCreated":
                requested = params["url"]
            else:
                continue
            if unquote(requested.split("#", 1)[0]) == own or requested.startswith(LOCAL_SCHEMES):
                continue
            if requested not in found:
                found.append(requested)
        return found
