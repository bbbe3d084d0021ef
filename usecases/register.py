"""Load a national services register (xlsx or CSV) into agencies' service inventories.

A mapping file (YAML) names the register's columns and translates its status codes into the
catalogue's digital levels; see docs/INTAKE.md. Agencies are matched by code or by Thai or
English name, narrowed by ministry (code or name) when the register has one. Rows that match no
agency, or name an unknown status, are reported with their row number, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy.orm import Session

from data import repository
from survey import files
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import Localised, message
from survey.validation import ServiceInput, is_missing
from survey.workflow import Channel
from usecases.answer_import import ImportResult, import_answers

REQUIRED_COLUMNS = ("agency", "name", "status")
OPTIONAL_COLUMNS = ("ministry", "code", "annual_volume", "paper_required", "uses_digital_id", "uses_e_payment",
                    "uses_e_signature", "uses_e_certificate")
DEFAULT_TRUE = ("y", "yes", "true", "1", "ใช่", "มี")


@dataclass(frozen=True)
class RegisterMapping:
    """Which register column holds each service field, and the digital level of each status code."""

    columns: Mapping[str, str]
    status_levels: Mapping[str, int]
    true_values: frozenset[str]
    sheet: str | None = None


def _key(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def parse_mapping(raw: Any, catalogue: Catalogue | None = None) -> RegisterMapping:
    """Build a mapping from parsed YAML, or raise ValueError listing every problem."""
    catalogue = catalogue or default_catalogue()
    top = len(catalogue.digital_levels) - 1
    problems = []
    if not isinstance(raw, Mapping):
        raise ValueError("mapping: the file must be a YAML mapping with 'columns' and 'status_levels'")
    columns = raw.get("columns")
    if not isinstance(columns, Mapping):
        problems.append("columns: must map service fields to the register's column names")
        columns = {}
    for name in REQUIRED_COLUMNS:
        if not columns.get(name):
            problems.append(f"columns.{name}: required (the register column holding the {name})")
    for name in columns:
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            problems.append(f"columns.{name}: unknown field; use {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
    levels = raw.get("status_levels")
    status_levels: dict[str, int] = {}
    if not isinstance(levels, Mapping) or not levels:
        problems.append(f"status_levels: must map each status code to a digital level 0-{top}")
    else:
        for code, level in levels.items():
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= top:
                problems.append(f"status_levels.{code}: must be a whole number from 0 to {top}")
            else:
                status_levels[_key(code)] = level
    true_values = raw.get("true_values", list(DEFAULT_TRUE))
    if not isinstance(true_values, list):
        problems.append("true_values: must be a list")
        true_values = list(DEFAULT_TRUE)
    if problems:
        raise ValueError("mapping is invalid:\n- " + "\n- ".join(problems))
    sheet = raw.get("sheet")
    return RegisterMapping({str(k): str(v) for k, v in columns.items()}, status_levels,
                           frozenset(_key(v) for v in true_values), None if sheet is None else str(sheet))


def load_mapping(path: Path | str, catalogue: Catalogue | None = None) -> RegisterMapping:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"mapping: not valid YAML ({exc})") from exc
    return parse_mapping(raw, catalogue)


def read_table(path: Path | str, sheet: str | None = None, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV or the first (or named) sheet of an xlsx through the upload gate (`survey.files`), every cell as text.

    Raises `FileRefused` (a `DomainError`, message in Thai and English) for a file the gate refuses,
    or whose header repeats, merges or leaves empty a column, or lacks one of `columns`.
    """
    data = files.file_bytes(path)
    if isinstance(data, list):
        raise files.FileRefused(data)
    table = files.table_or_raise(data, Path(path).name, sheet)
    problems = files.check_header(table, columns, allow_other=True)
    if problems:
        raise files.FileRefused(problems)
    return files.frame_of(table)


@dataclass(frozen=True)
class Unmatched:
    row: int  # 1-based data row, as a spreadsheet user counts under the header
    value: str
    reason: Localised


@dataclass
class RegisterReport:
    """What loading a register did, per agency, and the rows it could not place."""

    results: list[ImportResult] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    rows: int = 0


