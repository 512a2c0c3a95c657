"""Dataset upload: the formats of ``chainmap import`` (CSV files named after their tables, one
XLSX workbook or one JSON document), the same validation, the same problems, as JSON; nothing is
written unless all of it passes. The app limits the body's size (413 before anything is parsed).
A regulator's rows must all lie within its regions.

The steps are functions the console's upload page calls too (:mod:`api.console.routes.upload`):
:func:`save_upload` keeps the files as ``chainmap import`` takes them, :func:`check_upload`
bounds the rows and a regulator's regions, :func:`import_upload` validates and writes (or, as a
dry run, only counts what it would write), all inside :func:`named_as_uploaded`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from chainmap.access import Principal, Role
from chainmap.config import Settings
from chainmap.errors import DataError, ValidationFailed
from chainmap.ingest.bounds import rows_outside
from chainmap.ingest.load import ImportResult, import_datasets
from chainmap.ingest.sources import WORKBOOK_SUFFIXES
from chainmap.store import open_store

from ..deps import ImportCaller, SettingsDep
from ..errors import ApiError
from ..schemas import ImportReport

__all__ = [
    "SUFFIXES",
    "UPLOAD_ERRORS",
    "check_upload",
    "import_upload",
    "named_as_uploaded",
    "router",
    "save_upload",
]

router = APIRouter(tags=["datasets"])

#: the kinds of file an upload may hold
SUFFIXES = (".csv", ".json", *WORKBOOK_SUFFIXES)
#: a table of an upload is read no further once it has shown this many errors: the caller gets
#: the first ones and where reading stopped, and the server is not held by a hopeless upload
UPLOAD_ERRORS = 1000


def _bad(en: str, zh: str) -> ApiError:
    return ApiError(422, "invalid_upload", en, zh)


def save_upload(files: list[UploadFile], folder: Path) -> Path:
    """The upload saved in ``folder`` as ``chainmap import`` takes it: the folder of its CSV
    files, or its one workbook or JSON file. Other kinds of file, names given twice, or a
    workbook beside other files are refused (422 ``invalid_upload``)."""
    names = [PurePath(f.filename or "").name for f in files]
    if (
        not names
        or any(not n.lower().endswith(SUFFIXES) for n in names)
        or len(set(names)) != len(names)
    ):
        raise _bad(
            "upload CSV files, one workbook (.xlsx, .xls, .xlsb, .ods) or one .json file, "
            "each under its own name",
            "请上传 CSV 文件、一个工作簿（.xlsx、.xls、.xlsb、.ods）或一个 .json 文件，文件名不重复",
        )
    single = [n for n in names if not n.lower().endswith(".csv")]
    if single and len(files) > 1:
        raise _bad(
            "a workbook or .json dataset comes alone, without other files",
            "工作簿或 .json 数据须单独上传，不能与其他文件一起",
        )
    for name, upload in zip(names, files, strict=True):
        with (folder / name).open("wb") as out:
            shutil.copyfileobj(upload.file, out)
    return folder / single[0] if single else folder


def _rows_in(dataset: Path) -> int:
    """The rows an upload holds, counted without reading its values: lines of its CSV files,
    the used height of each sheet of a workbook, items of a JSON document's arrays."""
    if dataset.is_dir():
        return sum(
            max(0, sum(chunk.count(b"\n") for chunk in _chunks(f)) - 1)
            for f in dataset.glob("*.csv")
        )
    suffix = dataset.suffix.lower()
    if suffix == ".json":
        return 0  # the JSON reader holds the document; its size is bounded by the body limit
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(dataset))
        return sum(workbook.get_sheet_by_name(n).total_height for n in workbook.sheet_names)
    except Exception:  # a damaged workbook: the import says what is wrong with it
        return 0


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def _within_rows(dataset: Path, limit: int) -> None:
    rows = _rows_in(dataset)
    if rows > limit:
        raise ApiError(
            status.HTTP_413_CONTENT_TOO_LARGE,
            "upload_too_large",
            f"the upload holds {rows:,} rows; the HTTP API takes at most {limit:,} "
            "(CHAINMAP_UPLOAD_ROWS); import a larger dataset with chainmap import",
            f"上传的数据有 {rows:,} 行，接口最多接受 {limit:,} 行（CHAINMAP_UPLOAD_ROWS）；"
            "更大的数据请用 chainmap import 导入",
        )


def check_upload(caller: Principal, settings: Settings, dataset: Path) -> None:
    """What is checked before validation: the rows an upload holds (413 above
    ``settings.upload_rows``) and, for a regulator, that every row lies within its regions
    (:class:`~chainmap.errors.ValidationFailed` listing each row outside them)."""
    _within_rows(dataset, settings.upload_rows)
    if caller.role is Role.REGULATOR:
        with open_store(settings.store) as store:
            known = {c.chain_id: c.region_code for c in store.chains()}
            outside = rows_outside([dataset], caller.regions, store.search_enterprises, known)
        if outside:
            raise ValidationFailed(outside)


def import_upload(dataset: Path, settings: Settings, *, dry_run: bool = False) -> ImportResult:
    """Validate the upload whole and write it, bounded as an upload is (its first
    :data:`UPLOAD_ERRORS` errors per table, ``settings.upload_seconds``); raises
    :class:`~chainmap.errors.ValidationFailed` with its problems, nothing written. A
    ``dry_run`` writes nothing and counts per table the rows it would write."""
    return import_datasets(
        [dataset],
        lambda: open_store(settings.store),
        batch_size=settings.batch_size,
        workers=1,
        stop_after=UPLOAD_ERRORS,
        time_limit=settings.upload_seconds,
        dry_run=dry_run,
    )


@contextmanager
def named_as_uploaded(folder: Path) -> Iterator[None]:
    """An error about the upload names its files as the caller sent them, never the server's
    temporary folder."""
    try:
        yield
    except ValidationFailed:
        raise  # its problems already name the files alone
    except DataError as error:
        text = str(error).replace(f"{folder}{os.sep}", "").replace(str(folder), "the upload")
        if text == str(error):
            raise
        raise DataError(text) from None


@router.post(
    "/datasets",
    status_code=status.HTTP_201_CREATED,
    summary="Import a dataset (validated whole; nothing written on error)",
    responses={413: {"description": "the upload is larger than the limit"}},
)
def upload(
    caller: ImportCaller,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="the dataset's files", min_length=1)],
) -> ImportReport:
    with (
        tempfile.TemporaryDirectory(prefix="chainmap-upload-") as folder,
        named_as_uploaded(Path(folder)),
    ):
        dataset = save_upload(files, Path(folder))
        check_upload(caller, settings, dataset)
        result = import_upload(dataset, settings)
    return ImportReport(
        rows_read=result.rows_read,
        written={str(table): n for table, n in result.written.items()},
        warnings=[p.as_json() for p in result.warnings],
        seconds=round(result.seconds, 3),
    )
