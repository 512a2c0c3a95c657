"""The errors chainmap raises, all rooted in :class:`ChainmapError`.

Every message says what is wrong, where, and how to fix it; the CLI turns an error into one line and an
exit status, the HTTP API into a status code, each in one place.

::

    ChainmapError                      root: catch this to catch everything chainmap raises
    ├── ConfigError                    a setting, a store URL or a command-line value is unusable
    ├── DataError                      input data cannot be read or does not pass validation
    │   ├── EncodingError              a text file is in none of the accepted encodings
    │   ├── SourceError                a file, sheet or JSON document has the wrong shape
    │   ├── RuleViolation              one value breaks a registry rule (also a ValueError)
    │   └── ValidationFailed           a dataset has problems; carries every one of them
    ├── NotFound                       a chain, firm or leader asked for does not exist
    ├── LoginRefused                   a login and password were refused (never saying why)
    └── StoreError                     the store cannot be opened, read or written
        ├── StoreUnavailable           the database cannot be reached or opened
        └── SchemaVersionError         the database was written by an incompatible chainmap
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainmap.ingest.problems import Problem

__all__ = [
    "ChainmapError",
    "ConfigError",
    "DataError",
    "EncodingError",
    "LoginRefused",
    "NotFound",
    "RuleViolation",
    "SchemaVersionError",
    "SourceError",
    "StoreError",
    "StoreUnavailable",
    "ValidationFailed",
]


class ChainmapError(Exception):
    """Root of every error chainmap raises on purpose."""

    exit_code = 1


class ConfigError(ChainmapError):
    """A setting, store URL or option value cannot be used."""

    exit_code = 2


class DataError(ChainmapError):
    """Input data cannot be read or is invalid."""

    exit_code = 2


class EncodingError(DataError):
    """A text file is neither UTF-8 (with or without BOM) nor GB18030/GBK."""


class SourceError(DataError):
    """A file, workbook sheet or JSON document does not have the expected shape."""


class RuleViolation(DataError, ValueError):
    """One value breaks a registry rule (USCC, region code, industry code, status ...).

    ``code`` is a short machine-readable name of the rule, e.g. ``uscc_check_character``.
    ``message`` is the English text (``str(error)``), ``zh`` the same in Chinese, which is what a
    bureau's user reads by default; both say what was expected. It is a ``ValueError`` too, so
    pydantic validators report it as a field error.
    """

    def __init__(self, code: str, message: str, zh: str | None = None) -> None:
        self.code = code
        self.zh = zh if zh is not None else message
        super().__init__(message)

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else str(self)


class ValidationFailed(DataError):
    """A dataset did not pass validation; nothing was written.

    ``problems`` holds every error and warning found, in file and row order.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = sum(1 for p in self.problems if p.is_error)
        self.zh = (
            f"数据有 {errors} 处错误，未写入任何数据。请修改所列各行"
            "（--errors-out 文件.csv 可导出全部问题）后重新导入。"
        )
        super().__init__(
            f"the dataset has {errors} error(s); nothing was written. "
            "Fix the rows listed (or use --errors-out FILE.csv for the full list) and import again."
        )

    def text(self, lang: str = "zh") -> str:
        """The summary in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else str(self)


class NotFound(ChainmapError):
    """A chain, enterprise or leader that was asked for does not exist (or is out of scope)."""

    exit_code = 4


class LoginRefused(ChainmapError):
    """A login was refused: one message whether the login is unknown, the password wrong, or the
    account disabled or locked, so that the answer tells a guesser nothing.

    ``str(error)`` is the English text, ``zh`` the Chinese one.
    """

    zh = "登录名或密码不正确，或该账户暂时不能登录。请检查后重试，多次失败后须等待片刻；仍不能登录请联系管理员。"
    en = (
        "the login or the password is wrong, or the account cannot log in just now. Check them "
        "and try again; after several failures, wait a while. If it still fails, ask an "
        "administrator."
    )

    def __init__(self) -> None:
        super().__init__(self.en)

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else self.en


class StoreError(ChainmapError):
    """The store failed to open, read or write."""

    exit_code = 3


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened."""


class SchemaVersionError(StoreError):
    """The database schema is of a version this chainmap cannot use."""
