"""Which text encoding a file is in: UTF-8 (with or without BOM) or GB18030/GBK, nothing else.

Excel on a Chinese desktop writes "CSV" as GBK (GB18030 is its superset), newer versions as UTF-8
with a BOM; both are common in the data regulators receive. The file is scanned until its first
non-ASCII bytes, which decide; a file that is pure ASCII is UTF-8.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from chainmap.errors import EncodingError

__all__ = ["ENCODINGS", "detect_encoding"]

#: what :func:`detect_encoding` may answer
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")

_CHUNK = 1 << 20
_SAMPLE = 256 * 1024  # bytes from the first non-ASCII byte on that must decode


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error
        codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """Return ``utf-8-sig``, ``utf-8`` or ``gb18030`` for ``path``, or raise :class:`EncodingError`."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise EncodingError(
                f"{path.name} is UTF-16 (Excel's 'Unicode text'); save it as "
                "'CSV UTF-8 (comma delimited)' and import again"
            )
        handle.seek(0)
        offset = 0
        while chunk := handle.read(_CHUNK):
            if not chunk.isascii():
                start = next(i for i, b in enumerate(chunk) if b >= 0x80)
                sample = chunk[start : start + _SAMPLE]
                if len(sample) < _SAMPLE:
                    sample += handle.read(_SAMPLE - len(sample))
                for encoding in ("utf-8", "gb18030"):
                    if _decodes(sample, encoding):
                        return encoding
                raise EncodingError(
                    f"{path.name} is neither UTF-8 nor GB18030/GBK (undecodable bytes near byte "
                    f"{offset + start}); open it in Excel or a text editor and save it as "
                    "'CSV UTF-8' and import again"
                )
            offset += len(chunk)
    return "utf-8"
