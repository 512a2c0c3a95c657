"""The console's chain pages (overview with the segment strip, a segment's firms, the atlas, the
plan and its batches), each role over chains C1 and C2 of the API tests' world, on both stores;
the batches' export; and the pages in headless Chromium.

A variant of the world (:func:`variant_tables`) gives the segments one stage, so that only their
feeds order them, and names two firms with hostile text: a formula for the export, markup for
the pages.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from api_world import A1, B1, D1, D2, L1, L2, NAMES, S, T, serving, tables
from console_world import Client, Console, log_in, make_accounts
from console_world import console as console  # the fixture
from fastapi.testclient import TestClient
from sample_chain import write_dataset

from chainmap.api import create_app
from chainmap.api.console.render import POLICY
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

FORMULA = '=HYPERLINK("x")'
MARKUP = "<img src=x onerror=alert(1)>"
ANHUI = {L2, B1, T, D2}
#: the segments of both chains, upstream to downstream; alphabetically they would be otherwise
FLOW = ["parts", "assembly", "sales"]
SEGMENT_NAMES = {"parts": "零部件", "assembly": "整车制造", "sales": "销售"}
ROLES = ("admin", "reg32", "reg34", "leader1", "leader2", "analyst32")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def strip(html: str) -> list[tuple[str, int]]:
    """The segment strip of a chain page: (segment id, firms) in the order shown."""
    ids = re.findall(r'<li class="segcard cov-[a-z0-9]+" data-segment="([^"]+)">', html)
    firms = [int(n.replace(",", "")) for n in re.findall(r'<dd class="firms">([\d,]+)</dd>', html)]
    assert len(ids) == len(firms), html
    return list(zip(ids, firms, strict=True))


def firm_rows(html: str) -> set[str]:
    """The USCCs of a segment page's firm table."""
    return set(re.findall(r'<tr data-uscc="([0-9A-Z]{18})">', html))


def variant_tables() -> dict[str, list[list[str]]]:
    """The world with every segment midstream (only the feeds order them) and A1 and T named
    with a formula and with markup."""
    edited = {name: [list(row) for row in rows] for name, rows in tables().items()}
    for row in edited["enterprises"][1:]:
        row[1] = {A1: FORMULA, T: MARKUP}.get(row[0], row[1])
    for row in edited["segments"][1:]:
        row[3] = "midstream"
    return edited


def clients(console: Console) -> Any:
    """``as_(who)`` logging each account in once (a login costs a password hash)."""
    made: dict[str, Client] = {}

    def as_(who: str) -> Client:
        if who not in made:
            made[who] = console.as_(who)
        return made[who]

    return as_


def _load(url: str, folder: Path, world: dict[str, list[list[str]]]) -> None:
    import_datasets([write_dataset(folder, world)], lambda: open_store(url, create=True))
    make_accounts(url)


@pytest.fixture
def variant(store_url: str, tmp_path: Path) -> Iterator[Console]:
    """The console over the variant world, in a store of each kind."""
    _load(store_url, tmp_path / "variant", variant_tables())
    app = create_app(Settings(store=store_url))
    with TestClient(app):
        yield Console(app, store_url)


# ---- the overview: region, leaders, segment strip -------------------------------------------


