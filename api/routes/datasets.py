"""Dataset upload: the formats of ``chainmap import`` (CSV files named after their tables, one
XLSX workbook or one JSON document), the same validation, the same problems, as JSON; nothing is
written unless all of it passes. The app limits the body's size (413 before anything is parsed).
A regulator's rows must all lie within its regions."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, UploadFile, status

from chainmap.access import Role
from chainmap.errors import ValidationFailed
from chainmap.ingest.bounds import rows_outside
from chainmap.ingest.load import import_datasets
from chainmap.ingest.sources import WORKBOOK_SUFFIXES
from chainmap.store import open_store

from ..deps import ImportCaller, SettingsDep
from ..schemas import ImportReport

router = APIRouter(tags=["datasets"])

_SUFFIXES = (".csv", ".json", *WORKBOOK_SUFFIXES)


def _bad(detail: str) -> HTTPException:
    return HTTPException(422, detail=detail)


def _saved(files: list[UploadFile], folder: Path) -> Path:
    """The upload as ``chainmap import`` takes it: a folder of CSV files, or one workbook or
    JSON file."""
    names = [PurePath(f.filename or "").name for f in files]
    if any(not n.lower().endswith(_SUFFIXES) for n in names) or len(set(names)) != len(names):
        raise _bad("upload CSV files, one workbook (.xlsx, .xls, .xlsb, .ods) or one .json file")
    single = [n for n in names if not n.lower().endswith(".csv")]
    if single and len(files) > 1:
        raise _bad("a workbook or .json dataset comes alone, without other files")
    for name, upload in zip(names, files, strict=True):
        with (folder / name).open("wb") as out:
            shutil.copyfileobj(upload.file, out)
    return folder / single[0] if single else folder


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
    with tempfile.TemporaryDirectory(prefix="chainmap-upload-") as folder:
        dataset = _saved(files, Path(folder))
        if caller.role is Role.REGULATOR:
            with open_store(settings.store) as store:
                known = {c.chain_id: c.region_code for c in store.chains()}
                outside = rows_outside([dataset], caller.regions, store.search_enterprises, known)
            if outside:
                raise ValidationFailed(outside)
        result = import_datasets(
            [dataset],
            lambda: open_store(settings.store),
            batch_size=settings.batch_size,
            workers=1,
        )
    return ImportReport(
        rows_read=result.rows_read,
        written={str(table): n for table, n in result.written.items()},
        warnings=[p.as_json() for p in result.warnings],
        seconds=round(result.seconds, 3),
    )
