"""The executive workbook (analytics/workbook.py tables, usecases/workbook/ layout), read back with openpyxl and checked against the analytics."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analytics.__main__ import main as analytics_cli
from analytics.actions import agency_actions
from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults, cycle_results
from analytics.uncertainty import group_uncertainty
from analytics.workbook import late_or_missing, top_actions
from benchmarks.workbook_floor import count_cells, workbook_cells, write_floor
from data import repository
from data.db import make_engine, session_scope
from survey.catalogue import Catalogue
from survey.i18n import excel_format, fmt_change, fmt_percent, t
from survey.targets import Target
from tests.conftest import IN_CI, DemoFrames
from usecases.workbook.build import build_workbook
from usecases.workbook.pdf import convert_to_pdf, pdf_pages
from usecases.workbook.writer import LINE_POINTS, STATUS_WIDTH, Col, Writer, text_lines

YEAR = 2568
DATE = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def results(demo: DemoFrames, catalogue: Catalogue, targets: tuple[Target, ...]) -> CycleResults:
    return cycle_results(YEAR, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets, draws=200)


@pytest.fixture(scope="module")
def names(demo: DemoFrames) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = make_engine(demo.url)
    with session_scope(engine) as session:
        out = repository.agencies(session), repository.ministries(session)
    engine.dispose()
    return out


def _build(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
           names: tuple[pd.DataFrame, pd.DataFrame], lang: str, **kwargs: object) -> bytes:
    kw: dict[str, object] = {"agencies": names[0], "ministries": names[1], "demo": True, "data_date": DATE}
    kw.update(kwargs)
    return build_workbook(results, catalogue, targets, lang, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def books(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
          names: tuple[pd.DataFrame, pd.DataFrame]) -> dict[str, bytes]:
    return {lang: _build(results, catalogue, targets, names, lang) for lang in ("th", "en")}


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _table(ws: object, header_row: int = 1) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))  # type: ignore[attr-defined]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _find(ws: object, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not on sheet")


def test_sheets_and_headers_in_both_languages(books: dict[str, bytes]) -> None:
    th, en = _open(books["th"]), _open(books["en"])
    assert en.sheetnames == ["Summary", "Ministries", "Agencies", "Gaps and actions", "Adoption", "Data quality",
                             "Methodology"]
    assert th.sheetnames == ["สรุป", "กระทรวง", "หน่วยงาน", "ช่องว่างและข้อเสนอ", "การใช้มาตรฐานและแพลตฟอร์ม",
                             "คุณภาพข้อมูล", "ระเบียบวิธี"]
    assert th["หน่วยงาน"]["A1"].value == "รหัสหน่วยงาน"
    assert en["Agencies"]["A1"].value == "Agency id"
    # Thai readers see Buddhist-Era years, English readers Common-Era ones.
    r, c = _find(th["สรุป"], "รอบสำรวจ (ปีงบประมาณ)")
    assert th["สรุป"].cell(r, c + 1).value == "2568"
    r, c = _find(en["Summary"], "Survey cycle (fiscal year)")
    assert en["Summary"].cell(r, c + 1).value == "2025"
    r, _ = _find(th["สรุป"], "ปี")
    assert th["สรุป"].cell(r + 1, 1).value == 2564
    assert _find(th["สรุป"], "ข้อมูล ณ วันที่") and _find(th["สรุป"], "1 ต.ค. 2568")


def test_headline_figures_match_the_analytics(books: dict[str, bytes], results: CycleResults) -> None:
    ws = _open(books["en"])["Summary"]
    r, _ = _find(ws, "Share of key government services that can be provided online")
    nat = results.national.set_index("figure")["value"]
    target = results.targets.set_index("kpi").loc["KPI.ONLINE_RATIO"]
    assert ws.cell(r, 2).value == pytest.approx(nat["online_service_ratio"])
    assert ws.cell(r, 3).value == pytest.approx(target["milestone"])
    assert ws.cell(r, 4).value == pytest.approx(target["gap"])
    assert ws.cell(r, 5).value == target["status"]
    assert ws.cell(r, 6).value == "assumption"
    r, _ = _find(ws, "Survey response rate")
    assert ws.cell(r, 2).value == pytest.approx(nat["response_rate"])
    assert ws.cell(2, 1).value.startswith("DEMO DATA")
    findings = [row[0] for row in ws.iter_rows(values_only=True) if isinstance(row[0], str) and row[0].startswith("•")]
    assert 3 <= len(findings) <= 5


def test_native_charts_and_conditional_formats(books: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(books["en"])) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        kinds = {("lineChart" if b"<c:lineChart>" in z.read(n) else "barChart") for n in charts}
        assert kinds == {"lineChart", "barChart"}
        agencies = z.read("xl/worksheets/sheet3.xml")
        assert b"<conditionalFormatting" in agencies and b"<autoFilter" in agencies and b'state="frozen"' in agencies
        assert b"<f>" not in b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_ministries_and_agencies_match_the_analytics(books: dict[str, bytes], results: CycleResults,
                                                     catalogue: Catalogue) -> None:
    wb = _open(books["en"])
    root = method_from_catalogue(catalogue).root
    mi = _table(wb["Ministries"]).set_index("Ministry id")
    expected = results.ministry_scores.set_index("ministry_id")
    assert set(mi.index) == set(expected.index)
    for m in expected.index:
        assert mi.loc[m, "Composite readiness (0-100)"] == pytest.approx(expected.loc[m, root])
        assert mi.loc[m, "Dimension: Digital services"] == pytest.approx(expected.loc[m, "SVC"])
    online = results.online_ministry.set_index("ministry_id")["online_service_ratio"]
    assert mi["Key services online (%)"].astype(float).to_numpy() == pytest.approx(online.reindex(mi.index).to_numpy())
    gaps = results.targets_ministry[results.targets_ministry["kpi"] == "KPI.ONLINE_RATIO"].set_index("ministry_id")
    assert mi["Services online: gap to milestone (points)"].astype(float).to_numpy() == pytest.approx(
        gaps["gap"].reindex(mi.index).to_numpy())
    assert mi["Rank"].tolist()[0] == 1
    # Rank and its interval are group_uncertainty's (the mean of the agencies' scores per draw), with the cycle's draws.
    unc = group_uncertainty(results.values, results.agency_scores[["agency_id", "ministry_id"]],
                            method_from_catalogue(catalogue), "ministry_id", draws=200, seed=0).scores
    unc = unc.set_index("ministry_id")
    assert len(unc) == len(mi) == 21
    for col, sheet_col in (("rank_nominal", "Rank"), ("rank_p05", "Rank, 5th percentile"),
                           ("rank_p95", "Rank, 95th percentile")):
        assert mi.loc[unc.index, sheet_col].astype(float).to_numpy() == pytest.approx(unc[col].to_numpy()), col
    assert (mi["Rank, 5th percentile"] < mi["Rank, 95th percentile"]).any()  # some intervals are wide
    assert mi["Rank"].astype(float).is_monotonic_increasing

    ag = _table(wb["Agencies"]).set_index("Agency id")
    assert len(ag) == len(results.agency_scores) == 120
    unc = results.uncertainty.scores.set_index("agency_id")  # type: ignore[union-attr]
    scored = unc.index
    assert ag.loc[scored, "Rank"].astype(float).to_numpy() == pytest.approx(unc["rank_nominal"].to_numpy())
    assert ag.loc[scored, "Rank, 5th percentile"].astype(float).to_numpy() == pytest.approx(unc["rank_p05"].to_numpy())
    assert ag.loc[scored, "Rank, 95th percentile"].astype(float).to_numpy() == pytest.approx(unc["rank_p95"].to_numpy())
    scores = results.agency_scores.set_index("agency_id")
    assert ag.loc[scores.index, "Composite readiness (0-100)"].astype(float).to_numpy() == pytest.approx(
        scores[root].to_numpy(), nan_ok=True)
    prev = results.previous_agency_scores.set_index("agency_id")[root]
    change = (scores[root] - prev.reindex(scores.index)).to_numpy()
    assert ag.loc[scores.index, "Composite: change (points)"].astype(float).to_numpy() == pytest.approx(change,
                                                                                                        nan_ok=True)
    tg = results.targets_agency[results.targets_agency["kpi"] == "KPI.ONLINE_RATIO"].set_index("agency_id")
    assert ag.loc[tg.index, "Services online: gap to milestone (points)"].astype(float).to_numpy() == pytest.approx(
        tg["gap"].to_numpy(), nan_ok=True)
    assert ag.loc[tg.index, "Services online: status"].tolist() == tg["status"].tolist()


def test_actions_are_agency_actions(books: dict[str, bytes], results: CycleResults, catalogue: Catalogue) -> None:
    method = method_from_catalogue(catalogue)
    acts = top_actions(results, catalogue)
    sheet = _table(_open(books["en"])["Gaps and actions"])
    assert len(sheet) == len(acts)
    assert sheet["Possible gain in the index (points)"].is_monotonic_decreasing
    for agency in ["D0001", "D0002", "D0050"]:
        ref = agency_actions(agency, results.scores, catalogue, method).head(3)
        ref = ref[ref["gain"] > 0]
        mine = sheet[sheet["Agency id"] == agency].sort_values("Priority")
        assert mine["Indicator id"].tolist() == ref["indicator_id"].tolist()
        assert mine["Possible gain in the index (points)"].to_numpy() == pytest.approx(ref["gain"].to_numpy())
        assert mine["Recommended action"].tolist() == ref["action_en"].tolist()
        assert mine["Owner"].tolist() == ref["owner_en"].tolist()


def test_adoption_quality_and_methodology(books: dict[str, bytes], results: CycleResults, catalogue: Catalogue) -> None:
    wb = _open(books["en"])
    adoption = _table(wb["Adoption"])
    assert adoption["Whole country (%)"].astype(float).to_numpy() == pytest.approx(results.adoption["rate"].to_numpy())
    assert len(adoption.columns) == 3 + results.adoption_ministry["group"].nunique()
    quality = wb["Data quality"]
    r, _ = _find(quality, "Open data-quality flags")
    assert quality.max_row - (r + 1) == len(results.quality_flags)
    method = wb["Methodology"]
    for text in (catalogue.version, results.method_version, "Data dictionary", "Readiness bands", "T.ONLINE_RATIO – "
                 "Share of key government services that can be provided online"):
        assert _find(method, text)
    r, _ = _find(method, "Data dictionary")
    meanings = {(row[0], row[1]): row[2] for row in method.iter_rows(min_row=r + 2, values_only=True)}
    for ws in wb.worksheets[1:3]:
        for cell in ws[1]:
            assert (ws.title, cell.value) in meanings
    # The same header means the agencies' Monte Carlo on one sheet and the ministries' on the other.
    assert meanings[("Ministries", "Rank, 5th percentile")].startswith("The ministry's best plausible rank")
    assert meanings[("Ministries", "Rank, 95th percentile")].endswith("tied within the uncertainty")
    assert meanings[("Agencies", "Rank, 5th percentile")].startswith("Best plausible rank")


def test_ministry_filter_and_no_demo_label(results: CycleResults, catalogue: Catalogue,
                                          targets: tuple[Target, ...], names: tuple[pd.DataFrame, pd.DataFrame]
                                          ) -> None:
    wb = _open(_build(results, catalogue, targets, names, "en", ministry="MHESI", demo=False))
    ag = _table(wb["Agencies"])
    expected = set(results.agency_scores.loc[results.agency_scores["ministry_id"] == "MHESI", "agency_id"])
    assert set(ag["Agency id"]) == expected
    actions = _table(wb["Gaps and actions"])
    assert set(actions["Agency id"]) <= expected
    assert not any("DEMO" in str(row[0]) for row in wb["Summary"].iter_rows(values_only=True))
    summary = wb["Summary"]
    r, c = _find(summary, "Scope")
    assert "MHESI" in summary.cell(r, c + 1).value
    r, _ = _find(summary, "Share of key government services that can be provided online")
    mine = results.targets_ministry[(results.targets_ministry["ministry_id"] == "MHESI")
                                    & (results.targets_ministry["kpi"] == "KPI.ONLINE_RATIO")].iloc[0]
    assert summary.cell(r, 2).value == pytest.approx(mine["actual"])
    with pytest.raises(ValueError, match="NOPE"):
        _build(results, catalogue, targets, names, "en", ministry="NOPE")


@pytest.mark.parametrize("name", ["=1+2", "+SUM(A1:A3)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")",
                                  "\t=1", "\r=1"])
def test_user_text_is_never_a_formula(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...],
                                      names: tuple[pd.DataFrame, pd.DataFrame], name: str) -> None:
    agencies, ministries = names[0].copy(), names[1].copy()
    agencies.loc[agencies["agency_id"] == "D0001", ["name_th", "name_en"]] = name
    ministries.loc[ministries["ministry_id"] == "MOE", ["name_th", "name_en"]] = name
    data = _build(results, catalogue, targets, (agencies, ministries), "en")
    wb = _open(data)
    ag = wb["Agencies"]
    r, c = _find(ag, "D0001")
    for cell in (ag.cell(r, c + 1), ag.cell(r, c + 2)):
        # A carriage return is stored as the OOXML escape _x000D_, which Excel decodes and openpyxl does not.
        assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == name
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_late_or_missing_by_hand() -> None:
    """Deadline 31 Aug: submitted 3 Sep is 3 days late; not submitted by the data date 1 Oct is 31 days late."""
    frame = pd.DataFrame({"cycle_year": YEAR, "agency_id": ["A", "B", "C", "D"], "ministry_id": "M",
                          "deadline": [dt.date(2025, 8, 31), None, dt.date(2025, 8, 31), dt.date(2025, 8, 31)]})
    responses = pd.DataFrame({"cycle_year": YEAR, "agency_id": ["A", "B", "C"], "status": ["approved", "submitted", "draft"],
                              "submitted_at": pd.to_datetime(["2025-08-30T10:00", "2025-09-03T10:00", None], utc=True)})
    out = late_or_missing(frame, responses, YEAR, dt.date(2025, 10, 1), closes_on=dt.date(2025, 8, 31)).set_index("agency_id")
    assert sorted(out.index) == ["B", "C", "D"]
    assert out.loc["B", "days_late"] == 3
    assert out.loc["C", "days_late"] == 31 and out.loc["D", "days_late"] == 31
    assert pd.isna(out.loc["D", "status"])


def test_late_or_missing_counts_thai_dates() -> None:
    """A submission at 23:00 UTC on 3 Sep is 06:00 on 4 Sep in Bangkok (UTC+7): 4 days after a 31 Aug deadline.

    The agency's own deadline of 25 Aug is earlier than the cycle's close (31 Aug): the later one holds
    (survey.workflow.deadline), so it is counted from 31 Aug too.
    """
    frame = pd.DataFrame({"cycle_year": YEAR, "agency_id": ["A"], "ministry_id": "M", "deadline": [dt.date(2025, 8, 25)]})
    responses = pd.DataFrame({"cycle_year": YEAR, "agency_id": ["A"], "status": ["submitted"],
                              "submitted_at": pd.to_datetime(["2025-09-03T23:00"], utc=True)})
    out = late_or_missing(frame, responses, YEAR, dt.date(2025, 10, 1), closes_on=dt.date(2025, 8, 31))
    assert out["days_late"].tolist() == [4]
    assert out["deadline"].tolist() == [pd.Timestamp(2025, 8, 31)]


def test_write_floor_writes_the_same_cells(books: dict[str, bytes]) -> None:
    cells = workbook_cells(books["th"])
    floor = write_floor(cells)
    assert workbook_cells(floor) == cells
    numbers, strings = count_cells(books["th"])
    assert numbers > 1000 and strings > 1000
    assert numbers + strings == sum(len(c) for _, c in cells)
    wb = _open(floor)
    assert wb.sheetnames == _open(books["th"]).sheetnames
    assert wb["หน่วยงาน"]["B2"].value == _open(books["th"])["หน่วยงาน"]["B2"].value


def test_house_style_is_the_default_cell_style(books: dict[str, bytes]) -> None:
    """Table text carries no style of its own: the workbook's default style wraps it and sets it at the top of
    its row; numbers carry their number formats; titles, labels and the Summary's values stay on one line."""
    with zipfile.ZipFile(io.BytesIO(books["th"])) as z:
        styles = z.read("xl/styles.xml").decode()
        first_xf = re.search(r"<cellXfs [^>]*>(<xf .*?(?:/>|</xf>))", styles)
        assert first_xf is not None and 'wrapText="1"' in first_xf[1] and 'vertical="top"' in first_xf[1]
        agencies = z.read("xl/worksheets/sheet3.xml").decode()
    cells = re.findall(r'<c r="[A-Z]+(\d+)"( s="\d+")?( t="inlineStr")?', agencies)
    body_text = [s for row, s, text in cells if text and row != "1"]
    body_numbers = [s for row, s, text in cells if not text and row != "1"]
    assert len(body_text) > 500 and not any(body_text)  # no user text here looks like a formula
    assert len(body_numbers) > 500 and all(body_numbers)
    wb = _open(books["th"])
    ws = wb["หน่วยงาน"]
    name, score = ws["B2"], ws["G2"]
    assert name.alignment.wrap_text and name.alignment.vertical == "top"
    assert score.alignment.vertical == "top" and score.number_format == excel_format("score")
    summary = wb.worksheets[0]
    assert not summary["A1"].alignment.wrap_text  # the title runs on to the right
    r, _ = _find(summary, t("wb_scope", "th"))
    assert not summary.cell(r, 1).alignment.wrap_text and not summary.cell(r, 2).alignment.wrap_text
    assert summary.cell(r, 2).value == t("wb_scope_nation", "th")


