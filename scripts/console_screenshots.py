"""Screenshots of the web console for docs/console.md, one role at a time, from the demo's data.

    bash scripts/console-screenshots            # writes docs/console/*.png
    python scripts/console_screenshots.py --lang en --out /tmp/console-en

Builds the demo (2,000 firms, 5 chains, seed 1, judged on the samples' reference date) in a
temporary folder, starts `chainmap serve` over it on a free loopback port, and logs in through the
login form as each of the demo's accounts in headless Chromium (Debian's chromium and
chromedriver, driven as tests/browser.py drives them): the first login with the one-time password
shows the password page, where a new password is set. Then each page is opened and the whole page
saved as a PNG: the home page of every role, a chain's segments, weak links, atlas and plan, one
segment, a firm, the leader's page, the regions, the weak-link query, the upload form and its
confirmation, the users and the tokens.

Chinese needs a CJK font, else every character is drawn as a box: the script refuses to run
without one and says how to install it (Debian: `apt-get install -y fonts-noto-cjk`).

A page the console does not have (yet) is reported as missing, and the script then exits with
status 1 after writing the others; a page that logs errors in the browser (a Content Security
Policy violation among them) is reported too.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from api_world import serving  # noqa: E402
from browser import Browser, chromium_problem  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from chainmap.analysis import load_weights, weak_links  # noqa: E402
from chainmap.demo import DemoResult, run_demo  # noqa: E402
from chainmap.graph import to_digraph  # noqa: E402
from chainmap.samples import REFERENCE_DATE  # noqa: E402
from chainmap.store import open_store  # noqa: E402

#: the password each demo account is given at its first login
NEW_PASSWORD = "console screenshots 截图"
#: the widest and the tallest picture
WIDTH, TALLEST = 1400, 1600
FONT_HELP = (
    "Chinese would be drawn as boxes: this machine has no CJK font. Install one, e.g. on Debian "
    "`apt-get install -y fonts-noto-cjk` (as root), then run this again."
)


@dataclass(frozen=True)
class Shot:
    """One picture: its file name, who takes it, the page, and what to do there first."""

    name: str
    who: str
    path: str
    upload: Path | None = None  # a dataset to send through the upload form, for its preview


def cjk_font_problem() -> str | None:
    """None when fontconfig knows a font for Chinese, else what to do."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return "fontconfig's fc-list is missing, so no font can be checked. " + FONT_HELP
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return None if found.stdout.strip() else FONT_HELP


def shots(demo: DemoResult) -> list[Shot]:
    """The pictures docs/console.md shows, over the demo's first chain."""
    weights = load_weights()
    with open_store(demo.store_url) as store:
        chain = store.chains()[0]
        graph = to_digraph(store.chain(chain.chain_id))
        leader = graph.graph["leaders"][0]
        segment = graph.graph["segments"][0].segment_id
        province = (chain.region_code or graph.nodes[leader]["region_code"])[:2]
        figures = weak_links(graph, REFERENCE_DATE, weights, [leader])
        # the weakest firm of the regulator's province, else of the chain
        inside = [f for f in figures if graph.nodes[f.uscc]["region_code"].startswith(province)]
        firm = (inside or figures)[0].uscc
    c = f"/chains/{chain.chain_id}"
    return [
        Shot("home-admin", "admin", "/"),
        Shot("home-regulator", "regulator", "/"),
        Shot("home-leader", "leader", "/"),
        Shot("home-analyst", "analyst", "/"),
        Shot("chain-segments", "regulator", c),
        Shot("chain-segment", "regulator", f"{c}/segments/{segment}"),
        Shot("chain-weak-links", "regulator", f"{c}/weak-links"),
        Shot("chain-atlas", "admin", f"{c}/atlas"),
        Shot("chain-plan", "regulator", f"{c}/plan"),
        Shot("firm", "regulator", f"/firms/{firm}"),
        Shot("leader", "leader", "/leader"),
        Shot("regions", "regulator", "/regions"),
        Shot("query", "analyst", "/query"),
        Shot("upload", "admin", "/upload"),
        Shot("upload-confirm", "admin", "/upload", upload=demo.ledger_path),
        Shot("users", "admin", "/admin/users"),
        Shot("tokens", "admin", "/admin/tokens"),
    ]


