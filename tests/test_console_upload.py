"""The console's upload page: a dataset is checked without writing, its problems listed in the
user's language, and written only when confirmed by the session that checked it (the world is
drawn in tests/api_world.py)."""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_world import csv_bytes
from console_world import Client, Console, log_in
from console_world import console as console  # the fixture
from console_world import served_console as served_console  # the fixture
from fastapi.testclient import TestClient
from ledger_book import ledger_rows, write_ledger
from sample_chain import make_uscc

from chainmap.access import Principal, Role
from chainmap.api import create_app
from chainmap.api.console.routes.upload import KEPT, PendingUploads
from chainmap.api.console.sessions import Session
from chainmap.config import Settings
from chainmap.ingest.load import ImportResult
from chainmap.records import Table
from chainmap.store import open_store

#: two firms the world does not have, one in Jiangsu (32) and one in Anhui (34)
NEW_32 = make_uscc(301, "320505")
NEW_34 = make_uscc(302, "340102")
HEAD = ["uscc", "name", "region_code", "industry_code", "employees", "revenue"]


def firms(*rows: list[str]) -> tuple[str, bytes]:
    return "enterprises.csv", csv_bytes([HEAD, *rows])


def good() -> list[tuple[str, bytes]]:
    """A new Jiangsu firm and its certificate."""
    certificate = csv_bytes(
        [
            ["cert_no", "uscc", "standard", "body", "status", "issued_on", "expires_on"],
            [
                "00125Q20301R0M",
                NEW_32,
                "GB/T 19001-2016",
                "CQC",
                "valid",
                "2025-01-01",
                "2028-01-01",
            ],
        ]
    )
    return [
        firms([NEW_32, "苏州新材料有限公司", "320505", "C3670", "30", "2000"]),
        ("certificates.csv", certificate),
    ]


def bad() -> list[tuple[str, bytes]]:
    """A firm whose USCC's check character is wrong."""
    broken = NEW_32[:-1] + ("0" if NEW_32[-1] != "0" else "1")
    return [firms([broken, "苏州坏数据有限公司", "320505", "C3670", "30", "2000"])]


def send(client: Client, files: list[tuple[str, bytes]], **kwargs: Any) -> Any:
    return client.http.post(
        "/upload",
        data={"csrf_token": client.csrf},
        files=[("files", (name, data, "text/csv")) for name, data in files],
        follow_redirects=False,
        **kwargs,
    )


def upload_id(html: str) -> str:
    found = re.search(r'name="upload_id" value="([^"]+)"', html)
    assert found, "the page has no confirm form"
    return found.group(1)


def stats(url: str) -> dict[str, int]:
    with open_store(url) as store:
        return store.stats()


def firm_count(url: str) -> int:
    return stats(url)["enterprises"]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_good_dataset_is_checked_then_written_only_when_confirmed(console: Console) -> None:
    admin = console.as_("admin")
    form = admin.get("/upload")
    assert form.status_code == 200
    assert re.search(r'<label for="files">', form.text)
    assert re.search(r'<input id="files" name="files" type="file" multiple', form.text)
    assert 'enctype="multipart/form-data"' in form.text and ".xlsb" in form.text
    before = stats(console.url)

    checked = send(admin, good())
    assert checked.status_code == 200, text(checked.text)[:800]
    shown = text(checked.text)
    assert (
        "检查通过" in shown and "企业 enterprises 1" in shown and "认证证书 certificates 1" in shown
    )
    assert stats(console.url) == before  # nothing written by the check
    kept = upload_id(checked.text)

    written = admin.post("/upload/confirm", {"upload_id": kept})
    assert written.status_code == 200, text(written.text)[:800]
    assert 'id="written"' in written.text and "已写入" in written.text
    after = stats(console.url)
    assert after["enterprises"] == before["enterprises"] + 1
    assert after["certificates"] == before["certificates"] + 1
    with open_store(console.url) as store:
        assert store.existing(Table.ENTERPRISES, [NEW_32]) == {NEW_32}
    # confirmed once: the same id again is refused, and nothing more is written
    again = admin.post("/upload/confirm", {"upload_id": kept})
    assert again.status_code == 404 and 'id="gone"' in again.text
    assert stats(console.url) == after


def test_problems_are_listed_in_the_users_language_and_cannot_be_confirmed(
    console: Console,
) -> None:
    admin = console.as_("admin")
    before = stats(console.url)
    refused = send(admin, bad())
    assert refused.status_code == 422
    assert 'id="problems"' in refused.text
    assert "/upload/confirm" not in refused.text and 'name="upload_id"' not in refused.text
    shown = text(refused.text)
    assert "不能写入" in shown and "重新上传" in shown
    assert "错误" in shown and "enterprises.csv" in shown and "校验" in shown
    row = re.search(r'<tr class="error">(.*?)</tr>', refused.text, re.S)
    assert row and ">2<" in row.group(1)  # the spreadsheet row, the header being row 1
    assert stats(console.url) == before

    admin.post("/lang", {"lang": "en", "back": "/upload"})
    english = send(admin, bad())
    assert english.status_code == 422
    said = text(english.text)
    assert "cannot be written" in said and "Error" in said and "check" in said.lower()
    assert "校验" not in said
    assert stats(console.url) == before