def test_each_role_sees_the_chain_and_its_strip_within_its_bounds(console: Console) -> None:
    pages = {who: console.as_(who) for who in ROLES}
    for who, client in pages.items():
        for chain in ("C1", "C2"):
            answer = client.get(f"/chains/{chain}")
            refused = (who, chain) in {("leader1", "C2"), ("leader2", "C1")}
            assert answer.status_code == (404 if refused else 200), (who, chain)
            assert answer.headers["content-security-policy"] == POLICY
            if refused:
                assert "未找到" in answer.text and "新能源汽车产业链" not in answer.text
                continue
            assert [s for s, _ in strip(answer.text)] == FLOW, (who, chain)
            shown = _text(answer.text)
            assert "江苏省苏州市" in shown if chain == "C1" else "安徽省合肥市" in shown
            # the segments by name, in flow order, never their ids alone
            names = [shown.index(SEGMENT_NAMES[s]) for s in FLOW]
            assert names == sorted(names)
    firms = {
        (who, chain): dict(strip(pages[who].get(f"/chains/{chain}").text))
        for who, chain in (
            ("admin", "C1"),
            ("reg34", "C1"),
            ("analyst32", "C1"),
            ("analyst32", "C2"),
            ("leader1", "C1"),
        )
    }
    # admins and regulators: chain-wide (the segments route's rule); an analyst its regions
    chain_wide = {"parts": 3, "assembly": 1, "sales": 1}
    assert firms["admin", "C1"] == firms["reg34", "C1"] == chain_wide
    assert firms["analyst32", "C1"] == {"parts": 2, "assembly": 1, "sales": 0}  # A1, S; L1
    assert firms["analyst32", "C2"] == {"parts": 1, "assembly": 0, "sales": 0}  # S
    # a leader: its own tree (L1, A1, S, T, D1)
    assert firms["leader1", "C1"] == chain_wide
    assert "贵企业的供应链" in pages["leader1"].get("/chains/C1").text


#: the answer each role gets for each page of C1 and C2 (plan: the 403 page outside its regions)
STATUS = {
    "admin": {"C1": (200, 200), "C2": (200, 200)},
    "reg32": {"C1": (200, 200), "C2": (200, 403)},
    "reg34": {"C1": (200, 403), "C2": (200, 200)},
    "leader1": {"C1": (200, 200), "C2": (404, 404)},
    "leader2": {"C1": (404, 404), "C2": (200, 200)},
    "analyst32": {"C1": (200, 403), "C2": (200, 403)},
}


def test_every_page_answers_each_role_as_its_bounds_allow(console: Console) -> None:
    for who, chains in STATUS.items():
        client = console.as_(who)
        for chain, (pages, plan) in chains.items():
            for path in ("", "/segments/parts", "/segments/sales", "/atlas"):
                answer = client.get(f"/chains/{chain}{path}")
                assert answer.status_code == pages, (who, chain, path)
                assert answer.headers["content-type"].startswith("text/html")
            assert client.get(f"/chains/{chain}/plan").status_code == plan, (who, chain)
    assert console.as_("admin").get("/chains/C9").status_code == 404
    assert console.anonymous().get("/chains/C1/plan").status_code == 303  # to the login page


def test_the_strip_is_the_segments_routes_answer(console: Console) -> None:
    for who in ("admin", "reg32", "reg34", "analyst32"):
        client = console.as_(who)
        api = client.get("/api/v1/chains/C1/segments").json()
        html = client.get("/chains/C1").text
        assert strip(html) == [(s["segment_id"], s["firms"]) for s in api], who
        weak = [int(n) for n in re.findall(r'<dd class="weak">(\d+)</dd>', html)]
        assert weak == [s["weak_links"] for s in api]


def test_leaders_are_named_only_within_the_bounds(console: Console) -> None:
    as_ = clients(console)
    admin = as_("admin").get("/chains/C1").text
    assert NAMES[L1] in admin and f'href="/firms/{L1}"' in admin
    reg34 = as_("reg34").get("/chains/C1").text
    assert NAMES[L1] not in reg34 and "另有 1 家链主企业" in reg34
    analyst = as_("analyst32")
    c1 = analyst.get("/chains/C1").text
    assert NAMES[L1] in c1 and "/firms/" not in c1  # analysts cannot open firm pages
    assert NAMES[L2] not in analyst.get("/chains/C2").text
    assert NAMES[L1] in as_("leader1").get("/chains/C1").text


def test_a_leaders_strip_follows_the_feeds_of_its_chain(variant: Console) -> None:
    """Every segment midstream: only the chain's feeds put parts before assembly."""
    for who, chain in (("leader1", "C1"), ("leader2", "C2"), ("admin", "C1"), ("reg34", "C2")):
        html = variant.as_(who).get(f"/chains/{chain}").text
        assert [s for s, _ in strip(html)] == FLOW, who


