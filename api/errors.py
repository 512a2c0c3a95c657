"""Every error the API answers, in one place: JSON with a stable machine ``code``, the message in
the caller's language (``Accept-Language``: Chinese by default, English on request) as
``detail``, and both languages beside it as ``detail_en`` and ``detail_zh``::

    {"code": "not_found", "detail": "未找到企业 9132…", "detail_en": "enterprise 9132… not found",
     "detail_zh": "未找到企业 9132…"}

Codes: ``unauthorized`` and ``login_refused`` 401, ``forbidden`` 403 (and ``chain_outside_regions``), ``not_found``
404, ``unsupported_format`` and ``bad_request`` 400, ``method_not_allowed`` 405,
``upload_too_large`` 413, ``invalid_parameter``, ``invalid_upload``, ``invalid_dataset`` (with
``problems``) and
``invalid_data`` 422, ``store_unavailable`` 503, ``internal_error`` 500. An unexpected exception is
logged with its traceback and answered 500 with no details; no answer shows a traceback or a path
of the server.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainmap.errors import (
    ChainmapError,
    ConfigError,
    DataError,
    LoginRefused,
    NotFound,
    RuleViolation,
    StoreError,
    ValidationFailed,
)

__all__ = ["ApiError", "install", "language", "missing", "problem_json"]

log = logging.getLogger("chainmap.api")


class ApiError(Exception):
    """An answer other than success, said in both languages."""

    def __init__(
        self,
        status_code: int,
        code: str,
        en: str,
        zh: str,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(en)
        self.status_code = status_code
        self.code = code
        self.en = en
        self.zh = zh
        self.headers = dict(headers or {})
        self.extra = extra


def missing(kind: str, key: str) -> ApiError:
    """The one 404: an object that does not exist, or is outside the caller's bounds (the same
    answer for both). ``kind`` is one of :data:`KINDS`."""
    en, zh = KINDS[kind]
    return ApiError(status.HTTP_404_NOT_FOUND, "not_found", en.format(key), zh.format(key))


#: what may be not found, in English and Chinese
KINDS: dict[str, tuple[str, str]] = {
    "enterprise": ("enterprise {} not found", "未找到企业 {}"),
    "chain": ("chain {} not found", "未找到产业链 {}"),
    "segment": ("segment {} not found", "未找到环节 {}"),
    "leader": ("{} does not lead this chain", "{} 不是本产业链的链主"),
    "region": ("region {} not found", "未找到地区 {}"),
    "firms": ("not firms of this chain: {}", "不是本产业链的企业：{}"),
    "atlas": ("{} atlas not found", "未找到图谱 {}"),
}


def language(headers: Mapping[str, str]) -> str:
    """``en`` when the caller prefers English to Chinese in ``Accept-Language``, else ``zh``."""
    best, best_q = "zh", -1.0
    for part in headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        lang = "en" if tag.startswith("en") else "zh" if tag.startswith("zh") else None
        if lang is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = lang, q
    return best


def _body(request_headers: Mapping[str, str], code: str, en: str, zh: str) -> dict[str, Any]:
    lang = language(request_headers)
    return {"code": code, "detail": en if lang == "en" else zh, "detail_en": en, "detail_zh": zh}


# Problem messages are written for `chainmap import`; an upload has no command-line flags, so the
# advice about them is taken out (or said in upload terms).
_NO_FLAGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r", or import with --accept-bad-checksum to keep it, flagged"), ""),
    (re.compile(r"，?或导入时加 --accept-bad-checksum 保留并标记"), ""),
    (re.compile(r" \(--accept-bad-checksum\)"), ""),
    (re.compile(r"已按 --accept-bad-checksum 接受"), "已接受"),
    (
        re.compile(
            r", map (?:it|them) with --mapping FILE, or pass --ignore-(column|sheet) .+? "
            r"to leave it out"
        ),
        r" or remove the \1 from the upload",
    ),
    (
        re.compile(r"，或用 --mapping 文件映射，或加 --ignore-column .+? 明确忽略"),
        "，或从上传的文件中删去该列",
    ),
    (
        re.compile(r"，或用 --mapping 文件映射，或加 --ignore-sheet 明确忽略"),
        "，或从上传的文件中删去该表",
    ),
    (re.compile(r"; `chainmap [^`]*` [^;.]*"), ""),
]
# a server path: /any/where/file.csv is shown as file.csv
_PATH = re.compile(r"(?<![\w:/.])/(?:[^\s/'\"“”]+/)+([^\s/'\"“”]*)")


def plain(text: str) -> str:
    """``text`` without command-line advice or server paths."""
    for pattern, replacement in _NO_FLAGS:
        text = pattern.sub(replacement, text)
    return _PATH.sub(r"\1", text)


def problem_json(problem: Any, lang: str) -> dict[str, Any]:
    """One problem of a dataset: where it is and what is wrong, in ``lang``."""
    return {
        "severity": str(problem.severity),
        "file": plain(problem.file),
        "table": _table(problem.file),
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": plain(problem.text(lang)),
        "message_en": plain(problem.text("en")),
        "message_zh": plain(problem.text("zh")),
    }


def _table(file: str) -> str | None:
    """The table a problem's file holds: ``enterprises.csv`` or ``台账.xlsx: 供应关系`` ..."""
    from chainmap.records import Table

    name = file.rsplit(":", 1)[-1].strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    tables = {str(t) for t in Table}
    if stem in tables:
        return stem
    return "supply" if stem == "supply_links" else None


