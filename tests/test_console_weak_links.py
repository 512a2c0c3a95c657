"""The console's weak-link tables: a chain's weak links, the query across chains and the regions
page. Their rows are the API's for the same caller; they filter, sort, page and export (XLSX and
CSV, safe in Excel); values the form could not send are a 422 page; the pages work in a browser
by keyboard, without a console error."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from api_world import A1, B1, L1, L2, NAMES, REGION, S, T, tables
from console_world import Client, Console, log_in, make_accounts
from console_world import console as console  # the fixture
from console_world import served_console as served_console  # the fixture
from fastapi.testclient import TestClient
from sample_chain import write_dataset

from chainmap.analysis import REASONS
from chainmap.analysis.certification import CertState
from chainmap.api import create_app
from chainmap.api.console.i18n import catalogue
from chainmap.config import Settings
from chainmap.enums import SizeClass
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

ROLES = ("admin", "reg32", "reg34", "leader1", "leader2", "analyst32")
_ROW = re.compile(r'<tr data-uscc="([^"]+)" data-leader="([^"]+)" data-chain="([^"]+)">')
JIANGSU = {L1, S, A1}


def rows(answer: Any) -> list[tuple[str, str, str]]:
    """The table's rows, in order: (chain, USCC, leader)."""
    assert answer.status_code == 200, answer.text[:2000]
    return [(chain, uscc, leader) for uscc, leader, chain in _ROW.findall(answer.text)]


def api_rows(client: Client, chain: str, **params: Any) -> list[tuple[str, str, str]] | None:
    """What the API's weak-link route answers the same caller (None: not found)."""
    answer = client.get(f"/api/v1/chains/{chain}/weak-links", **params)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    return [(chain, i["uscc"], i["leader"]) for i in answer.json()["items"]]


def api_everywhere(client: Client, **params: Any) -> set[tuple[str, str, str]]:
    """The API's weak links of every chain the caller may see."""
    chains = [c["chain_id"] for c in client.get("/api/v1/chains").json()]
    return {r for c in chains for r in api_rows(client, c, **params) or []}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_chains_table_holds_the_rows_the_api_gives_each_role(console: Console) -> None:
    shown = 0
    for who in ROLES:
        client = console.as_(who)
        for chain in ("C1", "C2"):
            expected = api_rows(client, chain)
            answer = client.get(f"/chains/{chain}/weak-links")
            if expected is None:
                assert answer.status_code == 404, (who, chain)
                continue
            assert sorted(rows(answer)) == sorted(expected), (who, chain)
            # a lower score asked for: still the API's rows
            assert sorted(rows(client.get(f"/chains/{chain}/weak-links", min_score="0"))) == (
                sorted(api_rows(client, chain, min_score="0") or [])
            ), (who, chain)
            shown += len(expected)
    assert shown > 10  # the world has weak links for every role


def test_a_leader_is_refused_another_leaders_chain_and_the_cross_chain_pages(
    console: Console,
) -> None:
    leader = console.as_("leader1")
    refused = leader.get("/chains/C2/weak-links")
    assert refused.status_code == 404 and "未找到" in refused.text
    assert leader.get("/chains/C2/weak-links", format="xlsx").status_code == 404
    assert leader.get("/query").status_code == 403
    assert leader.get("/regions").status_code == 403
    assert console.as_("analyst32").get("/regions").status_code == 403
    # computed on its own tree: every firm of it, leader L1 named
    mine = rows(leader.get("/chains/C1/weak-links"))
    assert {u for _, u, _ in mine} == {S, T, A1}
    assert NAMES[L1] in leader.get("/chains/C1/weak-links").text
    assert console.anonymous().get("/query").status_code == 303  # to the login page


def test_the_query_spans_every_chain_the_caller_may_see(console: Console) -> None:
    for who in ("admin", "reg32", "reg34", "analyst32"):
        client = console.as_(who)
        shown = rows(client.get("/query"))
        assert set(shown) == api_everywhere(client), who
        assert len(shown) == len(set(shown))
    analyst = console.as_("analyst32").get("/query")
    assert {u for _, u, _ in rows(analyst)} == {S, A1}
    page = text(analyst.text)
    for firm in (L2, B1, T):  # no Anhui firm: not as a row, not as a leader's name
        assert NAMES[firm] not in page
    assert "查看范围外的链主" in page  # S towards L2 (Anhui): the leader is not named
    assert 'href="/firms/' not in analyst.text  # analysts may not open firms' pages
    assert f'href="/firms/{S}"' in console.as_("reg32").get("/query").text
    # the chain column names the chain and the filter offers only chains with rows seen
    assert "苏州新能源汽车产业链" in page and "合肥新能源汽车产业链" in page


