"""Uploading a dataset in two steps: check, then confirm.

``POST /upload`` takes the files of ``chainmap import`` (CSV files named after their tables, one
workbook, a bureau's ledger workbook as it is kept, or one JSON document) and runs the API's own
upload path (:mod:`api.routes.datasets`: the same kinds of file, the same row and time limits, a
regulator's rows within its regions) as a dry run: nothing is written. The page lists every
problem (file and sheet, row, column as the workbook heads it, value, what is wrong and how to
fix it, in the user's language) and the rows per table a write would make. An upload with an
error cannot be confirmed: it is dropped, to be fixed and uploaded again. One without is kept on
the server for :data:`KEPT` under a random id bound to the session that made it (each session
keeps its latest only), and ``POST /upload/confirm`` with that id writes it: checked once more
against the store as it is then, so that nothing changed meanwhile slips past, and written
whole or not at all. A confirm naming an upload that is unknown, expired, already confirmed, or
another session's is refused with one answer. The body is bounded by ``settings.upload_limit``
as the API's is: a page saying so (413) before anything is parsed (:class:`BoundedRoute`).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.routing import APIRoute
from starlette.types import Message

from chainmap.config import Settings
from chainmap.errors import DataError, ValidationFailed
from chainmap.ingest.load import ImportResult
from chainmap.ingest.problems import Problem

from ...deps import ImportCaller, SettingsDep
from ...errors import ApiError, plain, problem_json
from ...routes.datasets import (
    SUFFIXES,
    check_upload,
    import_upload,
    named_as_uploaded,
    save_upload,
)
from ..auth import CheckedForm, ConsoleSession
from ..render import lang_of, page
from ..sessions import Session

__all__ = ["KEPT", "BoundedRoute", "PendingUploads", "router"]

#: how long a checked upload waits for its confirmation
KEPT = timedelta(minutes=30)


class BoundedRoute(APIRoute):
    """A route whose body is bounded by the app's ``settings.upload_limit``, read at each
    request: a body declared larger is refused before any of it is read, and one that grows
    past the limit as it streams is refused there. Either way the answer is the console's page
    for a 413 in the user's language (the API's datasets router, bounded by the same setting,
    answers the same status)."""

    def get_route_handler(self) -> Any:
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            limit: int = request.app.state.settings.upload_limit
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_large(int(declared), limit)
            received = 0
            source = request.receive

            async def counted() -> Message:
                nonlocal received
                message = await source()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        # an HTTPException passes through the body's parsing as it is
                        raise HTTPException(413)
                return message

            answer: Response = await handler(Request(request.scope, counted))
            return answer

        return bounded


def size_text(size: int) -> str:
    """A size in bytes as people read it: ``50 MB``, ``1.5 MB``, ``2 KB``."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:,.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _too_large(size: int, limit: int) -> ApiError:
    size_of, most = size_text(size), size_text(limit)
    return ApiError(
        413,
        "upload_too_large",
        f"the upload is {size_of}; at most {most} is taken at a time. Split it into smaller "
        "uploads, or have an administrator import it with chainmap import",
        f"上传的文件共 {size_of}，每次最多 {most}。请分成几次上传，或请管理员用 chainmap import "
        "导入",
    )


router = APIRouter(route_class=BoundedRoute)


@dataclass(slots=True)
class Pending:
    """A checked upload waiting for its confirmation: its files on disk, and what it would
    write."""

    upload_id: str
    session: Session
    folder: Path
    dataset: Path
    names: list[str]
    counts: dict[str, int]
    expires: datetime
    warnings: list[Problem] = field(default_factory=list)


#: the start of the name of each app's folder of checked uploads
_PREFIX = "chainmap-console-uploads-"


def _remove_stale(now: float) -> None:
    """Remove the upload folders, left by servers that stopped, unchanged for :data:`KEPT`
    (another user's folders stay: they are not this user's to remove)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            if now - folder.stat().st_mtime > KEPT.total_seconds():
                shutil.rmtree(folder)
        except OSError:
            continue


class PendingUploads:
    """The checked uploads of one app, each in a folder of its own under a temporary folder
    that goes when the app does. Safe to share between the server's threads.

    A server stopped by a signal runs no exit handlers, and leaves its folder behind: a new
    one removes such folders once nothing has changed in them for :data:`KEPT` (all they hold
    has expired)."""

    def __init__(self) -> None:
        _remove_stale(time.time())
        self.root = Path(tempfile.mkdtemp(prefix=_PREFIX))
        self._kept: dict[str, Pending] = {}
        self._lock = threading.Lock()
        weakref.finalize(self, shutil.rmtree, self.root, True)

    def folder(self) -> Path:
        """A new, empty folder for an upload."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.root))

    def keep(
        self,
        session: Session,
        folder: Path,
        dataset: Path,
        names: list[str],
        result: ImportResult,
        *,
        now: datetime | None = None,
    ) -> Pending:
        """Keep a checked upload for :data:`KEPT`; the session's earlier one, if any, goes."""
        now = now or datetime.now(UTC)
        pending = Pending(
            upload_id=secrets.token_urlsafe(24),
            session=session,
            folder=folder,
            dataset=dataset,
            names=names,
            counts={str(table): n for table, n in result.written.items()},
            expires=now + KEPT,
            warnings=list(result.warnings),
        )
        with self._lock:
            gone = [k for k, p in self._kept.items() if p.session is session or p.expires <= now]
            dropped = [self._kept.pop(k) for k in gone]
            self._kept[pending.upload_id] = pending
        for old in dropped:
            shutil.rmtree(old.folder, ignore_errors=True)
        return pending

    def take(
        self, upload_id: str, session: Session, *, now: datetime | None = None
    ) -> Pending | None:
        """The upload ``upload_id`` of ``session``, no longer kept (its folder is the caller's to
        remove); None when there is none: unknown, expired, taken already, or another
        session's (which stays for its own)."""
        now = now or datetime.now(UTC)
        with self._lock:
            expired = [k for k, p in self._kept.items() if p.expires <= now]
            dropped = [self._kept.pop(k) for k in expired]
            found = self._kept.get(upload_id)
            if found is not None and found.session is session:
                del self._kept[upload_id]
            else:
                found = None
        for old in dropped:
            shutil.rmtree(old.folder, ignore_errors=True)
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)