def test_the_pages_speak_english_when_asked(console: Console) -> None:
    client = console.as_("reg32")
    client.post("/lang", {"lang": "en", "back": "/"})
    html = client.get("/chains/C1").text
    assert "Segments, upstream to downstream" in html and "Share certified" in html
    assert "Upstream" in html
    assert "lang=en" in client.get("/chains/C1/atlas").text
    assert "lang=en" in client.get("/chains/C1/plan").text


# ---- a segment's firms --------------------------------------------------------------------


def test_a_segments_firms_keep_to_the_bounds(console: Console) -> None:
    as_ = clients(console)
    seen = {
        who: {
            chain: firm_rows(as_(who).get(f"/chains/{chain}/segments/parts").text)
            for chain in ("C1", "C2")
        }
        for who in ("admin", "reg32", "reg34", "analyst32")
    }
    assert seen["admin"] == {"C1": {A1, S, T}, "C2": {B1, S, T}}
    assert seen["reg32"] == seen["analyst32"] == {"C1": {A1, S}, "C2": {S}}
    assert seen["reg34"] == {"C1": {T}, "C2": {B1, T}}
    analyst = as_("analyst32")
    for chain in ("C1", "C2"):
        for segment in FLOW:
            html = analyst.get(f"/chains/{chain}/segments/{segment}").text
            assert not any(NAMES[u] in html or u in html for u in ANHUI), (chain, segment)
            assert "安徽" not in html
    leader = as_("leader1")
    assert firm_rows(leader.get("/chains/C1/segments/parts").text) == {A1, S, T}
    assert firm_rows(leader.get("/chains/C1/segments/sales").text) == {D1}
    for page in ("/chains/C2/segments/parts", "/chains/C2/segments/nowhere"):
        assert leader.get(page).status_code == 404


def test_a_segment_page_names_everything_in_words(console: Console) -> None:
    client = console.as_("reg32")
    parts = client.get("/chains/C1/segments/parts")
    assert parts.status_code == 200
    shown = _text(parts.text)
    assert "零部件环节的企业" in shown
    assert "江苏省苏州市" in shown  # S in 320505, A1 in 320506
    assert "汽车整车制造" in shown or "C3670" in shown  # the industry by name beside its code
    assert "无证书" in shown and "薄弱环节" in shown
    assert f'href="/firms/{S}"' in parts.text  # a regulator may open firm pages
    # the weak-link score beside the weak links, the firm with the highest first
    scores = [float(x) for x in re.findall(r'<td class="num">(\d\.\d\d) <span', parts.text)]
    assert scores and scores == sorted(scores, reverse=True)
    assembly = _text(client.get("/chains/C1/segments/assembly?as_of=2025-06-01").text)
    assert "有效" in assembly and "2027-01-01" in assembly  # L1's certificate and its expiry
    assert "2025-06-01" in assembly  # the day it was judged on
    later = _text(client.get("/chains/C1/segments/assembly?as_of=2026-12-01").text)
    assert "即将到期" in later
    missing = client.get("/chains/C1/segments/nowhere")
    assert missing.status_code == 404 and "未找到环节" in missing.text
    assert console.as_("analyst32").get("/chains/C9/segments/parts").status_code == 404


def test_hostile_names_stay_text(variant: Console) -> None:
    html = variant.as_("admin").get("/chains/C1/segments/parts").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "=HYPERLINK(&#34;x&#34;)" in html or "=HYPERLINK(&quot;x&quot;)" in html


# ---- the atlas ------------------------------------------------------------------------------


def _frame(html: str) -> dict[str, str] | None:
    found = re.search(r"<iframe ([^>]*)></iframe>", html)
    if found is None:
        return None
    return dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))


