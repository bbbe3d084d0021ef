"""Messages and the one domain error: a text key from `survey/texts` with its parameters, read in either language.

A `Message` is what a refused request, a validation problem or an import summary says; it is
rendered when a reader's language is known (`get(lang)`), so the same object serves a Thai page,
an English command line and the audit trail. Parameters that read differently per language
(years, dates, response states, other messages) are rendered in the reader's language too.
`DomainError` carries one: every refusal of a use case raises a subclass of it, so a page or a
command line shows `error.message(lang)` whatever went wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from survey.i18n import LANGS, fmt_date, t
from survey.years import display_year


class Localised(Protocol):
    def get(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Year:
    """A survey year (B.E.) as a message parameter: B.E. for Thai readers, C.E. for English ones."""

    year_be: int

    def get(self, lang: str) -> str:
        return display_year(self.year_be, lang)


@dataclass(frozen=True)
class Word:
    """A coded value as a message parameter, shown as the text `<prefix>_<code>` (a state, a kind, a type)."""

    prefix: str
    code: str
    #: In an English sentence the word is written in lower case ("the response is submitted").
    lower: bool = True

    def get(self, lang: str) -> str:
        from survey.i18n import TEXTS

        key = f"{self.prefix}_{self.code}"
        word = t(key, lang) if key in TEXTS else self.code
        return word.lower() if lang == "en" and self.lower else word


def _render(value: Any, lang: str) -> Any:
    if hasattr(value, "get") and callable(value.get) and not isinstance(value, Mapping):
        return value.get(lang)
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    return value


@dataclass(frozen=True)
class Message:
    """A user-facing text by key (in `survey/texts`) with its parameters; `get(lang)` renders it."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def get(self, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
        return t(self.key, lang).format(**{k: _render(v, lang) for k, v in self.params.items()})

    @property
    def th(self) -> str:
        return self.get("th")

    @property
    def en(self) -> str:
        return self.get("en")


def message(key: str, **params: Any) -> Message:
    """Return the message `key` with `params` (checked now: an unknown key fails where it is written)."""
    from survey.i18n import TEXTS

    if key not in TEXTS:
        raise KeyError(f"no text for key {key!r}")
    return Message(key, params)


class DomainError(Exception):
    """A request the product refuses, and why, in the reader's language (`message(lang)`)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.text = message(key, **params)
        super().__init__(f"{self.text.th} / {self.text.en}")

    def message(self, lang: str) -> str:
        return self.text.get(lang)
