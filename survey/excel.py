"""The per-agency Excel workbook: build it from the catalogue, read it back with the same validation.

The workbook has an instructions sheet, one sheet per dimension (question, answer cell with a
drop-down or number rule, evidence, comment, last cycle's answer), a services sheet holding an
Excel table, and a very hidden, protected meta sheet naming the agency, the cycle, the catalogue
version and a checksum of the layout. Only answer cells are unlocked. Reading refuses, with a
message in Thai and English and nothing changed, files that are too big, corrupt, macro-enabled,
foreign, edited in structure, or made for another agency or cycle.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from survey.answers import diff_answers
from survey.catalogue import Catalogue, Indicator, Level
from survey.cells import formula_like
from survey.errors import Year, message
from survey.files import check_workbook, refusal
from survey.i18n import t
from survey.validation import (
    AnswerInput,
    Problem,
    ServiceInput,
    clean_text,
    is_missing,
    parse_yes_no,
    validate,
)
from survey.years import display_year

FORMAT = "readiness-intake/1"
META_SHEET = "_meta"
MAX_ROWS = 5000
#: A filled workbook is read whole (not streamed); this bounds its unzipped content, and so its memory.
#: A template with 1,000 services and every comment filled is about 3 MB unzipped.
MAX_UNZIPPED = 16 * 1024 * 1024
SPARE_SERVICE_ROWS = 100
FIRST_ROW = 4  # dimension sheets: title, note, header, then questions

# Dimension sheets: column of each part.
COL_ID, COL_OPTION, COL_QUESTION, COL_ANSWER, COL_EVIDENCE, COL_COMMENT, COL_PREVIOUS, COL_HELP = "ABCDEFGH"
SERVICE_COLUMNS = ("code", "name", "digital_level", "annual_volume", "paper_required", "uses_digital_id",
                   "uses_e_payment", "uses_e_signature", "uses_e_certificate")
SERVICE_LETTERS = dict(zip(SERVICE_COLUMNS, "ABCDEFGHI", strict=True))

#: The instructions sheet's numbered steps (text keys).
STEPS = tuple(f"tpl_step_{n}" for n in range(1, 7))

_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_UNLOCKED = Protection(locked=False)


class AgencyLike(Protocol):
    id: str
    name_th: str
    name_en: str


def w(key: str, lang: str) -> str:
    """Return a word of the template (`tpl_<key>` in survey/texts/template.py) in `lang`."""
    return t(f"tpl_{key}", lang)


def put(cell: Cell, value: Any) -> None:
    """Write a value; text is always stored as text, never as a formula (no formula injection)."""
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        cell.value = value
        return
    text = clean_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


# ---------------------------------------------------------------------------------------------
# Layout: where each answer lives. The same function serves writing and reading.


@dataclass(frozen=True)
class Slot:
    sheet: str
    row: int
    indicator_id: str
    option_id: str | None


def _level_choices(levels: Sequence[Level], lang: str) -> list[str]:
    return [f"{lv.value} - {lv.label.get(lang).replace(',', ' ')}" for lv in levels]


def layout(catalogue: Catalogue) -> list[Slot]:
    """Return every answer row of the dimension sheets, in order (the same in both languages)."""
    slots = []
    for dim in catalogue.dimensions:
        row = FIRST_ROW
        for ind in dim.indicators:
            if not ind.entered:
                continue
            slots.append(Slot(dim.id, row, ind.id, None))
            row += 1
            if ind.type == "multi_choice":
                for opt in ind.options:
                    slots.append(Slot(dim.id, row, ind.id, opt.id))
                    row += 1
    return slots


def checksum(catalogue: Catalogue, agency_id: str, cycle_year: int, lang: str) -> str:
    """Return the fingerprint of a workbook's structure (layout, catalogue version, agency, cycle, language)."""
    body = json.dumps([FORMAT, agency_id, int(cycle_year), catalogue.version, lang,
                       [(s.sheet, s.row, s.indicator_id, s.option_id) for s in layout(catalogue)],
                       list(SERVICE_COLUMNS)], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Building


def _show_answer(ind: Indicator, value: Any, catalogue: Catalogue, lang: str) -> Any:
    """Return an answer as the cell shows it (labels for yes/no and stages)."""
    if is_missing(value):
        return None
    if ind.type == "yes_no":
        yn = parse_yes_no(value)
        return value if yn is None else w("yes" if yn == 1.0 else "no", lang)
    if ind.type == "stage" and isinstance(value, int | float) and float(value).is_integer() \
            and 0 <= value < len(catalogue.stages):
        return _level_choices(catalogue.stages, lang)[int(value)]
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def _yes_no(flag: Any, lang: str) -> str | None:
    if is_missing(flag):
        return None
    yn = parse_yes_no(flag)
    return None if yn is None else w("yes" if yn == 1.0 else "no", lang)


def _list_rule(choices: Sequence[str], lang: str) -> DataValidation:
    formula = '"' + ",".join(c.replace('"', "'") for c in choices) + '"'
    if len(formula) > 255:
        raise ValueError("a drop-down list is longer than Excel allows (255 characters)")
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle=w("bad_entry", lang), error=", ".join(choices)[:225])
    return dv


