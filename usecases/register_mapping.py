"""The mapping file of a national services register or an organisations list, and how cell texts are compared.

One YAML file names the file's columns (our field: the column header), the digital level of each
register status, the statuses not meant to become e-services, and the agency type each free-text
type means (docs/INTAKE.md). Texts are compared after `text_key`: Unicode NFC, zero-width
characters removed, whitespace (line breaks included) collapsed, PyThaiNLP's Thai normalisation
(two Sara E as Sara Ae, a tone mark typed before its vowel, repeated marks), case folded. A text
the mapping does not list is never guessed: the error names the nearest mapped text (rapidfuzz)
as a line to add.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pythainlp.util import normalize as thai_normalize
from rapidfuzz import fuzz, process

from data.models import AgencyType
from survey.catalogue import Catalogue, default_catalogue

#: The register's fields: required for a services import, then the optional ones.
SERVICE_COLUMNS = ("code", "name", "agency", "status")
ORGANISATION_COLUMNS = ("agency_name", "agency_name_en", "agency_type", "ministry", "ministry_name",
                        "ministry_name_en", "province")
OPTIONAL_COLUMNS = (*ORGANISATION_COLUMNS, "reason", "project", "volume", "paper_required", "uses_digital_id",
                    "uses_e_payment", "uses_e_signature", "uses_e_certificate")
#: Earlier names of a field, still read so that mapping files written before keep working.
ALIASES = {"annual_volume": "volume"}
DEFAULT_TRUE = ("y", "yes", "true", "1", "ใช่", "มี")
AGENCY_TYPES = tuple(t.value for t in AgencyType)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")


def clean_cell(value: Any) -> str:
    """Return a cell's text as stored: NFC, zero-width characters removed, whitespace runs (line breaks too) as one space."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return _SPACE.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


@lru_cache(maxsize=65536)
def text_key(value: str) -> str:
    """Return the form two texts are compared in: `clean_cell`, PyThaiNLP's Thai normalisation, case folded."""
    return _SPACE.sub(" ", thai_normalize(clean_cell(value))).strip().casefold()


@dataclass(frozen=True)
class RegisterMapping:
    """Which column holds each field, and what the register's statuses and agency types mean."""

    columns: Mapping[str, str]
    #: Status (as `text_key`) -> (the status code as the mapping writes it, digital level).
    statuses: Mapping[str, tuple[str, int]]
    #: Statuses (as `text_key`) of services not meant to become e-services.
    not_applicable: frozenset[str]
    #: Agency type text (as `text_key`) -> (the text as the mapping writes it, our type code).
    agency_types: Mapping[str, tuple[str, str]]
    true_values: frozenset[str]
    sheet: str | None = None

    @property
    def status_levels(self) -> dict[str, int]:
        """Return status (as `text_key`) -> digital level."""
        return {k: level for k, (_, level) in self.statuses.items()}

    def status(self, text: str) -> tuple[str, int] | None:
        return self.statuses.get(text_key(text))

    def agency_type(self, text: str) -> str | None:
        found = self.agency_types.get(text_key(text))
        return None if found is None else found[1]


def parse_mapping(raw: Any, catalogue: Catalogue | None = None, services: bool = True) -> RegisterMapping:
    """Build a mapping from parsed YAML, or raise ValueError listing every problem.

    `services` False reads an organisations list's mapping: no service columns or statuses needed.
    """
    catalogue = catalogue or default_catalogue()
    top = len(catalogue.digital_levels) - 1
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        raise ValueError("mapping: the file must be a YAML mapping with 'columns'"
                         + (" and 'status_levels'" if services else ""))
    columns = raw.get("columns")
    if not isinstance(columns, Mapping):
        problems.append("columns: must map fields to the file's column headers")
        columns = {}
    columns = {ALIASES.get(str(k), str(k)): v for k, v in columns.items()}
    known = SERVICE_COLUMNS + OPTIONAL_COLUMNS if services else ("agency", *ORGANISATION_COLUMNS)
    for name in SERVICE_COLUMNS if services else ():
        if not columns.get(name):
            problems.append(f"columns.{name}: required (the column holding the service's {name})")
    if not services and not (columns.get("agency") or columns.get("ministry")):
        problems.append("columns: name the agency column (code), the ministry column (code), or both")
    for name, header in columns.items():
        if name not in known:
            problems.append(f"columns.{name}: unknown field; use {', '.join(known)}")
        elif not isinstance(header, str | int) or not str(header).strip():
            problems.append(f"columns.{name}: must be a column header")
    statuses: dict[str, tuple[str, int]] = {}
    levels = raw.get("status_levels")
    if services and (not isinstance(levels, Mapping) or not levels):
        problems.append(f"status_levels: must map each status code to a digital level 0-{top}")
    for code, level in (levels.items() if isinstance(levels, Mapping) else ()):
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= top:
            problems.append(f"status_levels.{code}: must be a whole number from 0 to {top}")
        else:
            statuses[text_key(str(code))] = (clean_cell(code), level)
    not_applicable = raw.get("not_applicable", [])
    if not isinstance(not_applicable, list):
        problems.append("not_applicable: must be a list of status codes")
        not_applicable = []
    for code in not_applicable:
        if text_key(str(code)) not in statuses:
            problems.append(f"not_applicable: {code} is not one of status_levels")
    types: dict[str, tuple[str, str]] = {}
    given = raw.get("agency_types", {}) or {}
    if not isinstance(given, Mapping):
        problems.append("agency_types: must map each type text of the file to a type")
        given = {}
    for text, kind in given.items():
        if kind not in AGENCY_TYPES:
            problems.append(f"agency_types.{text}: {kind!r} is not a type; use {', '.join(AGENCY_TYPES)}")
        else:
            types[text_key(str(text))] = (clean_cell(text), str(kind))
    true_values = raw.get("true_values", list(DEFAULT_TRUE))
    if not isinstance(true_values, list):
        problems.append("true_values: must be a list")
        true_values = list(DEFAULT_TRUE)
    unknown = sorted(set(map(str, raw)) - {"columns", "status_levels", "not_applicable", "agency_types",
                                           "true_values", "sheet"})
    problems.extend(f"{key}: unknown setting" for key in unknown)
    if problems:
        raise ValueError("mapping is invalid:\n- " + "\n- ".join(problems))
    sheet = raw.get("sheet")
    return RegisterMapping({k: clean_cell(v) for k, v in columns.items()}, statuses,
                           frozenset(text_key(str(c)) for c in not_applicable), types,
                           frozenset(text_key(str(v)) for v in true_values), None if sheet is None else str(sheet))


def load_mapping(path: Path | str, catalogue: Catalogue | None = None, services: bool = True) -> RegisterMapping:
    """Read a mapping file (YAML), or raise ValueError naming what is wrong."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"mapping: not valid YAML ({exc})") from exc
    return parse_mapping(raw, catalogue, services)


def nearest(text: str, choices: Iterable[str]) -> str | None:
    """Return the mapped text closest to `text` (rapidfuzz's Levenshtein ratio on the compared forms), if any."""
    options = {text_key(c): c for c in choices}
    if not options:
        return None
    found = process.extractOne(text_key(text), list(options), scorer=fuzz.ratio)
    return None if found is None else options[found[0]]


def yaml_key(text: str) -> str:
    """Return `text` as a YAML mapping key (quoted, so that a text like yes or 1 stays text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