def _problems_error(problems: Sequence[Any]) -> ApiError:
    errors = sum(1 for p in problems if p.is_error)
    return ApiError(
        422,
        "invalid_dataset",
        f"the dataset has {errors} error(s); nothing was written. Fix the rows listed and "
        "upload again.",
        f"数据有 {errors} 处错误，未写入任何数据。请修改所列各行后重新上传。",
    )


async def _chainmap(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ChainmapError)
    headers = request.headers
    if isinstance(error, ValidationFailed):  # the problems `chainmap import` lists
        answer = _problems_error(error.problems)
        lang = language(headers)
        body = _body(headers, answer.code, answer.en, answer.zh)
        body["problems"] = [problem_json(p, lang) for p in error.problems]
        return JSONResponse(body, status_code=answer.status_code)
    if isinstance(error, NotFound):
        text = plain(str(error))
        return _json(headers, 404, "not_found", text, f"未找到：{text}")
    if isinstance(error, LoginRefused):  # one answer whatever the reason (chainmap.accounts)
        return _json(headers, 401, "login_refused", error.en, error.zh)
    if isinstance(error, RuleViolation):
        return _json(headers, 422, "invalid_data", plain(str(error)), plain(error.text("zh")))
    if isinstance(error, DataError | ConfigError):
        text = plain(str(error))
        return _json(headers, 422, "invalid_data", text, f"数据无效：{text}")
    if isinstance(error, StoreError):
        log.error("store error answering %s: %s", request.url.path, error)
        return _json(
            headers,
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "store_unavailable",
            "the store cannot be read or written just now; try again later",
            "暂时无法读写数据库，请稍后再试",
        )
    return await _unexpected(request, error)


def _json(
    headers: Mapping[str, str], status_code: int, code: str, en: str, zh: str
) -> JSONResponse:
    return JSONResponse(_body(headers, code, en, zh), status_code=status_code)


async def _api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    body = _body(request.headers, error.code, error.en, error.zh)
    body.update(error.extra)
    return JSONResponse(body, status_code=error.status_code, headers=error.headers or None)