def test_the_regions_page_shows_the_regulators_regions_and_only_their_firms(
    console: Console,
) -> None:
    answer = console.as_("reg34").get("/regions")
    assert answer.status_code == 200
    page = text(answer.text)
    assert "安徽省" in page and "安徽省合肥市" in page
    for firm in JIANGSU:
        assert NAMES[firm] not in page, firm
    regions = re.findall(r'<tr data-region="(\d+)">', answer.text)
    assert regions and all(r.startswith("34") for r in regions)
    # coverage: L2, B1, T, D2 in Hefei; B1 alone holds a certificate in force
    hefei = re.search(
        r'<tr data-region="340100">\s*<th scope="row">安徽省合肥市.*?</tr>', answer.text, re.S
    )
    assert hefei is not None
    cells = re.findall(r'<td class="num">([^<]+)</td>', hefei.group(0))
    assert cells[:2] == ["4", "1"] and "25.0%" in hefei.group(0)
    assert re.search(r'<tr data-chain="C1">', answer.text)  # T, in Anhui, is on C1
    assert {u for _, u, _ in rows(answer)} == {T, B1}
    assert set(rows(answer)) == api_everywhere(console.as_("reg34"))
    every = console.as_("admin").get("/regions")
    shown = text(every.text)
    assert "全部地区" in shown and "江苏省苏州市" in shown and "北京市" in shown


def test_the_filters_narrow_the_rows_as_the_api_would(console: Console) -> None:
    admin = console.as_("admin")
    everything = rows(admin.get("/query"))
    assert len(everything) == 6

    def shown(**params: Any) -> set[tuple[str, str, str]]:
        return set(rows(admin.get("/query", **params)))

    assert {u for _, u, _ in shown(region="34")} == {T, B1}
    assert {u for _, u, _ in shown(region="340103")} == {T}
    assert {u for _, u, _ in shown(region="3205")} == {S, A1}
    assert shown(chain="C2") == set(api_rows(admin, "C2") or [])
    assert {u for _, u, _ in shown(reason="single_source")} == {T}
    assert {u for _, u, _ in shown(reason="certificate_expiring")} == {B1}
    assert shown(size="small") == set(everything) and shown(size="micro") == set()
    assert shown(industry="C36") == set(everything) and shown(industry="C3670") == set(everything)
    assert shown(segment="parts") == set(everything)
    assert {u for _, u, _ in shown(min_score="0.5")} == {S, T, A1}
    assert shown(min_score="0") == api_everywhere(admin, min_score="0")
    assert shown(min_score="0.9") == set() == api_everywhere(admin, min_score="0.9")
    assert shown(region="34", reason="uncertified") == {("C1", T, L1), ("C2", T, L2)}
    # empty values, as the form's "all" sends them, filter nothing
    assert shown(region="", size="", chain="", min_score="") == set(everything)
    # the form offers what the caller's rows hold, by name, and keeps the chosen value
    analyst = console.as_("analyst32").get("/query", region="3205")
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', analyst.text)
    regions = {v: label for v, _, label in options if v.isdigit()}
    assert regions and all(v.startswith("32") for v in regions)
    assert regions["3205"] == "江苏省苏州市"
    assert ("3205", " selected", "江苏省苏州市") in options
    assert ("single_point_of_failure", "", REASONS["single_point_of_failure"][0]) in options
    assert ("parts", "", "零部件") in options and ("small", "", "小型") in options
    for control in ("wt-chain", "wt-region", "wt-industry", "wt-size", "wt-segment"):
        assert f'<label for="{control}">' in analyst.text
    assert '<label for="wt-reason">' in analyst.text
    assert '<label for="wt-min-score">' in analyst.text