def _number_rule(ind: Indicator, lang: str) -> DataValidation:
    kind = "whole" if ind.type == "count" else "decimal"
    low, high = ind.minimum, ind.maximum
    message = f"{w(kind, lang)} {'' if low is None else _n(low)} - {'' if high is None else _n(high)}"
    if low is not None and high is not None:
        dv = DataValidation(type=kind, operator="between", formula1=_n(low), formula2=_n(high))
    elif low is not None:
        dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_n(low))
    elif high is not None:
        dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_n(high))
    else:
        dv = DataValidation(type=kind, operator="between", formula1="-1E+300", formula2="1E+300")
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = w("bad_entry", lang)
    dv.error = message
    return dv


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # allowed: respondents may widen columns
    ws.protection.formatRows = False


def _header(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col)
        put(cell, label)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _unlock(cell: Cell) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _ANSWER_FILL


def build_template(
    catalogue: Catalogue,
    agency: AgencyLike,
    cycle_year: int,
    lang: str,
    current_answers: Mapping[str, AnswerInput],
    previous_answers: Mapping[str, AnswerInput],
    services: Sequence[ServiceInput],
    response_version: int = 0,
) -> bytes:
    """Return the agency's workbook for a cycle, prefilled with its current answers and services.

    `response_version` is the version of the stored response the workbook was made from (0 when
    there is none yet); importing it later is refused as a conflict when someone saved since.
    """
    if lang not in ("th", "en"):
        raise ValueError(f"unknown language {lang!r}; use 'th' or 'en'")
    wb = Workbook()
    blank = wb.active
    info = wb.create_sheet(w("instructions", lang))
    if blank is not None:
        wb.remove(blank)
    agency_name = agency.name_th if lang == "th" else agency.name_en
    year = display_year(cycle_year, lang)
    put(info["A1"], catalogue.title.get(lang))
    info["A1"].font = Font(bold=True, size=14)
    put(info["A2"], f"{agency_name} ({agency.id})")
    put(info["A3"], f"{w('fiscal_year', lang)} {year}")
    put(info["A4"], f"{w('survey_version', lang)} {catalogue.version}")
    for i, step in enumerate(STEPS, start=6):
        put(info.cell(row=i, column=1), f"{i - 5}. {t(step, lang)}")
    info.column_dimensions["A"].width = 120
    _protect(info)

    yes_no = [w("yes", lang), w("no", lang)]
    stage_choices = _level_choices(catalogue.stages, lang)
    slots_by_sheet: dict[str, list[Slot]] = {}
    for slot in layout(catalogue):
        slots_by_sheet.setdefault(slot.sheet, []).append(slot)
    for dim in catalogue.dimensions:
        slots = slots_by_sheet.get(dim.id)
        if not slots:
            continue
        ws = wb.create_sheet(dim.id)
        put(ws["A1"], f"{dim.id} {dim.name.get(lang)}")
        ws["A1"].font = Font(bold=True, size=13)
        put(ws["A2"], w("fill_note", lang))
        _header(ws, 3, [w(k, lang) for k in ("id", "option", "question", "answer", "evidence", "comment",
                                             "previous", "help")])
        rules: dict[str, DataValidation] = {"yes_no": _list_rule(yes_no, lang), "stage": _list_rule(stage_choices, lang)}
        for slot in slots:
            ind = catalogue.indicator(slot.indicator_id)
            r = slot.row
            put(ws[f"{COL_ID}{r}"], ind.id)
            current = current_answers.get(ind.id, AnswerInput())
            before = previous_answers.get(ind.id, AnswerInput())
            if slot.option_id is None:
                put(ws[f"{COL_QUESTION}{r}"], ind.question.get(lang))
                put(ws[f"{COL_HELP}{r}"], ind.help.get(lang))
                for col, text in ((COL_EVIDENCE, current.evidence), (COL_COMMENT, current.comment)):
                    put(ws[f"{col}{r}"], text)
                    _unlock(ws[f"{col}{r}"])
                if ind.type == "multi_choice":
                    put(ws[f"{COL_ANSWER}{r}"], w("tick_options", lang))
                    continue
                put(ws[f"{COL_ANSWER}{r}"], _show_answer(ind, current.value, catalogue, lang))
                put(ws[f"{COL_PREVIOUS}{r}"], _show_answer(ind, before.value, catalogue, lang))
                _unlock(ws[f"{COL_ANSWER}{r}"])
                if ind.type not in rules:
                    rules[ind.type + ind.id] = _number_rule(ind, lang)
                    rules[ind.type + ind.id].add(f"{COL_ANSWER}{r}")
                else:
                    rules[ind.type].add(f"{COL_ANSWER}{r}")
            else:
                option = next(o for o in ind.options if o.id == slot.option_id)
                put(ws[f"{COL_OPTION}{r}"], option.id)
                put(ws[f"{COL_QUESTION}{r}"], f"    • {option.label.get(lang)}")
                chosen = current.value if isinstance(current.value, list) else None
                was = before.value if isinstance(before.value, list) else None
                put(ws[f"{COL_ANSWER}{r}"], None if chosen is None else w("yes" if option.id in chosen else "no", lang))
                put(ws[f"{COL_PREVIOUS}{r}"], None if was is None else w("yes" if option.id in was else "no", lang))
                _unlock(ws[f"{COL_ANSWER}{r}"])
                rules["yes_no"].add(f"{COL_ANSWER}{r}")
        for dv in rules.values():
            if dv.sqref:
                ws.add_data_validation(dv)
        for col, width in zip("ABCDEFGH", (10, 16, 70, 22, 30, 30, 22, 60), strict=True):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "D4"
        _protect(ws)

    _services_sheet(wb, catalogue, lang, services)
    _meta_sheet(wb, catalogue, agency.id, cycle_year, lang, response_version)
    wb.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _services_sheet(wb: Workbook, catalogue: Catalogue, lang: str, services: Sequence[ServiceInput]) -> None:
    ws = wb.create_sheet(w("services", lang))
    _header(ws, 1, [w(k, lang) for k in SERVICE_COLUMNS])
    last = 1 + len(services) + SPARE_SERVICE_ROWS
    levels = _level_choices(catalogue.digital_levels, lang)
    for i, svc in enumerate(services, start=2):
        level = svc.digital_level
        shown_level = levels[int(level)] if isinstance(level, int) and 0 <= level < len(levels) else level
        values = {"code": svc.code, "name": svc.name, "digital_level": shown_level, "annual_volume": svc.annual_volume}
        for flag in SERVICE_COLUMNS[4:]:
            values[flag] = _yes_no(getattr(svc, flag), lang)
        for key, letter in SERVICE_LETTERS.items():
            put(ws[f"{letter}{i}"], values[key])
    for r in range(2, last + 1):
        for letter in SERVICE_LETTERS.values():
            _unlock(ws[f"{letter}{r}"])
    level_rule = _list_rule(levels, lang)
    level_rule.add(f"C2:C{last}")
    yes_no_rule = _list_rule([w("yes", lang), w("no", lang)], lang)
    yes_no_rule.add(f"E2:I{last}")
    volume_rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 showErrorMessage=True, errorTitle=w("bad_entry", lang), error=w("whole", lang))
    volume_rule.add(f"D2:D{last}")
    for dv in (level_rule, yes_no_rule, volume_rule):
        ws.add_data_validation(dv)
    table = Table(displayName="Services", ref=f"A1:I{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    for letter, width in zip("ABCDEFGHI", (14, 50, 28, 18, 16, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    _protect(ws)


def _meta_sheet(wb: Workbook, catalogue: Catalogue, agency_id: str, cycle_year: int, lang: str,
                response_version: int) -> None:
    ws = wb.create_sheet(META_SHEET)
    rows = [("format", FORMAT), ("agency_id", agency_id), ("cycle_year", int(cycle_year)),
            ("catalogue_version", catalogue.version), ("lang", lang), ("response_version", int(response_version)),
            ("checksum", checksum(catalogue, agency_id, cycle_year, lang))]
    for i, (key, value) in enumerate(rows, start=1):
        put(ws.cell(row=i, column=1), key)
        put(ws.cell(row=i, column=2), value)
    ws.sheet_state = "veryHidden"
    _protect(ws)


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class ParsedWorkbook:
    """A workbook's answers and services, with every problem located by sheet and cell."""

    agency_id: str
    cycle_year: int
    lang: str
    catalogue_version: str
    response_version: int
    answers: dict[str, AnswerInput]
    services: list[ServiceInput]
    problems: list[Problem]
    cells: Mapping[tuple[str, int | None], tuple[str, str]] = field(default_factory=dict)
    #: Problems only the workbook has (an option cell that is neither yes nor no); also in `problems`.
    cell_problems: list[Problem] = field(default_factory=list)

    def locate(self, problems: Sequence[Problem]) -> list[Problem]:
        """Return the problems with the sheet and cell each is about (when the workbook has it)."""
        out = []
        for p in problems:
            where = self.cells.get((p.field, p.row))
            out.append(p.located(*where) if where and not p.cell else p)
        return out


def last_filled_row(ws: Worksheet) -> int:
    """Return the last row holding a value (0 for none).

    `max_row` counts cells that are only styled: one formatted empty cell at row 1,048,576 would
    make a good workbook look a million rows long. The sheet's own cell map has only the cells
    the file defines, so this reads each once.
    """
    return max((row for (row, _), cell in ws._cells.items() if not is_missing(cell.value)), default=0)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def read_workbook(data: bytes, catalogue: Catalogue, expected_agency_id: str | None = None,
                  expected_cycle: int | None = None) -> ParsedWorkbook | list[Problem]:
    """Return a workbook's answers and services with their problems, or the reasons it is refused."""
    refused = check_workbook(data, max_unzipped=MAX_UNZIPPED)
    if refused:
        return refused
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, AttributeError,
            IndexError) as exc:
        return refusal("corrupt", "file_unreadable", kind=type(exc).__name__)
    except Exception as exc:  # a damaged XML part can raise almost anything from the parser
        return refusal("corrupt", "file_unreadable", kind=type(exc).__name__)
    foreign = refusal("foreign", "file_foreign")
    if META_SHEET not in wb.sheetnames:
        return foreign
    meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(min_row=1, max_row=20, max_col=2, values_only=True)
            if r[0] is not None}
    if meta.get("format") != FORMAT:
        return foreign
    agency_id, lang = str(meta.get("agency_id") or ""), str(meta.get("lang") or "")
    try:
        cycle_year = int(meta.get("cycle_year") or 0)
        response_version = int(meta.get("response_version") or 0)
    except (TypeError, ValueError):
        return foreign
    if str(meta.get("catalogue_version")) != catalogue.version:
        return refusal("version", "file_old_version", found=str(meta.get("catalogue_version")), current=catalogue.version)
    if lang not in ("th", "en") or meta.get("checksum") != checksum(catalogue, agency_id, cycle_year, lang):
        return refusal("checksum", "file_checksum")
    if expected_agency_id is not None and agency_id != expected_agency_id:
        return refusal("wrong_agency", "file_wrong_agency", found=agency_id, expected=expected_agency_id)
    if expected_cycle is not None and cycle_year != expected_cycle:
        return refusal("wrong_cycle", "file_wrong_cycle", found=Year(cycle_year), expected=Year(expected_cycle))
    services_name = w("services", lang)
    slots = layout(catalogue)
    needed = [*sorted({s.sheet for s in slots}), services_name]
    missing = [n for n in needed if n not in wb.sheetnames]
    if missing:
        return refusal("structure", "file_sheets_missing", sheets=", ".join(missing))
    if any(last_filled_row(wb[n]) > MAX_ROWS for n in needed):
        return refusal("too_large", "file_too_many_rows", rows=MAX_ROWS)

    moved = []
    for slot in slots:
        ws = wb[slot.sheet]
        if ws[f"{COL_ID}{slot.row}"].value != slot.indicator_id or (ws[f"{COL_OPTION}{slot.row}"].value or None) != slot.option_id:
            moved.append(f"{slot.sheet}!{COL_ID}{slot.row}")
    if moved:
        shown = ", ".join(moved[:5]) + (" ..." if len(moved) > 5 else "")
        return refusal("structure", "file_structure_edited", cells=shown)

    answers, services, cells, cell_problems = _read_answers(wb, catalogue, slots, lang)
    parsed = ParsedWorkbook(agency_id, cycle_year, lang, str(meta.get("catalogue_version")), response_version,
                            answers, services, [], cells, cell_problems)
    parsed.problems.extend(cell_problems + parsed.locate(validate(answers, services, catalogue)))
    return parsed


