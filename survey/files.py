"""Uploaded files read safely: one gate for every upload (answers, register, organisations, users, the admin pages).

Before anything is unzipped or parsed, a file is checked: its size; for a workbook, that it is a
zip at all, how many parts it has, the total and per-part uncompressed size and compression ratio
(a "zip bomb" of a few megabytes can expand to gigabytes), that no XML part declares a DOCTYPE or
an entity ("billion laughs", external entities), macros, and the old binary and encrypted formats
(an OLE compound file, which openpyxl cannot read). openpyxl then parses XML with defusedxml
(installed for that), a second guard against entities. While a sheet or a CSV is read, rows,
columns, filled cells and the length of one cell are bounded, so a file that passes the size checks
still cannot make the reader run long or grow large. Every refusal is a `Problem` with a message in
both languages; nothing raises to the caller, except `table_or_raise`, which raises `FileRefused`,
a `DomainError` with that same message.

`check_header` checks a table's header row against the columns an import expects, naming the cell
of each renamed, repeated, empty (merged) or missing column.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from survey.errors import message
from survey.validation import Problem, Refused

MAX_BYTES = 10 * 1024 * 1024
#: The most a workbook may hold once unzipped, in all and in one part (read in streaming mode).
MAX_UNZIPPED = 50 * 1024 * 1024
#: Real workbooks compress 5-35 times; a part over 1 MB that expands more than this is a bomb.
MAX_RATIO = 200
MAX_PARTS = 1000
MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_CELLS = 3_000_000
#: The most cells the table may span from its first to its last filled row and column (filled or not).
MAX_GRID = 6_000_000
#: Excel's own limit for the text of one cell.
MAX_CELL_CHARS = 32_767
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and any encrypted (password-protected) workbook
#: Encodings tried for a CSV in order: UTF-8 (with or without BOM), then Windows Thai (what Thai Excel saves).
CSV_ENCODINGS = ("utf-8-sig", "cp874")
_XML_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 1024 * 1024


def refusal(code: str, key: str, **params: Any) -> list[Problem]:
    """Return the one problem that refuses a whole file: "File refused: ... Nothing was changed."."""
    return [Problem("file", None, "error", code, message("file_refused", why=message(key, **params)))]


class FileRefused(Refused):
    """An uploaded file that is refused whole; `problems` says why, the message is the first one's."""


def file_bytes(path: Path | str, max_bytes: int = MAX_BYTES) -> bytes | list[Problem]:
    """Return a file's bytes for the command-line imports, or why not (too large: checked before reading)."""
    try:
        if Path(path).stat().st_size > max_bytes:
            return refusal("too_large", "file_too_large", mb=max_bytes // 1024 // 1024)
        return Path(path).read_bytes()
    except OSError:
        return refusal("missing", "file_unreadable", kind="OSError")


def is_workbook_name(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".xlsb"))