#: FastAPI's and Starlette's own refusals (no route, wrong method, body over the limit)
_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "the request is not valid", "请求无效"),
    401: ("unauthorized", "a valid bearer token is needed", "需要有效的令牌"),
    403: ("forbidden", "this token may not do this", "此令牌无权执行此操作"),
    404: ("not_found", "no such route", "没有这个地址"),
    405: ("method_not_allowed", "this route does not take that method", "此地址不支持该请求方法"),
    422: ("invalid_request", "the request cannot be processed", "请求无法处理"),
    413: (
        "upload_too_large",
        "the upload is larger than the limit; split it into smaller uploads",
        "上传的数据超过大小上限，请分批上传",
    ),
}


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, en, zh = _HTTP.get(
        error.status_code, ("http_error", "the request was refused", "请求被拒绝")
    )
    if isinstance(error.detail, str) and error.detail != HTTPStatus(error.status_code).phrase:
        en = zh = plain(error.detail)  # a route's own words
    return JSONResponse(
        _body(request.headers, code, en, zh),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


#: pydantic's error types as a reader says them: English and Chinese, with the error's context
_SAID: dict[str, tuple[str, str]] = {
    "missing": ("is needed", "不能缺少"),
    "string_pattern_mismatch": (
        "{value!r} is not of the form this parameter takes (see its description)",
        "“{value}”的格式不对（见参数说明）",
    ),
    "string_too_long": ("is longer than {max_length} characters", "超过 {max_length} 个字符"),
    "too_long": ("has more than {max_length} values", "超过 {max_length} 个值"),
    "too_short": ("needs at least {min_length} value(s)", "至少需要 {min_length} 个值"),
    "greater_than_equal": ("must be at least {ge}", "不能小于 {ge}"),
    "less_than_equal": ("must be at most {le}", "不能大于 {le}"),
    "int_parsing": ("{value!r} is not a whole number", "“{value}”不是整数"),
    "float_parsing": ("{value!r} is not a number", "“{value}”不是数字"),
    "bool_parsing": ("{value!r} is not true or false", "“{value}”不是 true 或 false"),
    "date_from_datetime_parsing": (
        "{value!r} is not a date (YYYY-MM-DD)",
        "“{value}”不是日期（YYYY-MM-DD）",
    ),
    "date_parsing": ("{value!r} is not a date (YYYY-MM-DD)", "“{value}”不是日期（YYYY-MM-DD）"),
    "enum": ("{value!r} is not one of {expected}", "“{value}”不在可选值 {expected_zh} 之中"),
}


def _parameter_problem(e: Mapping[str, Any]) -> dict[str, Any]:
    """One parameter's problem: where, which, the value as sent, and what is wrong in both
    languages."""
    where = [str(part) for part in e.get("loc", ())]
    name = where[1] if len(where) > 1 else ".".join(where)
    value = e.get("input")
    shown = value if isinstance(value, str | int | float | bool) or value is None else None
    context = {**(e.get("ctx") or {}), "value": shown}
    expected = str(context.get("expected", "")).replace("'", "")
    context.update(expected=expected, expected_zh=expected.replace(" or ", "、"))
    en, zh = _SAID.get(str(e.get("type")), (str(e.get("msg", "is not valid")), ""))
    try:
        en, zh = en.format(**context), zh.format(**context)
    except (KeyError, IndexError, ValueError):
        en, zh = str(e.get("msg", "is not valid")), ""
    return {
        "in": where[0] if where else "",
        "name": name,
        "value": shown,
        "message_en": f"{name}: {en}",
        "message_zh": f"参数 {name}：{zh or en}",
    }


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    formats = [e for e in error.errors() if tuple(e.get("loc", ()))[:2] == ("query", "format")]
    if formats:
        expected = str((formats[0].get("ctx") or {}).get("expected", "")).replace("'", "")
        return _json(
            request.headers,
            400,
            "unsupported_format",
            f"format: this route answers in {expected} only",
            f"format：此地址只提供 {expected.replace(' or ', '、')} 格式",
        )
    lang = language(request.headers)
    items = [_parameter_problem(e) for e in error.errors()]
    for item in items:
        item["message"] = item[f"message_{lang}"]
    en = "; ".join(str(i["message_en"]) for i in items) or "the request is not valid"
    zh = "；".join(str(i["message_zh"]) for i in items) or "请求无效"
    body = _body(request.headers, "invalid_parameter", en, zh)
    body["problems"] = items
    return JSONResponse(body, status_code=422)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.error("unexpected error answering %s", request.url.path, exc_info=error)
    return _json(
        request.headers,
        500,
        "internal_error",
        "the server failed to answer; the error is logged",
        "服务器未能完成请求，错误已记录",
    )


class CatchAll:
    """Answers an exception no handler took with a JSON 500, after logging its traceback (and
    never lets the exception out: the server shows nothing of it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as error:
            if started:  # too late for another answer; the server closes the connection
                log.error("unexpected error while answering", exc_info=error)
                return
            answer = await _either(_unexpected)(Request(scope, receive), error)
            await answer(scope, receive, send)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _either(handler: Handler) -> Handler:
    """``handler``, whose JSON answers a page of the console (any path outside ``/api/``) shows
    as an HTML page instead, when the app has a console (``app.state.console_error``)."""

    async def answer(request: Request, error: Exception) -> Response:
        response = await handler(request, error)
        show = getattr(request.app.state, "console_error", None)
        if show is None or request.url.path.startswith("/api/"):
            return response
        try:
            shown: Response = show(request, response)
        except Exception:  # the page failed too: the plain answer, and the failure logged
            log.exception("the console could not show a %s page", response.status_code)
            return response
        return shown

    return answer


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _either(_api_error))
    app.add_exception_handler(ChainmapError, _either(_chainmap))
    app.add_exception_handler(StarletteHTTPException, _either(_http))
    app.add_exception_handler(RequestValidationError, _either(_invalid))
    app.add_middleware(CatchAll)
