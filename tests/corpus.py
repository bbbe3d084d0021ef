"""A corpus of malicious and malformed uploads, made in memory (no binary file is committed).

Each item is (name, filename, bytes): zip bombs (deflate, shared strings, many parts, overlapping
entries, lying sizes), XML entity tricks (billion laughs, external entities, UTF-16), encrypted,
legacy, binary and macro workbooks, damaged zips and XML, absurd cell addresses, oversized files,
and malformed CSV (bad quotes, huge fields, too many rows or columns, binary). Every one must be
refused with a message, by every import path, without a traceback, a timeout or a large process.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator

from openpyxl import Workbook

from survey import files

Item = tuple[str, str, bytes]

CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
EMPTY_STRINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>')


def sheet(body: str, dimension: str = "A1") -> str:
    return f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def row(r: int | str, *cells: str) -> str:
    return f'<row r="{r}">{"".join(cells)}</row>'


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(parts: dict[str, bytes | str] | None = None, main: str = CT_XLSX, drop: tuple[str, ...] = (),
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return a hand-made workbook: the minimal parts, with `parts` replacing or adding some and `drop` removing some."""
    base: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main), "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/sharedStrings.xml": EMPTY_STRINGS,
        "xl/worksheets/sheet1.xml": sheet(row(1, inline("A1", "agency_id"), inline("B1", "name_th"))),
    }
    base.update(parts or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, content in base.items():
            if name not in drop:
                zf.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return out.getvalue()


def _deflate_stream(block: bytes, repeats: int) -> tuple[bytes, int]:
    """Return raw deflate data of `block` repeated, and its size: compressed once, since a full flush resets the
    compressor, so every flushed copy of the block compresses to the same bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    once = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    return once * repeats + comp.flush(), len(block) * repeats


def stored_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """Return a zip written by hand: (name, deflated data, crc, declared size, local-header offset or -1 for new).

    Lets entries lie about their sizes and share their data (the overlapping "zip bomb").
    """
    out = io.BytesIO()
    central = []
    offsets: list[int] = []
    for name, data, crc, size, share in entries:
        raw = name.encode()
        if share >= 0:
            offsets.append(offsets[share])
        else:
            offsets.append(out.tell())
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0))
            out.write(raw + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                   len(raw), 0, 0, 0, 0, 0, offsets[-1]) + raw)
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0))
    return out.getvalue()


def _good_workbook(styled_far: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["agency_id", "name_th"])
    ws.append(["=cmd|' /C calc'!A0", "@SUM(1)"])
    if styled_far:
        ws.cell(row=1_048_576, column=16_384).number_format = "0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']>')
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _bombs() -> Iterator[Item]:
    # A sheet of 300 MB of one repeated row, deflated to a few hundred KB.
    for mb, name in ((300, "sheet"), (120, "strings"), (60, "rels")):
        block = row(1, *(f'<c r="A{i}"><v>0</v></c>' for i in range(40))).encode() * 100
        data, size = _deflate_stream(block, mb * 1024 * 1024 // len(block))
        target = {"sheet": "xl/worksheets/sheet1.xml", "strings": "xl/sharedStrings.xml",
                  "rels": "xl/_rels/workbook.xml.rels"}[name]
        entries = [(target, data, zlib.crc32(b""), size, -1)]
        for part, content in (("[Content_Types].xml", CONTENT_TYPES.format(main=CT_XLSX)),
                              ("xl/workbook.xml", WORKBOOK)):
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            raw = content.encode()
            entries.append((part, comp.compress(raw) + comp.flush(), zlib.crc32(raw), len(raw), -1))
        yield f"deflate bomb in {name} ({mb} MB)", "bomb.xlsx", stored_zip(entries)
    # Overlapping entries: 400 names sharing one 1 MB-expanding body (a "quine-like" non-recursive bomb).
    body, size = _deflate_stream(b"<c/>" * 256, 1024)
    shared = [("xl/worksheets/sheet1.xml", body, 0, size, -1)] + [
        (f"xl/worksheets/sheet{i}.xml", body, 0, size, 0) for i in range(2, 400)]
    yield "overlapping entries", "overlap.xlsx", stored_zip(shared)
    # Sizes that lie: declared tiny, real large (zipfile stops at the declared size; the CRC then fails).
    data, _ = _deflate_stream(b"A" * 1024, 20 * 1024)
    yield "lying size", "lying.xlsx", stored_zip([("xl/worksheets/sheet1.xml", data, 0, 10, -1),
                                                 ("[Content_Types].xml", b"", 0, 0, -1)])
    # Shared strings just under the total limit but each one distinct: refused by size or read within bounds.
    rnd = random.Random(7)
    strings = "".join(f"<si><t>{rnd.getrandbits(64):x}</t></si>" for _ in range(40_000))
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'count="40000" uniqueCount="40000">{strings}</sst>')
    yield "many distinct shared strings", "strings.xlsx", xlsx({"xl/sharedStrings.xml": sst})
    yield "3000 parts", "parts.xlsx", xlsx({f"xl/media/p{i}.xml": "<a/>" for i in range(3000)})
    inner = xlsx()
    yield "zip inside a zip", "nested.xlsx", xlsx({"xl/embeddings/inner.xlsx": inner * 50})
    yield "zip named csv", "bomb.csv", xlsx()


def _entities() -> Iterator[Item]:
    for where in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml",
                  "_rels/.rels", "docProps/core.xml"):
        for label, prolog, ref in (("billion laughs", LAUGHS, "&lol9;"), ("external entity", EXTERNAL, "&xxe;")):
            if where == "xl/worksheets/sheet1.xml":
                content = prolog + sheet(row(1, inline("A1", ref)))[len('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'):]
            elif where == "xl/sharedStrings.xml":
                content = prolog + f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{ref}</t></si></sst>'
            else:
                content = prolog + "<x>" + ref + "</x>"
            yield f"{label} in {where}", "entities.xlsx", xlsx({where: content})
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS[len('<?xml version="1.0"?>'):]
             + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    yield "billion laughs in UTF-16", "utf16.xlsx", xlsx({"xl/sharedStrings.xml": utf16.encode("utf-16")})
    noise = "".join(f"{random.Random(5).getrandbits(4_000_000):x}")  # about 1 MB that does not compress away
    padded = LAUGHS.replace("<!DOCTYPE", "<!--" + noise + "--><!DOCTYPE")
    yield "doctype after a long comment", "padded.xlsx", xlsx({"xl/workbook.xml": padded + "<x/>"})


def _formats() -> Iterator[Item]:
    ole = files.OLE_MAGIC + bytes(random.Random(1).getrandbits(8) for _ in range(4096))
    for name in ("old.xls", "encrypted.xlsx", "renamed.csv", "old.xlsm"):
        yield f"OLE compound file as {name}", name, ole
    yield "macro part", "macro.xlsx", xlsx({"xl/vbaProject.bin": b"\x00" * 64})
    yield "macro content type", "macro.xlsm", xlsx(main=CT_XLSM)
    yield "binary workbook", "book.xlsb", xlsx({"xl/workbook.bin": b"\x00" * 64},
                                                main="application/vnd.ms-excel.sheet.binary.macroEnabled.main")
    encrypted = bytearray(xlsx())
    for i in range(len(encrypted) - 4):
        if encrypted[i:i + 4] in (b"PK\x03\x04", b"PK\x01\x02"):
            flag_at = i + (6 if encrypted[i:i + 4] == b"PK\x03\x04" else 8)
            encrypted[flag_at] |= 1
    yield "zip encryption flag", "zipcrypto.xlsx", bytes(encrypted)
    yield "SpreadsheetML 2003", "xml2003.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    yield "OpenDocument spreadsheet", "sheet.xlsx", ods.getvalue()
    yield "PDF", "report.xlsx", b"%PDF-1.4\n" + b"0" * 2000
    yield "PNG named csv", "image.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 500


def _damaged() -> Iterator[Item]:
    good = xlsx()
    for cut in (10, 100, len(good) // 2, len(good) - 22, len(good) - 1):
        yield f"truncated at {cut}", "cut.xlsx", good[:cut]
    rnd = random.Random(3)
    for n in range(12):
        flipped = bytearray(good)
        for _ in range(1 + n * 3):
            flipped[rnd.randrange(30, len(flipped))] ^= 1 << rnd.randrange(8)
        yield f"bit flips {n}", "flipped.xlsx", bytes(flipped)
    for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels",
                 "_rels/.rels"):
        yield f"missing {part}", "missing.xlsx", xlsx(drop=(part,))
    bad_sheets = {
        "unclosed tags": SHEET_HEAD + "<sheetData><row r='1'><c r='A1'><v>1",
        "not xml": "this is not xml at all",
        "shared string out of range": sheet(row(1, '<c r="A1" t="s"><v>999999</v></c>')),
        "negative shared string": sheet(row(1, '<c r="A1" t="s"><v>-1</v></c>')),
        "row zero": sheet(row(0, inline("A0", "x"))),
        "negative row": sheet(row(-5, '<c r="A1"><v>1</v></c>')),
        "text row number": sheet(row("abc", '<c r="A1"><v>1</v></c>')),
        "cell past the last column": sheet(row(1, inline("XFE1", "x"))),
        "cell at the last column": sheet(row(1, inline("A1", "agency_id"), inline("XFD1", "far"))),
        "cell at the last row": sheet(row(1, inline("A1", "agency_id")) + row(1_048_576, inline("A1048576", "x"))),
        "row past the last row": sheet(row(2_000_000, inline("A2000000", "x"))),
        "bad cell reference": sheet(row(1, inline("1A", "x"))),
        "number 1e309": sheet(row(1, inline("A1", "agency_id")) + row(2, '<c r="A2"><v>1e309</v></c>')),
        "bad number": sheet(row(1, '<c r="A1"><v>one</v></c>')),
        "bad boolean": sheet(row(1, '<c r="A1" t="b"><v>maybe</v></c>')),
        "bad date": sheet(row(1, '<c r="A1" t="d"><v>2025-13-45</v></c>')),
        "error cell": sheet(row(1, '<c r="A1" t="e"><v>#REF!</v></c>')),
        "huge dimension": sheet(row(1, inline("A1", "agency_id")), "A1:XFD1048576"),
        "wide header": sheet(row(1, *(inline(f"{files.column_letter(i)}1", f"c{i}") for i in range(600)))),
        "long cell": sheet(row(1, inline("A1", "x" * 40_000))),
        "no sheetData": SHEET_HEAD + "</worksheet>",
        "unknown namespace": '<worksheet xmlns="urn:evil"><sheetData/></worksheet>',
    }
    for label, content in bad_sheets.items():
        yield label, "damaged.xlsx", xlsx({"xl/worksheets/sheet1.xml": content})
    yield "workbook without sheets", "nosheets.xlsx", xlsx({"xl/workbook.xml": WORKBOOK.replace(
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/>', "")})
    yield "sheet relation to nowhere", "norel.xlsx", xlsx({"xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(
        "worksheets/sheet1.xml", "worksheets/missing.xml")})
    yield "relation outside the package", "escape.xlsx", xlsx({"xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(
        "worksheets/sheet1.xml", "../../../../etc/passwd")})
    yield "styled cell in the last row and column of a foreign workbook", "styled.xlsx", _good_workbook(True)


def _csvs() -> Iterator[Item]:
    yield "empty", "empty.csv", b""
    yield "byte-order mark only", "bom.csv", b"\xef\xbb\xbf"
    yield "blank lines", "blank.csv", b"\r\n\n  \n,,,\n"
    yield "NUL bytes", "nul.csv", b"agency_id,cycle\x00\nA\x00,1\n"
    yield "UTF-16", "utf16.csv", "agency_id,cycle,indicator_id,value\nA001,2568,DAT.02,1\n".encode("utf-16")
    yield "unbalanced quote", "quote.csv", b'agency_id,cycle,indicator_id,value\n"A001,2568,DAT.02,1\n'
    yield "field over the csv limit", "field.csv", b"agency_id,cycle,indicator_id,value,comment\nA001,2568,DAT.02,1,\"" \
        + b"x" * 200_000 + b'"\n'
    yield "300,000 rows", "rows.csv", b"agency_id,cycle,indicator_id,value\n" + b"A001,2568,DAT.02,1\n" * 300_000
    yield "1,000 columns", "cols.csv", (",".join(f"c{i}" for i in range(1000)) + "\n").encode()
    yield "100,000 columns of commas", "commas.csv", b"a" + b",x" * 100_000 + b"\n"
    yield "one 9 MB line", "line.csv", b"a" * (9 * 1024 * 1024)
    yield "two cells 199,999 rows and 499 columns apart", "sparse.csv", b"a" + b"," * 498 + b"b" + b"\n" * 199_998 + b"c\n"
    yield "renamed header", "renamed.csv", b"agency,cycle,indicator,answer\nA001,2568,DAT.02,1\n"
    yield "duplicated header", "dup.csv", b"agency_id,cycle,indicator_id,value,value\nA001,2568,DAT.02,1,2\n"
    yield "header with empty cell", "hole.csv", b"agency_id,,indicator_id,value\nA001,2568,DAT.02,1\n"
    yield "formula header", "formula.csv", b"=cmd|' /C calc'!A0,cycle\n1,2\n"
    rnd = random.Random(11)
    for n in range(25):
        yield f"random bytes {n}", f"junk{n}.csv", bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 5000)))
    for n in range(15):
        yield f"random bytes as a workbook {n}", f"junk{n}.xlsx", bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 5000)))
    for n in range(10):
        text = "".join(rnd.choice(',"\n\r\t=+-@ก๑\x85\u2028') for _ in range(rnd.randrange(1, 3000)))
        yield f"random punctuation {n}", f"punct{n}.csv", text.encode("utf-8")
    yield "over the size limit (csv)", "big.csv", b"a,b\n" * (files.MAX_BYTES // 4 + 1)
    yield "over the size limit (xlsx)", "big.xlsx", b"PK\x03\x04" + b"\x00" * files.MAX_BYTES


def _backups() -> Iterator[Item]:
    """Files shaped like a backup (manifest.json and table files), each with one trap."""
    from data.backup import FORMAT
    from data.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables]

    def backup_zip(table_file: tuple[str, bytes, int] | None, manifest: bytes | None = None) -> bytes:
        entries = []
        raw = manifest or json.dumps({"format": FORMAT, "revision": "x", "counts": {}, "sha256": {}}).encode()
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        entries.append(("manifest.json", comp.compress(raw) + comp.flush(), zlib.crc32(raw), len(raw), -1))
        if table_file is not None:
            name, data, size = table_file
            entries.append((name, data, 0, size, -1))
        return stored_zip(entries)

    line, size = _deflate_stream(b"x" * 1024 * 1024, 3000)  # one 3 GB line, no newline
    yield "backup: a 3 GB table line", "backup.zip", backup_zip((f"{tables[0]}.jsonl", line, size))
    bomb, size = _deflate_stream(b"\n" * 1024 * 1024, 3500)
    yield "backup: a 3.5 GB table", "backup.zip", backup_zip((f"{tables[0]}.jsonl", bomb, size))
    big_manifest, size = _deflate_stream(b" " * 1024 * 1024, 500)
    yield "backup: a 500 MB manifest", "backup.zip", stored_zip([("manifest.json", big_manifest, 0, size, -1)])
    yield "backup: manifest not an object", "backup.zip", backup_zip(None, b"[1, 2, 3]")
    yield "backup: manifest not json", "backup.zip", backup_zip(None, b"{format:")
    parts = io.BytesIO()
    with zipfile.ZipFile(parts, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": FORMAT}))
        for i in range(2000):
            zf.writestr(f"t{i}.jsonl", "")
    yield "backup: 2000 parts", "backup.zip", parts.getvalue()


GENERATORS: tuple[Callable[[], Iterator[Item]], ...] = (_bombs, _entities, _formats, _damaged, _csvs, _backups)


def corpus() -> list[Item]:
    """Return every malicious or malformed file, in a fixed order."""
    return [item for make in GENERATORS for item in make()]