def test_the_table_sorts_by_any_column_either_way(console: Console) -> None:
    admin = console.as_("admin")
    names = {u: NAMES[u] for u in NAMES}
    score = {
        (chain, i["uscc"], i["leader"]): i["score"]
        for chain in ("C1", "C2")
        for i in admin.get(f"/api/v1/chains/{chain}/weak-links").json()["items"]
    }
    down = [score[r] for r in rows(admin.get("/query"))]
    assert down == sorted(down, reverse=True)  # the default: highest score first
    assert len(set(down)) > 2
    up = [score[r] for r in rows(admin.get("/query", sort="score", dir="asc"))]
    assert up == sorted(down)
    ascending = [names[u] for _, u, _ in rows(admin.get("/query", sort="name", dir="asc"))]
    assert ascending == sorted(ascending) and len(set(ascending)) > 1
    descending = [names[u] for _, u, _ in rows(admin.get("/query", sort="name", dir="desc"))]
    assert descending == sorted(descending, reverse=True)
    regions = [REGION[u] for _, u, _ in rows(admin.get("/query", sort="region"))]
    assert regions == sorted(regions)
    chains = [c for c, _, _ in rows(admin.get("/query", sort="chain", dir="desc"))]
    assert chains == sorted(chains, key=lambda c: {"C1": "苏州", "C2": "合肥"}[c], reverse=True)
    for key in ("leader", "segment", "industry", "size", "certification", "expires"):
        for way in ("asc", "desc"):
            assert len(rows(admin.get("/query", sort=key, dir=way))) == 6, (key, way)
    expiring = rows(admin.get("/query", sort="expires", dir="asc"))
    assert expiring[0][1] == B1  # the one certificate first; rows without one last
    assert rows(admin.get("/query", sort="expires", dir="desc"))[0][1] == B1
    # the header says how the table is ordered, and its links turn the order round
    page = admin.get("/query", sort="name", dir="asc").text
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*sort=name', page)
    link = re.search(r'aria-sort="ascending"><a href="([^"]+)"', page)
    assert link and "dir=desc" in link.group(1)
    assert page.count('aria-sort="none"') == 13  # every other column of 14
    assert 'aria-sort="descending"' in admin.get("/query").text  # score, by default


def test_the_table_pages_through_its_rows(console: Console) -> None:
    admin = console.as_("admin")
    everything = rows(admin.get("/query"))
    pages = [rows(admin.get("/query", per_page="4", page=str(n))) for n in (1, 2)]
    assert [len(p) for p in pages] == [4, 2]
    assert pages[0] + pages[1] == everything  # the same order, cut in pages
    first = admin.get("/query", per_page="4").text
    assert "共 6 条，当前显示第 1–4 条" in text(first)
    assert re.search(r'<a href="/query\?per_page=4&amp;page=2" rel="next">', first)
    second = admin.get("/query", per_page="4", page="2").text
    assert "第 2 页，共 2 页" in text(second) and 'rel="prev"' in second
    assert 'aria-current="page" aria-label="第 2 页"' in second
    # past the last page: the last page; the page size is capped at 500
    assert rows(admin.get("/query", per_page="4", page="9")) == pages[1]
    capped = admin.get("/query", per_page="100000")
    assert len(rows(capped)) == 6 and 'name="per_page" value="500"' in capped.text
    # filters and order are kept from page to page
    sorted_page = admin.get("/query", per_page="1", sort="name", dir="asc", region="32").text
    assert "region=32" in sorted_page and "sort=name" in sorted_page
    assert 'name="per_page" value="1"' in sorted_page  # the form keeps the page size


def test_more_than_a_page_of_weak_links(tmp_path: Path) -> None:
    """Sixty suppliers of one leader, none certified: two pages of 50 and 10."""
    from sample_chain import make_uscc

    data = tables()
    extra = [make_uscc(500 + i, "320505") for i in range(60)]
    data["enterprises"] += [
        [u, f"苏州供应商{i:02d}有限公司", "320505", "C3670", "50", "3000", "", "", "2"]
        for i, u in enumerate(extra)
    ]
    data["members"] += [["C1", "parts", u] for u in extra]
    data["supply"] += [[u, L1, f"零件{i}", "0.01", "10"] for i, u in enumerate(extra)]
    url = f"sqlite:///{tmp_path / 'many.db'}"
    import_datasets([write_dataset(tmp_path / "many", data)], lambda: open_store(url, create=True))
    make_accounts(url)
    app = create_app(Settings(store=url))
    with TestClient(app):
        admin = Console(app, url).as_("admin")
        everything = api_rows(admin, "C1", min_score="0") or []
        assert len(everything) > 50
        first = rows(admin.get("/chains/C1/weak-links", min_score="0"))
        second = rows(admin.get("/chains/C1/weak-links", min_score="0", page="2"))
        assert len(first) == 50 and len(second) == len(everything) - 50
        assert sorted(first + second) == sorted(everything)
        sheet = admin.get("/chains/C1/weak-links", min_score="0", format="csv")
        assert len(sheet.content.decode("utf-8-sig").splitlines()) == len(everything) + 1