def test_a_regulators_firms_outside_its_regions_are_refused_as_the_api_refuses_them(
    console: Console,
) -> None:
    outside = [firms([NEW_34, "合肥新材料有限公司", "340102", "C3670", "30", "2000"])]
    before = stats(console.url)
    reg32 = console.as_("reg32")
    page = send(reg32, outside)
    assert page.status_code == 422 and "/upload/confirm" not in page.text
    cells = re.findall(
        r'<tr class="error">\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*'
        r'<td class="num">([^<]*)</td>\s*<td>([^<]*)</td>\s*'
        r'<td><span class="value">([^<]*)</span></td>',
        page.text,
    )
    # the API, asked by the same session, refuses the same rows
    api = reg32.http.post(
        "/api/v1/datasets",
        headers={"X-CSRF-Token": reg32.csrf},
        files=[("files", (name, data, "text/csv")) for name, data in outside],
    )
    assert api.status_code == 422 and api.json()["code"] == "invalid_dataset"
    expected = {(p["file"], str(p["row"]), p["column"], p["value"]) for p in api.json()["problems"]}
    assert (
        set(cells) == expected and (("enterprises.csv", "2", "region_code", "340102")) in expected
    )
    assert "不在您的辖区（江苏省（32））之内" in page.text  # said in the page's language
    assert stats(console.url) == before
    # within its regions, the same regulator may
    inside = send(reg32, [firms([NEW_32, "苏州新材料有限公司", "320505", "C3670", "30", "2000"])])
    assert inside.status_code == 200 and 'name="upload_id"' in inside.text


def test_a_bureau_ledger_workbook_goes_in_as_it_is_kept(console: Console, tmp_path: Path) -> None:
    admin = console.as_("admin")
    before = stats(console.url)
    rows = ledger_rows()
    rows[1][1] = "91320500NOTAUSCC"  # the second firm (spreadsheet row 7) mistyped
    (tmp_path / "broken").mkdir()
    broken = write_ledger(tmp_path / "broken" / "苏州市认证台账.xlsx", rows=rows)
    refused = send(admin, [(broken.name, broken.read_bytes())])
    assert refused.status_code == 422 and "/upload/confirm" not in refused.text
    row = re.search(r'<tr class="error">(.*?)</tr>', refused.text, re.S)
    assert row, text(refused.text)[:800]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert "苏州市认证台账.xlsx" in cells[1] and "企业台账" in cells[1]  # file and sheet
    assert cells[2] == "7" and cells[3] == "统一社会信用代码"  # the row, the column as headed
    assert stats(console.url) == before

    book = write_ledger(tmp_path / "苏州市认证台账.xlsx")
    checked = send(admin, [(book.name, book.read_bytes())])
    assert checked.status_code == 200, text(checked.text)[:800]
    assert "产业链 chains 1" in text(checked.text)
    assert stats(console.url) == before
    done = admin.post("/upload/confirm", {"upload_id": upload_id(checked.text)})
    assert done.status_code == 200 and "产业链 chains 1" in text(done.text)
    with open_store(console.url) as store:
        assert "新能源汽车产业链" in {c.name for c in store.chains()}


def test_a_confirm_needs_the_csrf_token_and_the_session_that_checked_it(
    console: Console,
) -> None:
    admin = console.as_("admin")
    other = console.as_("admin")  # the same person in another browser
    before = stats(console.url)
    kept = upload_id(send(admin, good()).text)

    assert admin.post("/upload/confirm", {"upload_id": kept}, csrf=False).status_code == 403
    forged = admin.post("/upload/confirm", {"upload_id": kept, "csrf_token": "forged"})
    assert forged.status_code == 403
    assert stats(console.url) == before

    stolen = other.post("/upload/confirm", {"upload_id": kept})
    assert stolen.status_code == 404 and "找不到这次上传" in stolen.text
    unknown = admin.post("/upload/confirm", {"upload_id": "no-such-upload"})
    assert unknown.status_code == 404 and 'id="gone"' in unknown.text
    assert stats(console.url) == before

    # the refusals took nothing from the session that checked it
    assert admin.post("/upload/confirm", {"upload_id": kept}).status_code == 200
    assert firm_count(console.url) == before["enterprises"] + 1


def test_a_new_check_replaces_the_sessions_earlier_one(console: Console) -> None:
    admin = console.as_("admin")
    first = upload_id(send(admin, good()).text)
    second = upload_id(send(admin, good()).text)
    assert first != second
    assert admin.post("/upload/confirm", {"upload_id": first}).status_code == 404
    assert admin.post("/upload/confirm", {"upload_id": second}).status_code == 200


