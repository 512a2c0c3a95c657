"""Uploads an unlucky or hostile caller may send: too many rows, JSON nested too deeply, a file in
another encoding; and a bureau's ledger workbook, which goes in as it is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from api_world import write
from fastapi.testclient import TestClient
from ledger_book import write_ledger

from chainmap.access import issue_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with open_store(url) as store:
        token, _ = issue_token(store, "admin", "uploads")
    settings = Settings(store=url, upload_rows=50)
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}, url


def stats(url: str) -> dict[str, int]:
    with open_store(url) as store:
        return store.stats()


def test_an_upload_of_more_rows_than_the_bound_is_refused_before_validation(
    served: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = served
    before = stats(url)
    rows = "\n".join(f"9132058300000{n:05d},{n},,," for n in range(60))
    body = f"supplier_uscc,customer_uscc,product,share,annual_value\n{rows}\n".encode()
    answer = client.post(
        "/api/v1/datasets", headers=auth, files=[("files", ("supply.csv", body, "text/csv"))]
    )
    assert answer.status_code == 413, answer.text
    assert "60 rows" in answer.text and "at most 50" in answer.text
    assert stats(url) == before


def test_json_nested_too_deeply_is_a_422_naming_no_server_path(
    served: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = served
    before = stats(url)
    deep = b"[" * 100_000 + b"]" * 100_000
    answer = client.post(
        "/api/v1/datasets",
        headers=auth,
        files=[("files", ("data.json", deep, "application/json"))],
    )
    assert answer.status_code == 422, answer.text
    assert "nests" in answer.text
    assert "chainmap-upload-" not in answer.text and "/tmp" not in answer.text
    assert stats(url) == before


def test_a_file_in_another_encoding_is_refused_naming_only_the_file(
    served: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, _ = served
    body = "uscc,name,region_code,industry_code\n".encode("utf-16")
    answer = client.post(
        "/api/v1/datasets", headers=auth, files=[("files", ("enterprises.csv", body, "text/csv"))]
    )
    assert answer.status_code == 422, answer.text
    assert "enterprises.csv" in answer.text
    assert "chainmap-upload-" not in answer.text


def test_a_ledger_workbook_goes_in_over_the_api(
    served: tuple[TestClient, dict[str, str], str], tmp_path: Path
) -> None:
    client, auth, url = served
    book = write_ledger(tmp_path / "苏州市认证台账.xlsx")
    answer = client.post(
        "/api/v1/datasets",
        headers=auth,
        files=[("files", (book.name, book.read_bytes(), "application/vnd.ms-excel"))],
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["written"]["chains"] == 1
    with open_store(url) as store:
        assert "新能源汽车产业链" in {c.name for c in store.chains()}
    # the ledger's chain is named by its name, and is asked about by it
    chain = quote("新能源汽车产业链")
    weak = client.get(f"/api/v1/chains/{chain}/weak-links", headers=auth)
    assert weak.status_code == 200, weak.text
    assert {row["uscc"] for row in weak.json()["items"]} <= {
        row["uscc"] for row in client.get("/api/v1/enterprises", headers=auth).json()["items"]
    }
    for empty in ("", ",", " , "):
        answer = client.get(f"/api/v1/chains/{chain}/what-if?fail={empty}", headers=auth)
        assert answer.status_code == 422, (empty, answer.text)


def test_a_wrong_kind_of_file_is_refused_in_the_callers_language(
    served: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, _ = served
    for language, words in (("zh", "请上传"), ("en", "upload CSV files")):
        answer = client.post(
            "/api/v1/datasets",
            headers={**auth, "Accept-Language": language},
            files=[("files", ("notes.txt", b"hello", "text/plain"))],
        )
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["code"] == "invalid_upload"
        assert words in body["detail"]


def test_a_hopeless_upload_is_read_only_until_its_first_thousand_errors(tmp_path: Path) -> None:
    from chainmap.api.routes.datasets import UPLOAD_ERRORS

    url = f"sqlite:///{tmp_path / 'api.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with open_store(url) as store:
        token, _ = issue_token(store, "admin", "uploads")
    rows = "\n".join(f"BAD{n:015d},X{n:017d},p,2,x" for n in range(3 * UPLOAD_ERRORS))
    body = f"supplier_uscc,customer_uscc,product,share,annual_value\n{rows}\n".encode()
    with TestClient(create_app(Settings(store=url, upload_rows=10_000))) as client:
        answer = client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
            files=[("files", ("supply.csv", body, "text/csv"))],
        )
    assert answer.status_code == 422, answer.text[:500]
    found = answer.json()["problems"]
    assert UPLOAD_ERRORS <= len(found) <= UPLOAD_ERRORS + 2
    (stopped,) = [p for p in found if "reading stopped" in p["message"]]
    assert int(stopped["row"]) < 3 * UPLOAD_ERRORS  # the rest was never read


def test_an_upload_checked_past_the_time_limit_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with open_store(url) as store:
        token, _ = issue_token(store, "admin", "uploads")
    before = stats(url)
    book = write_ledger(tmp_path / "台账.xlsx")
    with TestClient(create_app(Settings(store=url, upload_seconds=1e-6))) as client:
        answer = client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
            files=[("files", (book.name, book.read_bytes(), "application/vnd.ms-excel"))],
        )
    assert answer.status_code == 422, answer.text[:500]
    assert any("longer than this service allows" in p["message"] for p in answer.json()["problems"])
    assert stats(url) == before