def test_each_role_gets_the_atlas_it_may_draw(console: Console) -> None:
    as_ = clients(console)
    expected = {
        ("admin", "C1"): "/api/v1/atlases/chain/C1?lang=zh",
        ("admin", "C2"): "/api/v1/atlases/chain/C2?lang=zh",
        ("leader1", "C1"): f"/api/v1/atlases/leader/{L1}?lang=zh",
        ("leader2", "C2"): f"/api/v1/atlases/leader/{L2}?lang=zh",
        ("reg32", "C1"): "/api/v1/atlases/region/3205?lang=zh",
        ("reg34", "C2"): "/api/v1/atlases/region/3401?lang=zh",
    }
    for (who, chain), src in expected.items():
        client = as_(who)
        answer = client.get(f"/chains/{chain}/atlas")
        assert answer.status_code == 200, (who, chain)
        frame = _frame(answer.text)
        assert frame is not None, (who, chain)
        assert frame["sandbox"] == "allow-scripts" and frame["title"]
        assert frame["src"].replace("&amp;", "&") == src
        assert f'href="{frame["src"]}" target="_blank"' in answer.text  # a new tab too
        drawn = client.get(src)  # the frame's own request, with the session cookie
        assert drawn.status_code == 200 and drawn.headers["content-type"].startswith("text/html")
    # a regulator outside the chain's region: no frame, its own regions' atlases instead
    reg32 = as_("reg32").get("/chains/C2/atlas").text
    assert _frame(reg32) is None
    assert "不在您的辖区内" in reg32 and "/api/v1/atlases/region/32?lang=zh" in reg32
    reg34 = as_("reg34").get("/chains/C1/atlas").text
    assert _frame(reg34) is None and "/api/v1/atlases/region/34?lang=zh" in reg34
    assert "安徽省" in _text(reg34)
    analyst = as_("analyst32").get("/chains/C1/atlas")
    assert analyst.status_code == 200 and _frame(analyst.text) is None
    assert "无权查看图谱" in analyst.text and "/api/v1/atlases" not in analyst.text
    for who, chain in (("leader1", "C2"), ("leader2", "C1")):
        assert as_(who).get(f"/chains/{chain}/atlas").status_code == 404


def test_the_atlas_takes_the_day_asked_for(console: Console) -> None:
    html = console.as_("admin").get("/chains/C1/atlas?as_of=2026-03-01").text
    frame = _frame(html)
    assert frame is not None
    assert frame["src"].replace("&amp;", "&") == "/api/v1/atlases/chain/C1?lang=zh&as_of=2026-03-01"


# ---- the plan and the batches ---------------------------------------------------------------


def _batch_firms(html: str) -> set[str]:
    table = html.split('id="batches"', 1)[1] if 'id="batches"' in html else ""
    return set(re.findall(r'<span class="code">([0-9A-Z]{18})</span>', table))


def test_the_plan_page_for_each_role(console: Console) -> None:
    as_ = clients(console)
    allowed = [("admin", "C1"), ("admin", "C2"), ("reg32", "C1"), ("reg34", "C2")]
    allowed += [("leader1", "C1"), ("leader2", "C2")]
    for who, chain in allowed:
        client = as_(who)
        answer = client.get(f"/chains/{chain}/plan")
        assert answer.status_code == 200, (who, chain)
        frame = _frame(answer.text)
        # no script runs in it; the same origin only lets the frame take the keyboard's focus,
        # so that the plan scrolls with the arrow keys
        assert frame is not None and frame["sandbox"] == "allow-same-origin" and frame["title"]
        assert frame["tabindex"] == "0"
        src = frame["src"].replace("&amp;", "&")
        assert src == f"/api/v1/chains/{chain}/plan?format=html&lang=zh"
        assert client.get(src).status_code == 200
        for format in ("md", "html", "json", "docx", "xlsx"):  # every format the CLI writes
            link = f"/api/v1/chains/{chain}/plan?format={format}&amp;lang=zh"
            assert link in answer.text, (who, format)
        for format in ("docx", "xlsx"):  # the office files download with the session's cookie
            got = client.get(f"/api/v1/chains/{chain}/plan", format=format, lang="zh")
            assert got.status_code == 200 and got.content[:2] == b"PK", (who, format)
        # the batches: the firms the API's /batches gives this caller, by name
        api = client.get(f"/api/v1/chains/{chain}/batches").json()
        members = {m["uscc"] for b in api for m in b["members"]}
        assert members and _batch_firms(answer.text) == members, (who, chain)
        assert all(NAMES[u] in answer.text for u in members)
        assert "中国质量认证中心" in answer.text  # the body by name
    # leader1's batches are its tree's; reg34 organises C2 whole, Jiangsu's S included
    assert _batch_firms(as_("leader1").get("/chains/C1/plan").text) <= {A1, S, T}
    assert S in _batch_firms(as_("reg34").get("/chains/C2/plan").text)