def match_register(frame: pd.DataFrame, mapping: RegisterMapping, agencies: pd.DataFrame,
                   ministries: pd.DataFrame) -> tuple[dict[str, list[ServiceInput]], list[Unmatched]]:
    """Return the services per matched agency id, and the rows that match no agency or status."""
    missing = [c for c in mapping.columns.values() if c not in frame.columns]
    if missing:
        raise ValueError(f"the register has no column {', '.join(missing)} (columns: {', '.join(map(str, frame.columns))})")
    by_key: dict[str, set[str]] = {}
    for ag in agencies.itertuples(index=False):
        for value in (ag.agency_id, ag.name_th, ag.name_en):
            if not is_missing(value):
                by_key.setdefault(_key(value), set()).add(str(ag.agency_id))
    ministry_of = dict(zip(agencies["agency_id"], agencies["ministry_id"], strict=True))
    ministry_key: dict[str, str] = {}
    for mi in ministries.itertuples(index=False):
        for value in (mi.ministry_id, mi.name_th, mi.name_en):
            ministry_key[_key(value)] = str(mi.ministry_id)

    cols = mapping.columns
    out: dict[str, list[ServiceInput]] = {}
    unmatched: list[Unmatched] = []
    records: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    for i, rec in enumerate(records, start=1):
        agency_text = str(rec.get(cols["agency"], "")).strip()
        candidates = by_key.get(_key(agency_text), set())
        if "ministry" in cols and str(rec.get(cols["ministry"], "")).strip():
            ministry_text = str(rec[cols["ministry"]]).strip()
            ministry = ministry_key.get(_key(ministry_text))
            if ministry is None:
                unmatched.append(Unmatched(i, ministry_text, message("register_unknown_ministry", text=ministry_text)))
                continue
            candidates = {a for a in candidates if ministry_of.get(a) == ministry}
        if len(candidates) != 1:
            why = message("register_unknown_agency" if not candidates else "register_ambiguous_agency", text=agency_text)
            unmatched.append(Unmatched(i, agency_text, why))
            continue
        status = str(rec.get(cols["status"], "")).strip()
        level = mapping.status_levels.get(_key(status))
        if level is None:
            unmatched.append(Unmatched(i, status, message("register_unknown_status", text=status)))
            continue

        def flag(name: str, rec: Mapping[str, Any] = rec) -> bool | None:
            if name not in cols or is_missing(rec.get(cols[name])):
                return None
            return _key(rec[cols[name]]) in mapping.true_values

        volume = rec.get(cols["annual_volume"]) if "annual_volume" in cols else None
        paper = flag("paper_required")
        service = ServiceInput(
            code=(str(rec.get(cols["code"], "")).strip() or None) if "code" in cols else None,
            name=str(rec.get(cols["name"], "")).strip(), digital_level=level,
            annual_volume=None if is_missing(volume) else volume,
            paper_required=True if paper is None else paper,
            uses_digital_id=bool(flag("uses_digital_id")), uses_e_payment=bool(flag("uses_e_payment")),
            uses_e_signature=bool(flag("uses_e_signature")), uses_e_certificate=bool(flag("uses_e_certificate")))
        out.setdefault(next(iter(candidates)), []).append(service)
    return out, unmatched


def import_register(session: Session, path: Path | str, mapping: RegisterMapping, cycle_year: int, actor: str,
                    dry_run: bool = False, catalogue: Catalogue | None = None) -> RegisterReport:
    """Replace the matched agencies' inventories for the cycle with the register's services (channel cli)."""
    frame = read_table(path, mapping.sheet, list(mapping.columns.values()))
    per_agency, unmatched = match_register(frame, mapping, repository.agencies(session), repository.ministries(session))
    report = RegisterReport(unmatched=unmatched, rows=len(frame))
    for agency_id in sorted(per_agency):
        report.results.append(import_answers(session, agency_id, cycle_year, {}, per_agency[agency_id], actor,
                                             Channel.CLI, dry_run=dry_run, catalogue=catalogue))
    return report
