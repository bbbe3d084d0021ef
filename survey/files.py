"""Uploaded files read safely: one gate for every upload (answers, register, organisations, the admin pages).

Before anything is unzipped or parsed, a file is checked: its size; for a workbook, that it is a
zip at all, the total and per-part uncompressed size and compression ratio (a "zip bomb" of a few
megabytes can expand to gigabytes), macros, and the old binary and encrypted formats (an OLE
compound file, which openpyxl cannot read). XML is parsed with defusedxml (openpyxl uses it when
it is installed), so entity tricks ("billion laughs", external entities) are refused. Every
refusal is a `Problem` with a message in both languages; nothing raises to the caller.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from survey.errors import message
from survey.validation import Problem

MAX_BYTES = 10 * 1024 * 1024
#: The most a workbook may hold once unzipped, in all and in one part.
MAX_UNZIPPED = 100 * 1024 * 1024
#: Real workbooks compress 5-20 times; a part that expands more than this is a bomb.
MAX_RATIO = 200
MAX_ROWS = 200_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and any encrypted (password-protected) workbook
#: Encodings tried for a CSV in order: UTF-8 (with or without BOM), then Windows Thai (what Thai Excel saves).
CSV_ENCODINGS = ("utf-8-sig", "cp874")


def refusal(code: str, key: str, **params: Any) -> list[Problem]:
    """Return the one problem that refuses a whole file: "File refused: ... Nothing was changed."."""
    return [Problem("file", None, "error", code, message("file_refused", why=message(key, **params)))]


def is_workbook_name(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls"))


def check_workbook(data: bytes, max_bytes: int = MAX_BYTES) -> list[Problem]:
    """Return why a workbook upload is refused (empty when it may be opened): size, format, macros, bombs."""
    if len(data) > max_bytes:
        return refusal("too_large", "file_too_large", mb=max_bytes // 1024 // 1024)
    if data[:8] == OLE_MAGIC:
        return refusal("legacy", "file_legacy_or_encrypted")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = [i.filename for i in infos]
            total = sum(i.file_size for i in infos)
            if total > MAX_UNZIPPED or any(i.file_size > MAX_UNZIPPED for i in infos):
                return refusal("too_large", "file_content_too_large")
            if any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos):
                return refusal("bomb", "file_bomb")
            if any(i.flag_bits & 0x1 for i in infos):
                return refusal("encrypted", "file_legacy_or_encrypted")
            content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return refusal("corrupt", "file_corrupt")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        return refusal("macro", "file_macro")
    if not content_types:
        return refusal("corrupt", "file_corrupt")
    if b"<!ENTITY" in content_types or b"<!DOCTYPE" in content_types:
        return refusal("corrupt", "file_corrupt")
    return []


def decode_csv(data: bytes) -> str | list[Problem]:
    """Return a CSV upload's text (UTF-8, or Windows Thai as Thai Excel saves it), or why it is refused."""
    if b"\x00" in data[:4096]:
        return refusal("corrupt", "file_not_text")
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

    def sheet_row(self, index: int) -> int:
        """Return the row number a user sees in Excel for data row `index` (0-based)."""
        return self.header_row + 1 + index


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, filename: str, sheet: str | None = None, max_bytes: int = MAX_BYTES,
               sheets: Sequence[str] | None = None) -> Table | list[Problem]:
    """Return the first (or the named) sheet of a workbook, or a CSV, as text cells with its header; or why not.

    Rows after the last non-empty one (a styled but empty row is still empty) are dropped.
    """
    if len(data) > max_bytes:
        return refusal("too_large", "file_too_large", mb=max_bytes // 1024 // 1024)
    if not is_workbook_name(filename):
        text = decode_csv(data)
        if isinstance(text, list):
            return text
        try:
            records = list(csv.reader(io.StringIO(text)))
        except csv.Error:
            return refusal("corrupt", "file_corrupt")
        return _table(None, records)
    refused = check_workbook(data, max_bytes)
    if refused:
        return refused
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_vba=False)
    except Exception:  # a damaged part can raise almost anything from the XML parser
        return refusal("corrupt", "file_corrupt")
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            return refusal("structure", "file_no_sheet", sheet=sheet, sheets=", ".join(wb.sheetnames))
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        records = []
        for row in ws.iter_rows(values_only=True):
            records.append([_cell_text(v) for v in row])
            if len(records) > MAX_ROWS:
                return refusal("too_large", "file_too_many_rows", rows=MAX_ROWS)
        return _table(ws.title, records)
    except Exception:
        return refusal("corrupt", "file_corrupt")
    finally:
        wb.close()


def _table(sheet: str | None, records: list[list[str]]) -> Table | list[Problem]:
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        return refusal("structure", "file_empty")
    width = max(len(r) for r in records)
    header = tuple(c.strip() for c in records[0]) + ("",) * (width - len(records[0]))
    body = [r + [""] * (width - len(r)) for r in records[1:]]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object) if body else pd.DataFrame(
        {i: pd.Series(dtype=object) for i in range(width)})
    return Table(sheet, header, frame)
