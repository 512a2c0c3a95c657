"""Errors in API terms: every error is JSON with a stable code, in the caller's language, with no
command-line advice, no traceback and no path of the server. (Both stores where one is read.)"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from api_world import L1, L2, S, T, World, csv_bytes
from api_world import world as world  # the fixture
from fastapi.testclient import TestClient
from sample_chain import make_uscc

from api.errors import language, plain
from chainmap.access import issue_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store

EN = {"Accept-Language": "en"}
HEADER = ["uscc", "name", "region_code", "industry_code", "employees", "revenue"]
# what no answer may show: a traceback, a file of the server, a command-line flag
LEAKS = re.compile(r"Traceback|File \"|/tmp/|/work/|site-packages|\.py\b|--[a-z]")


def error(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = answer.json()
    assert body["code"] == code
    assert body["detail_en"] and body["detail_zh"]
    assert not LEAKS.search(answer.text), answer.text
    return body


def test_each_refusal_has_its_code_in_both_languages(world: World) -> None:
    nobody = make_uscc(999, "320583")
    cases = [
        (world.get(None, "/chains"), 401, "unauthorized"),
        (world.get("analyst32", "/enterprises"), 403, "forbidden"),
        (world.get("admin", f"/enterprises/{nobody}"), 404, "not_found"),
        (world.get("leader1", f"/leaders/{L2}/tiers"), 404, "not_found"),
        (world.get("admin", "/chains/NOPE/weak-links"), 404, "not_found"),
        (world.get("admin", "/no-such-route"), 404, "not_found"),
        (world.get("admin", "/enterprises", per_page=0), 422, "invalid_parameter"),
        (world.get("admin", "/enterprises", format="csv"), 400, "unsupported_format"),
        (world.get("reg34", "/chains/C1/plan"), 403, "chain_outside_regions"),
        (world.client.delete("/api/v1/chains"), 405, "method_not_allowed"),
    ]
    for answer, status, code in cases:
        body = error(answer, status, code)
        assert body["detail"] == body["detail_zh"]  # Chinese unless English is asked for
    english = error(world.get("admin", f"/enterprises/{nobody}", headers=EN), 404, "not_found")
    assert english["detail"] == english["detail_en"] == f"enterprise {nobody} not found"
    assert english["detail_zh"] == f"未找到企业 {nobody}"
    assert world.get(None, "/chains").headers["www-authenticate"] == "Bearer"


def test_a_refusal_names_the_role_with_the_right_article(world: World) -> None:
    body = error(world.get("analyst32", "/enterprises", headers=EN), 403, "forbidden")
    assert body["detail"] == "an analyst token may not read enterprises"
    assert "分析人员" in body["detail_zh"]
    body = error(world.get("leader1", "/stats", headers=EN), 403, "forbidden")
    assert body["detail"].startswith("a leader token may not")


def test_no_message_says_a_before_a_vowel() -> None:
    """The API's messages, read from its sources: "a analyst" must be "an analyst", and no
    article is put before a role filled in at run time."""
    wrong = re.compile(
        r"\ba (\{[^}]*role[^}]*\}|analyst|admin|upload|error|import|enterprise|invalid|unknown)\b"
    )
    for source in (Path(__file__).parent.parent / "api").rglob("*.py"):
        found = wrong.findall(source.read_text(encoding="utf-8"))
        assert not found, (source.name, found)


def test_parameter_problems_name_the_parameter(world: World) -> None:
    body = error(
        world.get("admin", "/enterprises", size="huge", headers=EN), 422, "invalid_parameter"
    )
    (problem,) = body["problems"]
    assert (problem["in"], problem["name"], problem["value"]) == ("query", "size", "huge")
    assert "size" in body["detail_zh"] and problem["message"] == problem["message_en"]
    chinese = error(world.get("admin", "/enterprises", per_page=0), 422, "invalid_parameter")
    assert chinese["detail"] == "参数 per_page：不能小于 1"
    assert chinese["detail_en"] == "per_page: must be at least 1"
    body = error(world.get("admin", "/chains/C1/plan", lang="fr"), 422, "invalid_parameter")
    assert body["detail"] == "参数 lang：“fr”不在可选值 zh、en 之中"
    assert body["detail_en"] == "lang: 'fr' is not one of zh or en"


def test_an_upload_answers_a_list_of_problems_without_command_line_advice(world: World) -> None:
    bad_check = S[:-1] + ("0" if S[-1] != "0" else "1")  # the check character broken
    answer = world.upload(
        "admin",
        (
            "enterprises.csv",
            csv_bytes([HEADER, [bad_check, "坏厂", "320583", "C3670", "1", "1"]]),
        ),
    )
    body = error(answer, 422, "invalid_dataset")
    assert "--" not in answer.text
    assert body["detail"] == body["detail_zh"] and "重新上传" in body["detail_zh"]
    (problem,) = [p for p in body["problems"] if p["severity"] == "error"]
    assert set(problem) >= {"file", "table", "row", "column", "value", "message"}
    assert (problem["file"], problem["table"], problem["row"], problem["column"]) == (
        "enterprises.csv",
        "enterprises",
        2,
        "uscc",
    )
    assert problem["value"] == bad_check
    assert problem["message"] == problem["message_zh"] and "营业执照" in problem["message_zh"]
    english = world.upload(
        "admin",
        ("enterprises.csv", csv_bytes([HEADER, [bad_check, "坏厂", "320583", "C3670", "1", "1"]])),
        **EN,
    ).json()
    assert english["problems"][0]["message"].startswith(f"USCC {bad_check} fails its check")
    assert "upload again" in english["detail"]


def test_a_regulators_refused_rows_come_back_as_problems(world: World) -> None:
    link = ("supply.csv", csv_bytes([["supplier_uscc", "customer_uscc", "product"], [T, L1, "锂"]]))
    body = error(world.upload("reg32", link), 422, "invalid_dataset")
    (problem,) = body["problems"]
    assert (problem["file"], problem["table"], problem["row"]) == ("supply.csv", "supply", 2)


def test_command_line_advice_is_taken_out_of_problems() -> None:
    assert (
        plain(
            "USCC X fails its check: y. Correct the code against the business licence, or import "
            "with --accept-bad-checksum to keep it, flagged"
        )
        == "USCC X fails its check: y. Correct the code against the business licence"
    )
    assert "--" not in plain(
        "column 'x' holds data but is no chainmap column, so it would be lost; rename it "
        "(docs/data-format.md lists the accepted headers), map it with --mapping FILE, or pass "
        "--ignore-column x to leave it out"
    )
    assert "--" not in plain(
        "“x”列有数据，但不对应任何 chainmap 字段，导入会丢失这些数据；请按 "
        "docs/data-format.md 改列名，或用 --mapping 文件映射，或加 --ignore-column x 明确忽略"
    )
    assert plain("cannot read /tmp/chainmap-upload-x1/enterprises.csv") == (
        "cannot read enterprises.csv"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.5,zh;q=0.8", "zh"),
        ("fr", "zh"),
    ],
)
def test_the_language_is_the_callers(header: str, expected: str) -> None:
    assert language({"accept-language": header}) == expected


def test_an_unexpected_failure_is_logged_and_answered_without_details(
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from api_world import write

    import_datasets([write(tmp_path / "world")], lambda: open_store(store_url, create=True))
    with open_store(store_url) as store:
        token, _ = issue_token(store, "admin", "ops")
        store_class = type(store)

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom in {tmp_path}/secret.db")

    monkeypatch.setattr(store_class, "search_enterprises", broken)
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(Settings(store=store_url))
    # the exception never reaches the client (TestClient would raise it)
    with caplog.at_level(logging.ERROR, logger="chainmap.api"), TestClient(app) as client:
        answer = client.get("/api/v1/enterprises", headers=headers)
        english = client.get("/api/v1/enterprises", headers={**headers, **EN})
        assert client.get("/api/v1/chains", headers=headers).status_code == 200
    body = error(answer, 500, "internal_error")
    assert "boom" not in answer.text and "secret" not in answer.text
    assert set(body) == {"code", "detail", "detail_en", "detail_zh"}
    assert english.json()["detail"] == english.json()["detail_en"]
    assert "boom" in caplog.text and "Traceback" in caplog.text  # the log has what happened


def test_a_store_failure_is_503_without_the_stores_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api_world import write

    from chainmap.errors import StoreUnavailable
    from chainmap.store.sqlite import SQLiteStore

    url = f"sqlite:///{tmp_path / 'w.db'}"
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True))
    with open_store(url) as store:
        token, _ = issue_token(store, "admin", "ops")

    def down(self: Any) -> Any:
        raise StoreUnavailable(f"cannot open {tmp_path}/w.db: disk I/O error")

    monkeypatch.setattr(SQLiteStore, "chains", down)
    with TestClient(create_app(Settings(store=url))) as client:
        answer = client.get("/api/v1/chains", headers={"Authorization": f"Bearer {token}"})
    error(answer, 503, "store_unavailable")
    assert "w.db" not in answer.text


def test_a_workbooks_problems_say_what_to_do_in_upload_terms(world: World, tmp_path: Path) -> None:
    from ledger_book import HEADERS, ledger_rows, write_ledger

    rows = [[*row, "0512-6666"] for row in ledger_rows()]
    book = write_ledger(
        tmp_path / "台账.xlsx",
        rows=rows,
        headers=[*HEADERS, "联系电话"],
        extra_sheet=("联系人", [["姓名", "电话", "邮箱"], ["张三", "0512-1", "a@b.cn"]] * 3),
    )
    for lang in ("zh", "en"):
        answer = world.client.post(
            "/api/v1/datasets",
            headers={"Authorization": f"Bearer {world.tokens['admin']}", "Accept-Language": lang},
            files=[("files", ("台账.xlsx", book.read_bytes(), "application/octet-stream"))],
        )
        body = error(answer, 422, "invalid_dataset")
        column = [p for p in body["problems"] if p["column"] == "联系电话"]
        assert column, body["problems"]
        assert all("--" not in p["message_en"] + p["message_zh"] for p in body["problems"])
        assert "remove the column from the upload" in column[0]["message_en"]
        assert "删去该列" in column[0]["message_zh"]
        assert column[0]["message"] == column[0][f"message_{lang}"]


def test_a_hidden_firm_and_an_absent_one_get_the_same_answer_in_both_languages(
    world: World,
) -> None:
    nobody = make_uscc(999, "320583")
    for who, hidden, path in (
        ("reg34", L1, "/enterprises/{}"),
        ("leader1", L2, "/enterprises/{}"),
        ("reg34", L1, "/leaders/{}/tiers"),
        ("leader1", L2, "/leaders/{}/tiers"),
        ("admin", None, "/leaders/{}/tiers"),
    ):
        absent = world.get(who, path.format(nobody)).json()
        assert absent["code"] == "not_found"
        if hidden is not None:
            shown = world.get(who, path.format(hidden)).json()
            assert json.dumps(shown).replace(hidden, "X") == json.dumps(absent).replace(nobody, "X")


def test_a_refused_login_is_a_401_that_tells_nothing() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from chainmap.api import errors
    from chainmap.errors import LoginRefused

    app = FastAPI()
    errors.install(app)

    @app.get("/login-refused")
    def refused() -> None:
        raise LoginRefused()

    for asked, words in (("zh", "登录名或密码不正确"), ("en", "the login or the password")):
        answer = TestClient(app).get("/login-refused", headers={"Accept-Language": asked})
        assert answer.status_code == 401
        assert answer.json()["code"] == "login_refused"
        assert words in answer.json()["detail"]