def test_the_plan_is_refused_in_words(console: Console) -> None:
    as_ = clients(console)
    outside = as_("reg34").get("/chains/C1/plan")
    assert outside.status_code == 403
    assert "无权访问" in outside.text and "不在本令牌的地区" in outside.text
    assert outside.headers["content-type"].startswith("text/html")
    assert as_("reg32").get("/chains/C2/plan").status_code == 403
    analyst = as_("analyst32").get("/chains/C1/plan")
    assert analyst.status_code == 403 and "分析人员令牌无权" in analyst.text
    for who, chain in (("leader1", "C2"), ("leader2", "C1")):
        assert as_(who).get(f"/chains/{chain}/plan").status_code == 404
    assert as_("reg34").get("/chains/C1/plan?export=xlsx").status_code == 403


def _download(client: Client, path: str) -> Any:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    named = re.search(r"filename\*=UTF-8''([^;]+)$", disposition)
    assert named, disposition
    assert disposition.isascii()
    return answer, unquote(named.group(1))


def test_the_batches_export_as_a_workbook_safe_to_open(variant: Console) -> None:
    from openpyxl import load_workbook

    client = variant.as_("admin")
    api = client.get("/api/v1/chains/C1/batches").json()
    members = [m for b in api for m in b["members"]]
    answer, name = _download(client, "/chains/C1/plan?export=xlsx")
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert name.startswith("联合认证批次-苏州新能源汽车产业链-") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    assert "统一社会信用代码" in header and "企业名称" in header
    uscc_at, name_at = header.index("统一社会信用代码"), header.index("企业名称")
    body = rows[1:]
    assert {r[uscc_at].value for r in body} == {m["uscc"] for m in members}
    assert all(r[uscc_at].data_type == "s" and r[uscc_at].number_format == "@" for r in body)
    names = {r[name_at].value for r in body}
    assert "'" + FORMULA in names and FORMULA not in names  # shown as text, never run
    assert all(r[name_at].data_type == "s" for r in body)


def test_the_batches_export_as_csv(variant: Console) -> None:
    client = variant.as_("admin")
    client.post("/lang", {"lang": "en", "back": "/"})
    answer, name = _download(client, "/chains/C1/plan?export=csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert name.startswith("joint certification-") and name.endswith(".csv")
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["uscc"] for r in rows} >= {A1, S}
    assert "'" + FORMULA in {r["name"] for r in rows}


def test_an_export_the_page_lacks_is_refused(console: Console) -> None:
    client = console.as_("admin")
    assert client.get("/chains/C1/plan?export=pdf").status_code == 422
    assert client.get("/chains/C1/plan?format=csv").status_code == 400


# ---- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_variant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``chainmap serve`` over the variant world in an embedded store; its base URL."""
    folder = tmp_path_factory.mktemp("chain-pages")
    url = f"sqlite:///{folder / 'console.db'}"
    _load(url, folder / "world", variant_tables())
    with serving(url) as base:
        yield base


def _clean(page: Any) -> None:
    assert page.console_errors == [], page.console
    assert page.alerts == []
    assert all(r.startswith(("http://127.0.0.1", "data:")) for r in page.requests), page.requests