class Console:
    """The browser on the console, logged in as one account at a time."""

    def __init__(self, browser: Browser, base: str, passwords: dict[str, str], lang: str):
        self.browser = browser
        self.base = base
        self.passwords = passwords  # login: the password that logs in now
        self.lang = lang
        self.who: str | None = None
        self.first_login: Path | None = None  # where to keep the password page, once

    def log_in(self, who: str, shots_dir: Path) -> None:
        if self.who == who:
            return
        driver = self.browser.driver
        self.browser.open(f"{self.base}/login")
        driver.delete_all_cookies()
        driver.add_cookie({"name": "chainmap_lang", "value": self.lang, "path": "/"})
        self.browser.open(f"{self.base}/login")
        driver.find_element(By.ID, "login").send_keys(who)
        driver.find_element(By.ID, "password").send_keys(self.passwords[who])
        self.submit("form[action='/login'] button[type=submit]")
        if driver.current_url.endswith("/password"):  # the one-time password: a new one first
            if self.first_login is None:
                self.first_login = self.save(shots_dir / "password.png")
            for field, value in (
                ("current", self.passwords[who]),
                ("new", NEW_PASSWORD),
                ("again", NEW_PASSWORD),
            ):
                driver.find_element(By.ID, field).send_keys(value)
            self.submit("form[action='/password'] button[type=submit]")
            if "changed=true" not in driver.current_url:
                said = driver.find_element(By.TAG_NAME, "main").text
                raise SystemExit(f"{who}: the new password was refused: {said}")
            self.passwords[who] = NEW_PASSWORD
        self.who = who

    def submit(self, button: str) -> None:
        """Press the button ``button`` selects and wait for the page its form leads to."""
        driver = self.browser.driver
        pressed = driver.find_element(By.CSS_SELECTOR, button)
        pressed.click()

        # the button's page is gone once the button is: chromedriver says so either as a stale
        # element or, while the next page loads, as a node of no document
        def gone(_: object) -> bool:
            try:
                pressed.is_enabled()
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                return "does not belong to the document" in str(error)
            return False

        wait = WebDriverWait(driver, 60)
        wait.until(gone)
        wait.until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"))

    def save(self, path: Path) -> Path:
        """The whole page as a PNG (the window made as tall as the page, up to TALLEST)."""
        driver = self.browser.driver
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        driver.set_window_size(WIDTH, min(max(height, 700) + 150, TALLEST))
        try:
            return self.browser.screenshot(path)
        finally:
            driver.set_window_size(WIDTH, 900)


def take(console: Console, shot: Shot, folder: Path) -> str | None:
    """Take ``shot``; None when written, else why it could not be."""
    console.log_in(shot.who, folder)
    driver = console.browser.driver
    page = console.browser.open(f"{console.base}{shot.path}")
    if shot.upload is not None and driver.find_elements(By.ID, "files"):
        driver.find_element(By.ID, "files").send_keys(str(shot.upload))
        console.submit("#check")
    errors = driver.find_elements(By.CSS_SELECTOR, "section.error h1")
    if errors:
        return f"{shot.path} as {shot.who}: {errors[0].text}"
    if page.console_errors:
        print(f"  note: {shot.name} logged errors: {page.console_errors}", file=sys.stderr)
    console.save(folder / f"{shot.name}.png")
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console", help="folder")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the console's language")
    parser.add_argument("--enterprises", type=int, default=2000, help="firms in the demo")
    asked = parser.parse_args()
    for problem in (chromium_problem(), cjk_font_problem()):
        if problem is not None:
            print(problem, file=sys.stderr)
            return 2
    work = Path(tempfile.mkdtemp(prefix="chainmap-console-shots-"))
    missing: list[str] = []
    try:
        demo = run_demo(
            work / "demo", enterprises=asked.enterprises, chains=5, seed=1, as_of=REFERENCE_DATE
        )
        passwords = {a.login: a.password for a in demo.accounts}
        wanted = shots(demo)
        asked.out.mkdir(parents=True, exist_ok=True)
        with serving(demo.store_url, seconds=60) as base, Browser() as browser:
            console = Console(browser, base, passwords, asked.lang)
            for shot in wanted:
                why = take(console, shot, asked.out)
                if why is None:
                    print(f"wrote {asked.out / shot.name}.png")
                else:
                    missing.append(f"{shot.name}: {why}")
            if console.first_login is not None:
                print(f"wrote {console.first_login}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if missing:
        print("missing (the console has no such page, or refused it):", file=sys.stderr)
        for line in missing:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