def test_kept_uploads_expire_and_their_files_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    uploads = PendingUploads()
    me = Session(
        Principal("", "admin", Role.ADMIN, login="admin"), datetime.now(UTC), datetime.now(UTC)
    )
    someone = Session(Principal("", "other", Role.ADMIN, login="other"), me.started, me.seen)
    result = ImportResult(
        rows_read=1, written={Table.BODIES: 1}, duplicates_dropped=0, warnings=[], seconds=0.0
    )
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    folder = uploads.folder()
    (folder / "bodies.csv").write_text("body_id\n")
    kept = uploads.keep(me, folder, folder, ["bodies.csv"], result, now=t0)
    assert uploads.take(kept.upload_id, someone, now=t0) is None
    assert len(uploads) == 1  # another session's attempt leaves it to its own
    assert uploads.take(kept.upload_id, me, now=t0 + KEPT + timedelta(seconds=1)) is None
    assert len(uploads) == 0 and not folder.exists()
    root = uploads.root
    del uploads
    assert not root.exists()  # the app's folder goes with it


def test_folders_left_by_a_stopped_server_go_once_expired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's own temporary folder
    stale = tmp_path / "chainmap-console-uploads-stale"
    (stale / "upload").mkdir(parents=True)
    (stale / "upload" / "enterprises.csv").write_text("uscc\n")
    old = time.time() - KEPT.total_seconds() - 60
    os.utime(stale, (old, old))
    recent = tmp_path / "chainmap-console-uploads-recent"
    recent.mkdir()
    other = tmp_path / "someone-elses-folder"
    other.mkdir()
    os.utime(other, (old, old))
    uploads = PendingUploads()
    assert not stale.exists() and recent.exists() and other.exists()
    assert uploads.root.parent == tmp_path
    uploads.root.rmdir()  # removed meanwhile: the next upload makes it again
    assert uploads.folder().parent == uploads.root


def test_other_refusals_are_clear_pages(console: Console) -> None:
    admin = console.as_("admin")
    wrong = send(admin, [("notes.txt", b"hello")])
    assert wrong.status_code == 422 and 'id="refusal"' in wrong.text and "请上传" in wrong.text
    nothing = admin.http.post(
        "/upload", data={"csrf_token": admin.csrf}, files=[("files", ("", b"", "text/csv"))]
    )
    assert nothing.status_code == 422 and "请先选择" in nothing.text
    for who in ("leader1", "analyst32"):
        client = console.as_(who)
        refused = client.get("/upload")
        assert refused.status_code == 403 and "无权" in refused.text, who
        assert send(client, good()).status_code == 403, who


def test_an_upload_over_the_size_limit_is_a_page_saying_so(console: Console) -> None:
    app = create_app(Settings(store=console.url, upload_limit=2048))
    with TestClient(app):
        admin = Console(app, console.url).as_("admin")
        before = stats(console.url)
        name, data = firms([NEW_32, "苏州新材料有限公司" * 100, "320505", "C3670", "30", "2000"])
        answer = send(admin, [(name, data * 3)])
        assert answer.status_code == 413
        assert answer.headers["content-type"].startswith("text/html")
        assert re.search(r"上传的文件共 [89] KB，每次最多 2 KB", answer.text)
        assert "请分成几次上传" in answer.text

        # a body sent without its length is counted as it arrives
        def chunks() -> Any:
            yield b"--b\r\nContent-Disposition: form-data; name=csrf_token\r\n\r\n"
            yield admin.csrf.encode() + b"\r\n"
            for _ in range(10):
                yield b"x" * 1000

        streamed = admin.http.post(
            "/upload",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413, streamed.text[:300]
        assert "超过大小上限" in streamed.text
        assert stats(console.url) == before
        # within the limit, the same app checks it
        assert send(admin, good()).status_code == 200


def test_the_upload_page_in_a_browser(browser: Any, served_console: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    folder = tmp_path / "upload"
    folder.mkdir()
    paths = []
    for name, data in good():
        (folder / name).write_bytes(
            data.replace(NEW_32.encode(), make_uscc(303, "320505").encode())
        )
        paths.append(str(folder / name))
    log_in(browser, served_console, "reg32")
    page = browser.open(f"{served_console}/upload")
    assert page.console_errors == []
    driver = browser.driver
    driver.find_element(By.ID, "files").send_keys("\n".join(paths))
    driver.find_element(By.ID, "check").click()
    WebDriverWait(driver, 20).until(shown.presence_of_element_located((By.ID, "counts")))
    counts = driver.find_element(By.ID, "counts").text
    assert "enterprises 1" in counts and "certificates 1" in counts  # whatever the language
    driver.find_element(By.ID, "confirm").click()
    WebDriverWait(driver, 20).until(shown.presence_of_element_located((By.ID, "written")))
    assert "enterprises 1" in driver.find_element(By.ID, "written").text
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