def _lang(browser: Any) -> str:
    """The language the console shows the browser (Chinese unless switched to English)."""
    return "zh" if browser.run("return document.documentElement.lang") == "zh-CN" else "en"


def _frame_heading(browser: Any, frame_id: str) -> str:
    """The first heading of the page inside the frame, once it has loaded."""
    import time

    from selenium.webdriver.common.by import By

    driver = browser.driver
    driver.switch_to.frame(driver.find_element(By.ID, frame_id))
    try:
        deadline = time.monotonic() + 20
        while not browser.run("return document.querySelector('h1') !== null"):
            assert time.monotonic() < deadline, "nothing loaded in the frame"
            time.sleep(0.05)
        return str(browser.run("return document.querySelector('h1').textContent"))
    finally:
        driver.switch_to.default_content()


def _frame_drawn(browser: Any, frame_id: str) -> dict[str, Any]:
    """Wait for the atlas inside the frame to say it is ready; what it drew."""
    import time

    from selenium.webdriver.common.by import By

    driver = browser.driver
    driver.switch_to.frame(driver.find_element(By.ID, frame_id))
    try:
        deadline = time.monotonic() + 20
        while browser.run("return document.body && document.body.dataset.ready") != "1":
            assert time.monotonic() < deadline, "the atlas in the frame never got ready"
            time.sleep(0.05)
        return {
            "ink": browser.ink("#atlas-network canvas"),
            "origin": browser.run("return window.origin"),
            "images": browser.run("return document.images.length"),
        }
    finally:
        driver.switch_to.default_content()


def test_the_chain_pages_in_a_browser(browser: Any, served_variant: str) -> None:
    base = served_variant
    log_in(browser, base, "admin")
    overview = browser.open(f"{base}/chains/C1")
    _clean(overview)
    assert (
        browser.run(
            "return [...document.querySelectorAll('#strip li')].map(l => l.dataset.segment)"
        )
        == FLOW
    )
    segment = browser.open(f"{base}/chains/C1/segments/parts")
    _clean(segment)
    assert browser.run("return document.images.length") == 0  # the markup stayed text
    names = browser.run(
        "return [...document.querySelectorAll('#firms tbody th a')].map(a => a.textContent)"
    )
    assert MARKUP in names and FORMULA in names
    plan = browser.open(f"{base}/chains/C1/plan")
    _clean(plan)
    assert browser.run("return document.querySelectorAll('#batches tbody tr').length") >= 1
    assert browser.run("return document.getElementById('plan-frame').src") == (
        f"{base}/api/v1/chains/C1/plan?format=html&lang={_lang(browser)}"
    )
    assert _frame_heading(browser, "plan-frame") in (
        "一链一策：苏州新能源汽车产业链（C1）",
        ("One chain, one policy: 苏州新能源汽车产业链 (C1)"),
    )


@pytest.mark.parametrize(
    ("who", "chain", "src"),
    [
        ("admin", "C1", "/api/v1/atlases/chain/C1?lang="),
        ("leader1", "C1", f"/api/v1/atlases/leader/{L1}?lang="),
        ("reg32", "C1", "/api/v1/atlases/region/3205?lang="),
    ],
)
def test_the_atlas_draws_inside_its_frame(
    browser: Any, served_variant: str, who: str, chain: str, src: str
) -> None:
    base = served_variant
    log_in(browser, base, who)
    page = browser.open(f"{base}/chains/{chain}/atlas")
    _clean(page)
    assert browser.run("return document.getElementById('atlas-frame').src") == (
        base + src + _lang(browser)
    )
    drawn = _frame_drawn(browser, "atlas-frame")
    assert drawn["ink"] > 500
    assert drawn["origin"] == "null"  # sandboxed: an origin of its own, not the console's
    assert drawn["images"] == 0
    # nothing the frame did was refused or failed (its CSP is its own meta tag)
    errors = [
        e["message"]
        for e in browser.driver.get_log("browser")
        if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]
    ]
    assert errors == []
