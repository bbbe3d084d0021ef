"""survey/files.py, the upload gate: why each kind of bad file is refused, and what a good one reads as."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from survey import files
from tests.corpus import corpus

#: The reason the gate gives for corpus files, by label (tests/corpus.py). Files not listed may read as a table:
#: they are then refused by the import that reads them (tests/test_upload_corpus.py).
EXPECTED = {
    "deflate bomb in sheet (300 MB)": "too_large",
    "deflate bomb in strings (120 MB)": "too_large",
    "overlapping entries": "too_large",
    "3000 parts": "too_large",
    "lying size": "corrupt",
    "billion laughs in xl/worksheets/sheet1.xml": "entities",
    "external entity in xl/sharedStrings.xml": "entities",
    "billion laughs in [Content_Types].xml": "entities",
    "billion laughs in UTF-16": "entities",
    "doctype after a long comment": "entities",
    "OLE compound file as old.xls": "legacy",
    "OLE compound file as encrypted.xlsx": "legacy",
    "macro part": "macro",
    "macro content type": "macro",
    "zip encryption flag": "encrypted",
    "OpenDocument spreadsheet": "corrupt",
    "cell at the last row": "too_large",
    "wide header": "too_large",
    "long cell": "too_large",
    "300,000 rows": "too_large",
    "two cells 199,999 rows and 499 columns apart": "too_large",
    "field over the csv limit": "too_large",
    "UTF-16": "corrupt",
    "over the size limit (csv)": "too_large",
    "over the size limit (xlsx)": "too_large",
}


@pytest.fixture(scope="module")
def items() -> list[tuple[str, str, bytes]]:
    return corpus()


@pytest.fixture(scope="module")
def by_label(items: list[tuple[str, str, bytes]]) -> dict[str, tuple[str, bytes]]:
    return {label: (name, data) for label, name, data in items}


def test_the_corpus_is_large_and_named_once(items: list[tuple[str, str, bytes]],
                                            by_label: dict[str, tuple[str, bytes]]) -> None:
    assert len(items) >= 150 and len(by_label) == len(items)
    assert set(EXPECTED) <= set(by_label)


@pytest.mark.parametrize(("label", "code"), EXPECTED.items())
def test_each_trap_is_refused_for_its_reason(by_label: dict[str, tuple[str, bytes]], label: str, code: str) -> None:
    name, data = by_label[label]
    refused = files.read_table(data, name)
    assert isinstance(refused, list), label
    assert [p.code for p in refused] == [code]
    assert refused[0].message.get("en").startswith("File refused: ")
    assert refused[0].message.get("th").startswith("ไม่รับไฟล์: ")


def test_a_good_workbook_and_csv_read_the_same() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (["agency_id", "name_th", "count"], ["A001", "กรมหนึ่ง", 3], [None, None, None], ["A002", "กรมสอง", 4.5]):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    book = files.read_table(out.getvalue(), "a.xlsx")
    text = files.read_table("agency_id,name_th,count\nA001,กรมหนึ่ง,3\n,,\nA002,กรมสอง,4.5\n".encode("cp874"), "a.csv")
    for table in (book, text):
        assert isinstance(table, files.Table)
        assert table.header == ("agency_id", "name_th", "count")
        assert table.rows.values.tolist() == [["A001", "กรมหนึ่ง", "3"], ["", "", ""], ["A002", "กรมสอง", "4.5"]]
        assert [row for row, _ in table.records()] == [2, 4]  # the blank row keeps its place, and is skipped
    assert files.frame_of(book).to_dict("records") == [  # type: ignore[arg-type]
        {"agency_id": "A001", "name_th": "กรมหนึ่ง", "count": "3"}, {"agency_id": "A002", "name_th": "กรมสอง", "count": "4.5"}]


def test_a_real_workbook_is_not_taken_for_a_bomb() -> None:
    """A register-like sheet of 20,000 rows compresses about 10-30 times: well under the ratio of 200."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["code", "name", "status"])
    for i in range(20_000):
        ws.append([f"S{i:05d}", "ขออนุญาตประกอบกิจการ", "E-SERVICE"])
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        worst = max(i.file_size / i.compress_size for i in zf.infolist() if i.file_size > 1024 * 1024)
    assert worst < files.MAX_RATIO / 4
    table = files.read_table(out.getvalue(), "register.xlsx")
    assert isinstance(table, files.Table) and len(table.rows) == 20_000


def test_file_refused_is_a_domain_error_with_both_languages() -> None:
    with pytest.raises(files.FileRefused) as caught:
        files.table_or_raise(b"", "empty.csv")
    assert caught.value.message("en") == "File refused: the file is empty. Nothing was changed."
    assert caught.value.message("th") == "ไม่รับไฟล์: ไฟล์ไม่มีข้อมูล ไม่มีการเปลี่ยนแปลงข้อมูล"
