"""The workbook from the database: `python -m analytics export`, usecases.exports.executive_workbook, and the Overview's button."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine

from analytics.__main__ import main
from data import repository
from data.db import session_scope
from tests.conftest import signed_in_app
from usecases.access import Grant, Principal, Role
from usecases.exports import executive_workbook
from usecases.views.ministries import ministries_view


def test_export_command_in_thai_for_a_ministry(app_on_demo: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mhesi.xlsx"
    assert main(["export", "--cycle", "2025", "--out", str(out), "--ministry", "MHESI"]) == 0
    assert "2568" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "สรุป"
    agencies = [row[0] for row in wb["หน่วยงาน"].iter_rows(min_row=2, values_only=True)]
    assert agencies and all(row[2] == "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม"
                            for row in wb["หน่วยงาน"].iter_rows(min_row=2, values_only=True))
    assert wb["สรุป"]["A2"].value.startswith("ข้อมูลสาธิต")


def test_export_command_refuses_unknown_cycle_and_ministry(app_on_demo: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["export", "--cycle", "2599", "--out", str(out)]) == 2
    assert "no survey cycle 2599" in capsys.readouterr().err
    assert main(["export", "--cycle", "2568", "--out", str(out), "--ministry", "NOPE"]) == 2
    assert not out.exists()


def test_executive_workbook_in_english_for_the_country(demo_engine: Engine) -> None:
    """The 320-agency demo: every agency on the Agencies sheet; every ministry on the Ministries sheet with
    a rank interval, and the same nominal rank as the Ministries page (rank intervals of the same Monte
    Carlo, `group_uncertainty`; the page's 300 draws and the workbook's 50 give different intervals)."""
    planner = Principal(0, "p", grants=frozenset({Grant(Role.PLANNER)}))
    with session_scope(demo_engine) as session:
        data = executive_workbook(session, 2568, "en", draws=50)
        n = len(repository.frame(session, [2568]))
        page = ministries_view(session, planner, 2568, None, "en").table
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Summary"
    assert wb["Agencies"].max_row == n + 1 == 321
    rows = list(wb["Ministries"].iter_rows(values_only=True))
    mi = pd.DataFrame(rows[1:], columns=rows[0]).set_index("Ministry")
    assert len(mi) == len(page) == 21
    assert (mi["Rank, 5th percentile"] <= mi["Rank, 95th percentile"]).all()
    assert mi.loc[page["ministry"], "Rank"].tolist() == page["rank"].tolist()  # the page shows the same number
    with session_scope(demo_engine) as session, pytest.raises(ValueError, match="no survey cycle"):
        executive_workbook(session, 2500, "en")


@pytest.mark.parametrize(("roles", "shown"), [([("planner", None)], True), ([("executive", None)], True),
                                              ([("respondent", "D0001")], False)])
def test_overview_offers_the_workbook_to_planners_and_executives(app_on_demo: Path, roles: list[tuple[str, str | None]],
                                                                 shown: bool) -> None:
    """The whole country's workbook is prepared as a job (tests/test_exports.py); a ministry's is a download."""
    at = signed_in_app(app_on_demo, roles, "en").run()
    assert not at.exception
    assert ("Prepare the executive Excel workbook" in [b.proto.label for b in at.get("button")]) is shown
    if shown:
        at.selectbox(key="workbook_scope").set_value("MDES").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert ("Download the executive Excel workbook" in labels) is shown


def test_the_buttons_deferred_data_is_the_workbook(app_on_demo: Path) -> None:
    """The callable the download button runs on click (outside the page script) builds the ministry's workbook."""
    from pages._exports import workbook_bytes

    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(2568, "en", "MDES")))
    assert wb.sheetnames[0] == "Summary"
    ministries = {row[2] for row in wb["Agencies"].iter_rows(min_row=2, values_only=True)}
    assert ministries == {"Ministry of Digital Economy and Society"}