def _read_answers(wb: Workbook, catalogue: Catalogue, slots: Sequence[Slot], lang: str) -> tuple[
        dict[str, AnswerInput], list[ServiceInput], dict[tuple[str, int | None], tuple[str, str]], list[Problem]]:
    answers: dict[str, AnswerInput] = {}
    cells: dict[tuple[str, int | None], tuple[str, str]] = {}
    problems: list[Problem] = []
    choices: dict[str, list[str]] = {}
    answered_choice: dict[str, bool] = {}
    for slot in slots:
        ws = wb[slot.sheet]
        ind = catalogue.indicator(slot.indicator_id)
        value = ws[f"{COL_ANSWER}{slot.row}"].value
        if slot.option_id is None:
            cells[(ind.id, None)] = (slot.sheet, f"{COL_ANSWER}{slot.row}")
            evidence = _text(ws[f"{COL_EVIDENCE}{slot.row}"].value)
            comment = _text(ws[f"{COL_COMMENT}{slot.row}"].value)
            answers[ind.id] = AnswerInput(None if ind.type == "multi_choice" else value, evidence, comment)
            if ind.type == "multi_choice":
                choices[ind.id] = []
                answered_choice[ind.id] = False
            continue
        if is_missing(value):
            continue
        answered_choice[ind.id] = True
        yn = parse_yes_no(value)
        if yn is None:
            option = next(o for o in ind.options if o.id == slot.option_id)
            problems.append(Problem(ind.id, None, "error", "not_yes_no",
                                    message("problem_option_not_yes_no", id=ind.id, option=option.label),
                                    slot.sheet, f"{COL_ANSWER}{slot.row}"))
        elif yn == 1.0:
            choices[ind.id].append(slot.option_id)
    for ind_id, chosen in choices.items():
        given = answers[ind_id]
        answers[ind_id] = AnswerInput(chosen if answered_choice[ind_id] else None, given.evidence, given.comment)

    ws = wb[w("services", lang)]
    services: list[ServiceInput] = []
    last = last_filled_row(ws)
    rows = ws.iter_rows(min_row=2, max_row=max(last, 2), max_col=len(SERVICE_COLUMNS), values_only=True)
    for r, row in enumerate(rows, start=2):
        if all(is_missing(v) for v in row):
            continue
        values = dict(zip(SERVICE_COLUMNS, row, strict=True))
        index = len(services)
        for key, letter in SERVICE_LETTERS.items():
            cells[(key, index)] = (ws.title, f"{letter}{r}")
        services.append(ServiceInput(**values))
    cells[("SVC.01", None)] = (ws.title, "A1")
    return answers, services, cells, problems


def diff(parsed: ParsedWorkbook, stored: Mapping[str, AnswerInput],
         stored_services: Sequence[ServiceInput] = (), catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return what importing the workbook would change: indicator, old, new (the dry run)."""
    return diff_answers(parsed.answers, stored, parsed.services, stored_services, catalogue)