def _xml_declares_entities(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part holds a DOCTYPE or ENTITY declaration, or is not UTF-8 (where such a scan would miss it)."""
    tail = b""
    with zf.open(info) as part:
        first = True
        while chunk := part.read(_CHUNK):
            if first and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]):
                return True  # UTF-16 or UTF-32: real workbooks are UTF-8
            first = False
            window = tail + chunk
            if any(mark in window for mark in _XML_FORBIDDEN):
                return True
            tail = window[-16:]
    return False


def check_zip(data: bytes | Path, max_unzipped: int = MAX_UNZIPPED, max_parts: int = MAX_PARTS,
              xml_suffixes: Collection[str] = (".xml", ".rels", ".vml")) -> tuple[list[Problem], list[str]]:
    """Return why a zip upload is refused (empty when it may be opened) and its part names.

    Checks the number of parts, the sizes the parts declare (in all and each), the compression
    ratio of every part over 1 MB, zip encryption, and DOCTYPE/ENTITY declarations in XML parts.
    zipfile stops at a part's declared size when it inflates, so the declared sizes bound the real ones.
    """
    try:
        with zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            if len(infos) > max_parts:
                return refusal("too_large", "file_content_too_large"), names
            total = sum(i.file_size for i in infos)
            if total > max_unzipped or any(i.file_size > max_unzipped for i in infos):
                return refusal("too_large", "file_content_too_large"), names
            if any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos):
                return refusal("bomb", "file_bomb"), names
            if any(i.flag_bits & 0x1 for i in infos):
                return refusal("encrypted", "file_legacy_or_encrypted"), names
            if any(i.filename.lower().endswith(tuple(xml_suffixes)) and _xml_declares_entities(zf, i) for i in infos):
                return refusal("entities", "file_xml_declarations"), names
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError,
            UnicodeDecodeError):
        return refusal("corrupt", "file_corrupt"), []
    return [], names


def check_workbook(data: bytes, max_bytes: int = MAX_BYTES, max_unzipped: int = MAX_UNZIPPED) -> list[Problem]:
    """Return why a workbook upload is refused (empty when it may be opened): size, format, macros, bombs, entities."""
    if len(data) > max_bytes:
        return refusal("too_large", "file_too_large", mb=max_bytes // 1024 // 1024)
    if data[:8] == OLE_MAGIC:
        return refusal("legacy", "file_legacy_or_encrypted")
    problems, names = check_zip(data, max_unzipped)
    if problems:
        return problems
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return refusal("macro", "file_macro")
    if "[Content_Types].xml" not in names or not any(n.lower().startswith("xl/workbook") for n in names):
        return refusal("corrupt", "file_corrupt")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        content_types = zf.read("[Content_Types].xml")
    if b"macroEnabled" in content_types:
        return refusal("macro", "file_macro")
    if b"sheet.binary" in content_types or any(n.lower().endswith(".bin") for n in names if n.startswith("xl/work")):
        return refusal("legacy", "file_legacy_or_encrypted")  # .xlsb: a binary workbook openpyxl cannot read
    return []


def decode_csv(data: bytes) -> str | list[Problem]:
    """Return a CSV upload's text (UTF-8, or Windows Thai as Thai Excel saves it), or why it is refused."""
    if b"\x00" in data[:4096]:
        return refusal("corrupt", "file_not_text")
    if data[:8] == OLE_MAGIC or data[:4] == b"PK\x03\x04":
        return refusal("corrupt", "file_not_text")  # a workbook (or any zip) named .csv
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return refusal("encoding", "file_not_utf8")


@dataclass(frozen=True)
class Table:
    """A sheet or CSV read as text cells: the header row as the user typed it, the rows, and where they came from."""

    sheet: str | None
    header: tuple[str, ...]
    rows: pd.DataFrame
    #: The row number Excel shows for each data row (the header is row `header_row`).
    header_row: int = 1
    #: Merged cell ranges of the sheet that touch the header row ("B1:C1"); a CSV has none.
    merged: tuple[str, ...] = ()

    def sheet_row(self, index: int) -> int:
        """Return the row number a user sees in Excel for data row `index` (0-based)."""
        return self.header_row + 1 + index

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (sheet row, {column name: text}) for every data row that is not blank."""
        named = [(i, name) for i, name in enumerate(self.header) if name]
        for index, values in enumerate(self.rows.itertuples(index=False, name=None)):
            if any(str(v).strip() for v in values):
                yield self.sheet_row(index), {name: str(values[i]) for i, name in named}


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Limits:
    """Counts what a reader has taken in and says when a limit is passed."""

    def __init__(self) -> None:
        self.cells = 0

    def check(self, row: int, column: int, text: str) -> list[Problem]:
        if row > MAX_ROWS + 1:
            return refusal("too_large", "file_too_many_rows", rows=MAX_ROWS)
        if column >= MAX_COLUMNS:
            return refusal("too_large", "file_too_many_columns", columns=MAX_COLUMNS)
        if len(text) > MAX_CELL_CHARS:
            return refusal("too_large", "file_cell_too_long", cell=f"{column_letter(column)}{row}",
                           chars=MAX_CELL_CHARS)
        self.cells += 1
        if self.cells > MAX_CELLS:
            return refusal("too_large", "file_content_too_large")
        return []


def read_table(data: bytes, filename: str, sheet: str | None = None, max_bytes: int = MAX_BYTES,
               sheets: Sequence[str] | None = None) -> Table | list[Problem]:
    """Return the first (or the named) sheet of a workbook, or a CSV, as text cells with its header; or why not.

    The header is the first row that is not blank. Blank rows between data rows stay (so row
    numbers match what the user sees); rows and columns after the last filled one are dropped, so
    a styled but empty cell far below or to the right changes nothing.
    """
    if len(data) > max_bytes:
        return refusal("too_large", "file_too_large", mb=max_bytes // 1024 // 1024)
    if not is_workbook_name(filename):
        return _read_csv(data)
    refused = check_workbook(data, max_bytes)
    if refused:
        return refused
    return _read_sheet(data, sheet)


def table_or_raise(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """Return `read_table`'s table, or raise `FileRefused` with its problems."""
    table = read_table(data, filename, sheet)
    if isinstance(table, list):
        raise FileRefused(table)
    return table


def frame_of(table: Table) -> pd.DataFrame:
    """Return the table's non-blank rows as a frame with the header's names as columns (text cells)."""
    names = [name for name in table.header if name]
    return pd.DataFrame([[rec[n] for n in names] for _, rec in table.records()], columns=names, dtype=object)


def _read_csv(data: bytes) -> Table | list[Problem]:
    text = decode_csv(data)
    if isinstance(text, list):
        return text
    cells: dict[int, dict[int, str]] = {}
    limits = _Limits()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row, record in enumerate(reader, start=1):
            for column, value in enumerate(record):
                if value.strip():
                    refused = limits.check(row, column, value)
                    if refused:
                        return refused
                    cells.setdefault(row, {})[column] = value
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # the csv module's own bound (131,072), above ours
            return refusal("too_large", "file_line_too_long", line=reader.line_num, chars=MAX_CELL_CHARS)
        return refusal("corrupt", "file_corrupt")
    return _table(None, cells, ())


def _read_sheet(data: bytes, sheet: str | None) -> Table | list[Problem]:
    """Read one sheet with openpyxl's streaming parser, cell by cell (never padding gaps the sheet declares)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser read-only sheets use; it also sees merges

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False)
    except Exception:  # a damaged part can raise almost anything from the XML parser
        return refusal("corrupt", "file_corrupt")
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            return refusal("structure", "file_no_sheet", sheet=sheet, sheets=", ".join(wb.sheetnames))
        if not wb.worksheets:
            return refusal("structure", "file_empty")
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        if not hasattr(ws, "_get_source"):
            return refusal("structure", "file_empty")  # a chart sheet: no cells
        cells: dict[int, dict[int, str]] = {}
        limits = _Limits()
        with ws._get_source() as source:
            parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for _, row in parser.parse():
                for cell in row:
                    text = _cell_text(cell["value"])
                    if not text.strip():
                        continue
                    r, c = int(cell["row"]), int(cell["column"]) - 1
                    refused = limits.check(r, c, text)
                    if refused:
                        return refused
                    cells.setdefault(r, {})[c] = text
            merged = tuple(str(m.ref) for m in (parser.merged_cells.mergeCell if parser.merged_cells else []))
        return _table(ws.title, cells, merged)
    except Exception:
        return refusal("corrupt", "file_corrupt")
    finally:
        wb.close()


def _table(sheet: str | None, cells: dict[int, dict[int, str]], merged: Sequence[str]) -> Table | list[Problem]:
    if not cells:
        return refusal("structure", "file_empty")
    first, last = min(cells), max(cells)
    width = 1 + max(max(row) for row in cells.values())
    if (last - first + 1) * width > MAX_GRID:  # sparse cells far apart would make a huge table of blanks
        return refusal("too_large", "file_content_too_large")
    header_cells = cells[first]
    header = tuple(header_cells.get(c, "").strip() for c in range(width))
    body = [[cells.get(r, {}).get(c, "") for c in range(width)] for r in range(first + 1, last + 1)]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object) if body else pd.DataFrame(
        {i: pd.Series(dtype=object) for i in range(width)})
    touching = tuple(m for m in merged if _rows_of(m)[0] <= first <= _rows_of(m)[1])
    return Table(sheet, header, frame, first, touching)


def _rows_of(ref: str) -> tuple[int, int]:
    """Return the first and last row of an A1 range ("B1:C3" -> (1, 3))."""
    parts = ref.split(":")
    rows = [int("".join(ch for ch in p if ch.isdigit()) or 0) for p in parts]
    return min(rows), max(rows)


def check_header(table: Table, required: Sequence[str], optional: Sequence[str] = (),
                 allow_other: bool = False) -> list[Problem]:
    """Return a problem for each header cell that is merged, empty above data, repeated or unknown, and for
    each required column that is missing; each names the cell ("C1") so the user can find it.

    With `allow_other`, columns that are neither required nor optional are let through (a register
    has many columns the import does not use); they must still be named once each.
    """
    known = list(required) + [c for c in optional if c not in required]
    problems: list[Problem] = []
    row = table.header_row

    def add(code: str, key: str, **params: Any) -> None:
        problems.append(Problem("header", None, "error", code, message(key, **params)))

    for ref in table.merged:
        add("header_merged", "header_merged", cells=ref)
    filled = {c for c in table.rows.columns if table.rows[c].astype(str).str.strip().ne("").any()}
    seen: dict[str, str] = {}
    for index, name in enumerate(table.header):
        cell = f"{column_letter(index)}{row}"
        if not name:
            if index in filled:
                add("header_empty", "header_empty", cell=cell)
            continue
        if name in seen:
            add("header_duplicate", "header_duplicate", cell=cell, name=name, first=seen[name])
            continue
        seen[name] = cell
        if name not in known and not allow_other:
            add("header_unknown", "header_unknown", cell=cell, name=name, known=", ".join(known))
    missing = [c for c in required if c not in seen]
    if missing:
        add("header_missing", "header_missing", names=", ".join(missing), row=row)
    return problems