_MADE = threading.Lock()


def pending_uploads(request: Request) -> PendingUploads:
    """The app's checked uploads (made at the first upload)."""
    state = request.app.state
    with _MADE:
        uploads: PendingUploads | None = getattr(state, "console_uploads", None)
        if uploads is None:
            uploads = state.console_uploads = PendingUploads()
    return uploads


def _table_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return [(table, n) for table, n in counts.items()]


def _show(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    status_code: int = 200,
    **state: Any,
) -> Response:
    """The upload page: the form, and what came of the last step (``state``)."""
    context: dict[str, Any] = {
        "accept": ",".join(SUFFIXES),
        "limit_size": size_text(settings.upload_limit),
        "limit_rows": settings.upload_rows,
        "kept_minutes": int(KEPT.total_seconds() // 60),
        "refusal": None,
        "problems": [],
        "errors": 0,
        "preview": None,
        "written": None,
        "gone": False,
        "nothing": False,
        "names": [],
        "counts": [],
    }
    context.update(state)
    return page(request, "upload.html", context, session=session, status_code=status_code)


def _failed(request: Request, session: Session, settings: Settings, error: Exception) -> Response:
    """The page for an upload that cannot be written: its problems, or why it was refused."""
    lang = lang_of(request)
    if isinstance(error, ValidationFailed):
        return _show(
            request,
            session,
            settings,
            status_code=422,
            problems=[problem_json(p, lang) for p in error.problems],
            errors=sum(1 for p in error.problems if p.is_error),
        )
    if isinstance(error, ApiError):  # not a dataset, or too many rows
        reason = error.zh if lang == "zh" else error.en
        return _show(request, session, settings, status_code=error.status_code, refusal=reason)
    in_lang = getattr(error, "text", None)  # a RuleViolation says it in either language
    text = str(in_lang(lang)) if callable(in_lang) else str(error)
    return _show(request, session, settings, status_code=422, refusal=plain(text))


@router.get("/upload")
def upload_form(
    request: Request, session: ConsoleSession, caller: ImportCaller, settings: SettingsDep
) -> Response:
    """The form: choose the dataset's files."""
    return _show(request, session, settings)


@router.post("/upload")
def upload_check(
    request: Request,
    session: CheckedForm,
    caller: ImportCaller,
    settings: SettingsDep,
    files: Annotated[list[UploadFile | str] | None, File()] = None,
) -> Response:
    """Check the files as the API would import them, writing nothing, and keep them for the
    confirmation when nothing is wrong."""
    # a file input sent with no file chosen is an empty text field
    chosen = [f for f in files or [] if not isinstance(f, str) and f.filename]
    if not chosen:
        return _show(request, session, settings, status_code=422, nothing=True)
    uploads = pending_uploads(request)
    folder = uploads.folder()
    names = [PurePath(f.filename or "").name for f in chosen]
    try:
        with named_as_uploaded(folder):
            dataset = save_upload(chosen, folder)
            check_upload(caller, settings, dataset)
            result = import_upload(dataset, settings, dry_run=True)
    except (ValidationFailed, ApiError, DataError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        return _failed(request, session, settings, error)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    pending = uploads.keep(session, folder, dataset, names, result)
    lang = lang_of(request)
    return _show(
        request,
        session,
        settings,
        preview=pending,
        names=names,
        counts=_table_counts(pending.counts),
        problems=[problem_json(p, lang) for p in pending.warnings],
    )


@router.post("/upload/confirm")
def upload_confirm(
    request: Request,
    session: CheckedForm,
    caller: ImportCaller,
    settings: SettingsDep,
    upload_id: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Write a checked upload of this session: checked again against the store as it is now,
    then written whole, or not at all."""
    pending = pending_uploads(request).take(upload_id, session)
    if pending is None:
        return _show(request, session, settings, status_code=404, gone=True)
    try:
        with named_as_uploaded(pending.folder):
            check_upload(caller, settings, pending.dataset)
            result = import_upload(pending.dataset, settings)
    except (ValidationFailed, ApiError, DataError) as error:
        return _failed(request, session, settings, error)
    finally:
        shutil.rmtree(pending.folder, ignore_errors=True)
    lang = lang_of(request)
    return _show(
        request,
        session,
        settings,
        written=_table_counts({str(t): n for t, n in result.written.items()}),
        names=pending.names,
        problems=[problem_json(p, lang) for p in result.warnings],
    )