FORMULA = '=HYPERLINK("http://x","y")'
TAG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(store_url: str, tmp_path: Path) -> Iterator[Console]:
    """The world with a firm named as a formula and one named as markup."""
    data = tables()
    for row in data["enterprises"][1:]:
        row[1] = {S: FORMULA, A1: TAG}.get(row[0], row[1])
    folder = write_dataset(tmp_path / "hostile", data)
    import_datasets([folder], lambda: open_store(store_url, create=True))
    make_accounts(store_url)
    app = create_app(Settings(store=store_url))
    with TestClient(app):
        yield Console(app, store_url)


def _filename(answer: Any) -> str:
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    found = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert found, disposition
    return unquote(found.group(1))


def test_the_export_is_the_filtered_sorted_table_safe_in_excel(hostile: Console) -> None:
    from openpyxl import load_workbook

    admin = hostile.as_("admin")
    page = admin.get("/query", sort="name", dir="asc", per_page="2")
    assert TAG not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    order = rows(admin.get("/query", sort="name", dir="asc"))
    book = admin.get("/query", sort="name", dir="asc", per_page="2", format="xlsx")
    assert book.status_code == 200
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    name = _filename(book)
    assert name.startswith("薄弱环节查询_") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["产业链代码", "产业链", "链主统一社会信用代码", "统一社会信用代码"]
    body = list(sheet.iter_rows(min_row=2))
    assert len(body) == len(order) == 6  # every page, in the page's order
    uscc, firm = header.index("统一社会信用代码"), header.index("企业名称")
    assert [(r[0].value, r[uscc].value, r[2].value) for r in body] == order
    for r in body:
        assert r[uscc].data_type == "s" and r[uscc].number_format == "@"
    formulas = [r[firm] for r in body if "HYPERLINK" in str(r[firm].value)]
    assert formulas and all(c.value == "'" + FORMULA and c.data_type == "s" for c in formulas)
    # filtered: the export holds only the rows shown
    narrow = admin.get("/query", region="34", format="xlsx")
    assert load_workbook(io.BytesIO(narrow.content)).active.max_row == 1 + 3  # T on C1 and C2, B1
    # CSV: UTF-8 with a byte-order mark, the same rows, the formula inert
    sheet_csv = admin.get("/query", sort="name", dir="asc", format="csv")
    assert sheet_csv.content.startswith(b"\xef\xbb\xbf")
    assert sheet_csv.headers["content-type"].startswith("text/csv")
    assert _filename(sheet_csv).endswith(".csv")
    lines = list(csv.reader(io.StringIO(sheet_csv.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["chain_id", "chain_name", "leader", "uscc"]
    assert [(r[0], r[3], r[2]) for r in lines[1:]] == order
    assert all(not r[4].startswith("=") for r in lines[1:])
    assert any(r[4] == "'" + FORMULA for r in lines[1:])
    # a chain's export: the columns of `chainmap weak-links`, named after the chain
    chain = admin.get("/chains/C1/weak-links", format="xlsx")
    assert _filename(chain).startswith("薄弱环节_苏州新能源汽车产业链_")
    columns = [c.value for c in load_workbook(io.BytesIO(chain.content)).active[1]]
    assert columns[0] == "链主统一社会信用代码" and "产业链代码" not in columns
    regions = hostile.as_("reg34").get("/regions", format="csv")
    assert _filename(regions).startswith("辖区薄弱环节_")
    exported = {r[3] for r in csv.reader(io.StringIO(regions.content.decode("utf-8-sig")))}
    assert exported - {"uscc"} == {T, B1}
    # an analyst's export holds no Anhui firm either
    analyst = hostile.as_("analyst32").get("/query", format="csv").content.decode("utf-8-sig")
    assert T not in analyst and B1 not in analyst and S in analyst


#: values the filter form never sends, and the parameter the 422 names
REFUSED: list[tuple[str, dict[str, str], str]] = [
    ("/query", {"size": "huge"}, "size"),
    ("/query", {"reason": "nope"}, "reason"),
    ("/query", {"region": "99"}, "region"),
    ("/query", {"region": "abc"}, "region"),
    ("/query", {"industry": "Z9"}, "industry"),
    ("/query", {"min_score": "abc"}, "min_score"),
    ("/query", {"min_score": "2"}, "min_score"),
    ("/query", {"min_score": "nan"}, "min_score"),
    ("/query", {"sort": "nope"}, "sort"),
    ("/query", {"dir": "up"}, "dir"),
    ("/query", {"page": "0"}, "page"),
    ("/query", {"per_page": "many"}, "per_page"),
    ("/query", {"chain": "C9"}, "chain"),
    ("/query", {"segment": "no-such-segment"}, "segment"),
    ("/regions", {"chain": "C9"}, "chain"),
    ("/chains/C1/weak-links", {"chain": "C2"}, "chain"),
    ("/chains/C1/weak-links", {"sort": "chain"}, "sort"),
    ("/chains/C1/weak-links", {"size": "huge", "format": "xlsx"}, "size"),
]


def test_values_the_form_could_not_send_are_a_clear_422_page(console: Console) -> None:
    admin = console.as_("admin")
    for path, params, named in REFUSED:
        answer = admin.get(path, **params)
        assert answer.status_code == 422, (path, params, answer.text[:500])
        assert answer.headers["content-type"].startswith("text/html")
        shown = text(answer.text)
        assert "输入有误" in shown and f"参数 {named}：" in shown, (path, params)
        assert "“" + params[named] + "”" in shown, (path, params)
    both = text(admin.get("/query", size="huge", reason="nope").text)
    assert "参数 size：" in both and "参数 reason：" in both  # every problem at once


def test_the_tables_words_come_in_both_languages(console: Console) -> None:
    client = console.as_("reg32")
    client.post("/lang", {"lang": "en", "back": "/query"})
    page = text(client.get("/query").text)
    assert "Weak-link query" in page and "Single point of failure" in page
    assert "Every supply path of" in page or "every supply path of" in page
    assert "Excel workbook (XLSX)" in page
    book = client.get("/query", format="xlsx")
    assert _filename(book).startswith("weak-link-query_")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(book.content)).active["D1"].value == "USCC"
    regions = text(client.get("/regions").text)
    assert (
        "Certification by prefecture" in regions and "Chains with firms in your regions" in regions
    )


def test_states_and_sizes_say_what_the_analysis_says() -> None:
    words = catalogue()
    for state in CertState:
        assert words.text(f"weak_table.state.{state.value}", "zh") == state.label_zh
    for size in SizeClass:
        assert words.text(f"weak_table.size.{size.value}", "zh") == size.label_zh


# -- in a browser -------------------------------------------------------------------------------

_ACTIVE_ID = "return document.activeElement ? document.activeElement.id : ''"


def _tab_reaches(browser: Any, wanted: set[str], limit: int = 80) -> set[str]:
    """The ids among ``wanted`` that pressing Tab from the top of the page focuses."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.driver.find_element(By.TAG_NAME, "body").click()
    reached: set[str] = set()
    for _ in range(limit):
        browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        reached.add(str(browser.driver.execute_script(_ACTIVE_ID)))
        if wanted <= reached:
            break
    return wanted & reached


@pytest.mark.parametrize(
    ("who", "path", "controls"),
    [
        ("admin", "/chains/C1/weak-links", {"wt-region", "wt-size", "wt-min-score"}),
        ("analyst32", "/query", {"wt-chain", "wt-region", "wt-reason", "wt-segment"}),
        ("reg34", "/regions", {"wt-chain", "wt-industry", "wt-min-score"}),
    ],
)
def test_each_page_works_in_a_browser_and_by_keyboard(
    browser: Any, served_console: str, who: str, path: str, controls: set[str]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    log_in(browser, served_console, who)
    page = browser.open(served_console + path)
    assert page.console_errors == [] and page.alerts == []
    assert len(browser.driver.find_elements(By.TAG_NAME, "h1")) == 1
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#weak-links tbody tr")
    wanted = controls | {"export-xlsx", "export-csv"}
    assert _tab_reaches(browser, wanted) == wanted
    # filtering through the form: the region chosen, the form sent, the rows narrowed
    region = Select(browser.driver.find_element(By.ID, "wt-region"))
    choice = region.options[-1].get_attribute("value") or ""
    region.select_by_value(choice)
    browser.driver.find_element(By.CSS_SELECTOR, ".weak-filters button[type=submit]").click()
    WebDriverWait(browser.driver, 10).until(lambda d: "region=" in d.current_url)
    narrowed = browser.open(browser.driver.current_url)
    assert f"region={choice}" in narrowed.url and narrowed.console_errors == []
    for row in browser.driver.find_elements(By.CSS_SELECTOR, "#weak-links tbody tr"):
        uscc = row.get_attribute("data-uscc") or ""
        assert REGION[uscc].startswith(choice)
    # sorting by a header link, by keyboard
    header = browser.driver.find_element(By.CSS_SELECTOR, "a[data-sort=name]")
    header.send_keys("\n")
    WebDriverWait(browser.driver, 10).until(lambda d: "sort=name" in d.current_url)
    ordered = browser.open(browser.driver.current_url)
    assert "sort=name" in ordered.url and ordered.console_errors == []
    assert browser.driver.find_element(By.CSS_SELECTOR, "th[aria-sort=ascending] a[data-sort=name]")
