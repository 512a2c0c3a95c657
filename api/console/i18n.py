"""The console's words: one message catalogue, in Chinese (the default) and English.

The catalogue is the TOML files of ``messages/``, one per part of the console, read as one table
of keys: ``"home.firms" = { zh = "企业", en = "Firms" }``. A key is unique across the files, and
every key has both languages (both checked when the catalogue loads). Templates say
``t("home.firms")``, with ``{name}`` fields filled from keyword arguments; nothing the console shows
is written anywhere else.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from chainmap.errors import ConfigError

__all__ = ["LANGS", "Catalogue", "catalogue", "choose_lang"]

#: the console's languages, the first the default
LANGS = ("zh", "en")


class Catalogue:
    """Every message by key, in each of :data:`LANGS`."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self.messages = dict(messages)

    def text(self, key: str, lang: str, /, **fields: Any) -> str:
        """The message ``key`` in ``lang``, its ``{fields}`` filled in. An unknown key is a
        programming error (a test renders every page in both languages)."""
        try:
            said = self.messages[key][lang if lang in LANGS else LANGS[0]]
        except KeyError:
            raise KeyError(f"no message {key!r} in the console's catalogue") from None
        return said.format(**fields) if fields else said

    def has(self, key: str) -> bool:
        return key in self.messages


def _load() -> dict[str, dict[str, str]]:
    folder = files("chainmap.api.console") / "messages"
    merged: dict[str, dict[str, str]] = {}
    where: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        table = tomllib.loads(entry.read_text("utf-8"))
        for key, said in _flatten(table).items():
            if key in merged:
                raise ConfigError(
                    f"console message {key!r} is in both {where[key]} and {entry.name}"
                )
            lacking = [lang for lang in LANGS if not isinstance(said.get(lang), str)]
            if lacking:
                raise ConfigError(f"console message {key!r} ({entry.name}) lacks {lacking}")
            merged[key], where[key] = {lang: said[lang] for lang in LANGS}, entry.name
    return merged


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, dict[str, str]]:
    """``{"a": {"b": {"zh": .., "en": ..}}}`` as ``{"a.b": {"zh": .., "en": ..}}``."""
    out: dict[str, dict[str, str]] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and any(lang in value for lang in LANGS):
            out[name] = dict(value)
        elif isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            raise ConfigError(f"console message {name!r} is not a table of languages")
    return out


@cache
def catalogue() -> Catalogue:
    """The catalogue, read once."""
    return Catalogue(_load())


def choose_lang(cookie: str | None) -> str:
    """The language a page is shown in: the one chosen with the console's switch (a cookie),
    else Chinese, whatever the browser prefers (the console's users work in Chinese; a browser
    set up in English is common among them and says nothing of what they read)."""
    return cookie if cookie in LANGS else LANGS[0]
