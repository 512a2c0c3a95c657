"""Read datasets (CSV folders, XLSX workbooks, JSON), detect encodings, validate, report problems."""

from chainmap.ingest.encoding import detect_encoding
from chainmap.ingest.problems import Problem, Severity, write_problems_csv
from chainmap.ingest.sources import DatasetSource, open_dataset
from chainmap.ingest.tables import SPECS, TableSpec
from chainmap.ingest.validate import KnownKeys, Validation, validate_paths

__all__ = [
    "SPECS",
    "DatasetSource",
    "KnownKeys",
    "Problem",
    "Severity",
    "TableSpec",
    "Validation",
    "detect_encoding",
    "open_dataset",
    "validate_paths",
    "write_problems_csv",
]