def _tool(name: str) -> str:
    """Return the path of a command the printing tests need; outside CI a missing one skips, in CI it fails."""
    found = shutil.which(name) or (shutil.which("libreoffice") if name == "soffice" else None)
    if found is None:
        message = f"{name} is not installed (scripts/system-deps.sh installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _page_texts(pdf: Path) -> list[tuple[str, str]]:
    """Return each page's header line (as laid out) and its text, with spaces and Thai marks above or below
    the line removed: pdftotext puts a mark before or after its letter as the font orders them, and
    splits Thai words where the glyphs part, so letters alone compare reliably."""
    _tool("pdftotext")

    def pages(*layout: str) -> list[str]:
        out = subprocess.run(["pdftotext", *layout, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return out.split("\f")[:-1]

    heads = [next((line for line in page.splitlines() if line.strip()), "") for page in pages("-layout")]
    return list(zip(heads, [_letters(page) for page in pages()], strict=True))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


def _sheet_pages(pages: list[tuple[str, str]], sheets: list[str]) -> dict[str, list[str]]:
    """Group pages by the sheet named at the right of their page header ("<title> · <scope> · <cycle>   <sheet>")."""
    out: dict[str, list[str]] = {s: [] for s in sheets}
    order = []
    for head, text in pages:
        name = _letters(re.split(r"\s{3,}", head.strip())[-1])
        sheet = next((s for s in sheets if _letters(s) == name), None)
        assert sheet is not None, f"the page header {head.strip()!r} names no sheet (a page cut off a wider one?)"
        out[sheet].append(text)
        order.append(sheet)
    assert order == sorted(order, key=sheets.index), "pages are not in the sheets' order"
    return out


def test_every_sheet_is_set_to_print(books: dict[str, bytes]) -> None:
    """A4, one page wide (the Summary one page in all), landscape, print areas, header rows repeated."""
    with zipfile.ZipFile(io.BytesIO(books["th"])) as z:
        names = re.findall(r'<definedName name="(_xlnm\.\w+)" localSheetId="(\d)"[^>]*>([^<]*)<',
                           z.read("xl/workbook.xml").decode())
        areas = {int(i): ref for name, i, ref in names if name == "_xlnm.Print_Area"}
        titles = {int(i): ref for name, i, ref in names if name == "_xlnm.Print_Titles"}
        for i in range(7):
            sheet = z.read(f"xl/worksheets/sheet{i + 1}.xml").decode()
            assert '<pageSetUpPr fitToPage="1"/>' in sheet, i
            setup = re.search(r"<pageSetup [^>]*/>", sheet)
            assert setup is not None and 'paperSize="9"' in setup[0] and 'orientation="landscape"' in setup[0], i
            # fitToWidth defaults to 1; fitToHeight="0" lets a long sheet run on; the Summary keeps 1 x 1.
            assert "fitToWidth" not in setup[0] and ('fitToHeight="0"' in setup[0]) == (i != 0), i
            assert "&amp;P" in sheet and "&amp;N" in sheet  # page x of n in the footer
            assert i in areas
        # The list sheets repeat their header row; Data quality its flags' header, Methodology its dictionary's.
        assert {i: ref.split("!")[1] for i, ref in titles.items() if i in (1, 2, 3, 4)} == {
            1: "$1:$1", 2: "$1:$1", 3: "$1:$1", 4: "$1:$1"}
        assert 5 in titles and 6 in titles
        # The Summary's charts stand right of its seven table columns (A-G), clear of every cell in use.
        drawing = z.read("xl/drawings/drawing1.xml").decode()
        assert sorted(set(re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>", drawing))) == ["8"]
    # The note under the headlines (it ran over the table before) and the findings span A:G, wrapped, in
    # rows tall enough for their lines.
    tall = 0
    for lang, data in books.items():
        ws = _open(data).worksheets[0]
        r, _ = _find(ws, t("wb_assumption_note", lang))
        paragraphs = [r] + [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("•")]
        merged = {str(m) for m in ws.merged_cells.ranges}
        for row in paragraphs:
            assert f"A{row}:G{row}" in merged and ws.cell(row, 1).alignment.wrap_text
            lines = text_lines(ws.cell(row, 1).value, 44 + 5 * 13 + STATUS_WIDTH)
            if lines > 1:
                assert ws.row_dimensions[row].height >= lines * LINE_POINTS[lang]
                tall += 1
    assert tall >= 1


def test_libreoffice_prints_one_page_wide_with_headers_repeated(books: dict[str, bytes], tmp_path: Path) -> None:
    """LibreOffice's PDF of the 120-agency workbook: the Summary on one page; every page of a list sheet
    shows its first column's header (repeated), some of its rows' ids, and words of its last column
    (one page wide: a column cut onto a page of its own would show neither ids nor the header)."""
    _tool("soffice")
    src = tmp_path / "workbook.xlsx"
    src.write_bytes(books["en"])
    pdf = convert_to_pdf(src)
    data = pdf.read_bytes()
    assert data[:4] == b"%PDF"
    texts = _page_texts(pdf)
    assert pdf_pages(data) == len(texts)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert f"Pages: {len(texts)}" in " ".join(info.split())
    wb = _open(books["en"])
    pages = _sheet_pages(texts, wb.sheetnames)
    assert len(pages["Summary"]) == 1
    for name in ("Ministries", "Agencies", "Gaps and actions", "Adoption"):
        ws = wb[name]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        first = _letters(ws.cell(1, 1).value)
        ids = [_letters(str(r[0])) for r in rows if r[0]]
        last = {_letters(r[-1]) for r in rows if isinstance(r[-1], str)}
        assert pages[name], name
        for k, text in enumerate(pages[name]):
            assert first in text and any(i in text for i in ids), (name, k)
            assert not last or any(v in text for v in last), (name, k)
    assert len(pages["Agencies"]) < len(wb["Agencies"]["A"]) / 10  # compact: more than ten agencies a page
    assert all(_letters("Agency id") in text and _letters("Message") in text for text in pages["Data quality"])


def test_whole_country_workbook_prints_in_at_most_120_pages(demo_db_path: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m analytics export --pdf` on the demo's 320 agencies: the Thai workbook and its PDF beside it,
    in at most 120 pages (344 before the workbook was set up to print)."""
    _tool("soffice")
    db = tmp_path / "demo.sqlite3"
    db.write_bytes(demo_db_path.read_bytes())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    out = tmp_path / "readiness-2568.xlsx"
    assert analytics_cli(["export", "--cycle", "2568", "--out", str(out), "--pdf"]) == 0
    pdf = tmp_path / "readiness-2568.pdf"
    pages = pdf_pages(pdf.read_bytes())
    assert f"({pages} pages)" in capsys.readouterr().out
    assert 10 < pages <= 120
    wb = _open(out.read_bytes())
    assert len(_table(wb["หน่วยงาน"])) == 320
    by_sheet = _sheet_pages(_page_texts(pdf), wb.sheetnames)
    assert len(by_sheet["สรุป"]) == 1
    assert sum(len(p) for p in by_sheet.values()) == pages


def test_card_and_workbook_round_alike(tmp_path: Path) -> None:
    """One rounding rule: the card's text (fmt_percent, fmt_change) and LibreOffice's display of the workbook cell.

    Half away from zero on the value as a spreadsheet keeps it (15 digits): 95.625 -> 95.63 (Python's
    own format gives 95.62), 72.705 -> 72.71 (the double is 72.70499999999999829...), 0.285 -> 0.29;
    changes at one decimal: -0.04 -> 0.0 (no "-0.0"), -0.05 -> -0.1, 2.25 -> +2.3.
    """
    _tool("soffice")
    pcts, changes = [95.625, 72.705, 0.285, 61.835], [-0.04, -0.05, 2.25, 0.0]
    buffer = io.BytesIO()
    w = Writer(buffer, "th")
    ws, sheet = w.sheet("wb_sheet_summary")
    w.table(ws, sheet, 0, [Col("actual", pcts, "num", "pct"), Col("change", changes, "num", "change")])
    w.wb.close()
    src = tmp_path / "round.xlsx"
    src.write_bytes(buffer.getvalue())
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run([_tool("soffice"), f"-env:UserInstallation=file://{home}/lo", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", str(tmp_path),
                    str(src)], check=True, timeout=300, env={**os.environ, "HOME": str(home)}, capture_output=True)
    shown = [line.split(",") for line in (tmp_path / "round.csv").read_text(encoding="utf-8").splitlines()[1:]]
    assert [row[0] for row in shown] == ["95.63", "72.71", "0.29", "61.84"]
    assert [fmt_percent(v, "th") for v in pcts] == [f"{row[0]} %" for row in shown]
    assert [row[1] for row in shown] == ["0.0", "-0.1", "+2.3", "0.0"]
    assert [fmt_change(v, "th") for v in changes] == [row[1] for row in shown]


def test_no_raw_values_in_the_workbook(books: dict[str, bytes]) -> None:
    """No None, nan, JSON, or codes where words belong (agency types, checks, severities, statuses)."""
    for data in books.values():
        wb = _open(data)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        assert v.strip() not in {"None", "nan", "NaN", "NaT", "null", "[]", "{}"}, (ws.title, v)
                        assert not v.startswith(("{", "[")), (ws.title, v)
    th = _open(books["th"])
    types = set(_table(th["หน่วยงาน"])["ประเภทหน่วยงาน"].dropna())
    assert types and types <= {t(f"type_{k}", "th") for k in ("department", "state_enterprise", "public_organisation",
                                                               "independent_organisation", "other")}
    quality = th["คุณภาพข้อมูล"]
    r, _ = _find(quality, t("wb_flags", "th"))
    flags = _table(quality, r + 1)
    checks = set(flags[t("wb_col_rule", "th")])
    assert checks and not any(re.search("[A-Za-z]", c) for c in checks)
    assert set(flags[t("wb_col_severity", "th")]) <= {t(f"wb_severity_{s}", "th") for s in ("error", "warning", "info")}
    method = th["ระเบียบวิธี"]
    for key in ("wb_set_normalisation", "wb_set_aggregation"):
        r, c = _find(method, t(key, "th"))
        assert not re.search("[A-Za-z]", method.cell(r, c + 1).value)


def test_no_previous_cycle_and_no_uncertainty(demo: DemoFrames, catalogue: Catalogue, targets: tuple[Target, ...],
                                              names: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    first = cycle_results(2564, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets, draws=0)
    wb = _open(_build(first, catalogue, targets, names, "th"))
    ag = _table(wb["หน่วยงาน"])
    assert ag["อันดับดีสุดที่เป็นไปได้ (เปอร์เซ็นไทล์ที่ 5)"].isna().all()
    assert ag["อันดับ"].notna().sum() == first.agency_scores["INDEX"].notna().sum()
    assert first.ministry_uncertainty is None
    mi = _table(wb["กระทรวง"])
    assert mi["อันดับดีสุดที่เป็นไปได้ (เปอร์เซ็นไทล์ที่ 5)"].isna().all() and mi["อันดับแย่สุดที่เป็นไปได้ (เปอร์เซ็นไทล์ที่ 95)"].isna().all()
    # Without draws the ministries are ranked by their mean composite.
    expected = first.ministry_scores.set_index("ministry_id")["INDEX"].rank(ascending=False, method="min")
    assert mi.set_index("รหัสกระทรวง")["อันดับ"].astype(float).to_dict() == expected.to_dict()
    assert np.isnan(pd.to_numeric(ag["ดัชนี: เปลี่ยนแปลงจากรอบก่อน (คะแนน)"]).to_numpy(dtype=float)).all()
