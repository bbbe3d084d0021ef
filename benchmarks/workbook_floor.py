"""The executive workbook's write floor: the same cells written by xlsxwriter in constant-memory mode and
nothing else, and the cells of a workbook read back (what `make bench` compares the workbook with)."""

from __future__ import annotations

import io
import zipfile

import xlsxwriter

from usecases.workbook.writer import WB_OPTIONS

Cells = list[tuple[str, list[tuple[int, int, float | str]]]]



def write_floor(cells: Cells) -> bytes:
    """Return an xlsx holding exactly `cells` (per sheet: row, column, value), written as fast as xlsxwriter can.

    The floor the workbook is measured against (benchmarks/run.py): the same cells, values and
    sheets, in constant-memory mode, with no formats, charts or conditional formats, one
    `write_number` / `write_string` call per cell and nothing else.
    """
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, WB_OPTIONS)
    for name, sheet_cells in cells:
        ws = wb.add_worksheet(name)
        write_number, write_string = ws.write_number, ws.write_string
        for r, c, v in sheet_cells:
            if isinstance(v, str):
                write_string(r, c, v)
            else:
                write_number(r, c, v)
    wb.close()
    return buffer.getvalue()



_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"



def workbook_cells(xlsx: bytes) -> Cells:
    """Return every cell of an xlsx written by this module, per sheet in order, for `write_floor`."""
    from xml.etree import ElementTree

    from xlsxwriter.utility import xl_cell_to_rowcol

    out: Cells = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") or "" for s in book.iter(f"{_NS}sheet")]
        for k, name in enumerate(names, start=1):
            sheet_cells: list[tuple[int, int, float | str]] = []
            with z.open(f"xl/worksheets/sheet{k}.xml") as fh:
                for _, el in ElementTree.iterparse(fh):
                    if el.tag != f"{_NS}c":
                        continue
                    r, c = xl_cell_to_rowcol(el.get("r") or "A1")
                    if el.get("t") == "inlineStr":
                        sheet_cells.append((r, c, "".join(el.itertext())))
                    else:
                        v = el.find(f"{_NS}v")
                        if v is not None and v.text is not None:
                            sheet_cells.append((r, c, float(v.text)))
                    el.clear()
            out.append((name, sheet_cells))
    return out



def count_cells(xlsx: bytes) -> tuple[int, int]:
    """Return the numbers of numeric and of text cells in an xlsx written by this module."""
    values = [v for _, sheet in workbook_cells(xlsx) for _, _, v in sheet]
    strings = sum(isinstance(v, str) for v in values)
    return len(values) - strings, strings
