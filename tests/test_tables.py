"""Tables as readers see them (issue 15: "None", "nan (demo-coordinator)", `{"code": null, ...}`, `return` and
2027-03-05 were on screen): `usecases.tables`, the review comments' labels and the upload preview."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from survey.catalogue import default_catalogue
from usecases import import_reports, review, tables


def test_readable_dates_empty_cells_and_codes_in_both_languages() -> None:
    frame = pd.DataFrame({
        "deadline": [dt.date(2027, 3, 5), None],
        "submitted_at": [pd.Timestamp("2027-03-05 03:15"), pd.NaT],  # stored in UTC: 10.15 in Bangkok
        "status": ["returned", "not_started"],
        "inventory_source": [None, "register"],
        "comment": [None, "  "],
        "count": [3.0, np.nan],
        "share": [72.705, 1.5],
        "late": [True, False],
    })
    th = tables.readable(frame, "th")
    assert th.iloc[0].tolist() == ["5 มี.ค. 2570", "5 มี.ค. 2570 เวลา 10.15 น.", "ส่งกลับให้แก้ไข", "–", "–", "3",
                                   72.705, True]
    assert th.iloc[1].tolist() == ["–", "–", "ยังไม่เริ่ม", "ทะเบียนบริการภาครัฐ", "–", "–", 1.5, False]
    en = tables.readable(frame, "en")
    assert en.iloc[0, :3].tolist() == ["5 Mar 2027", "5 Mar 2027, 10:15 (Thai time)", "Returned"]
    assert en["share"].dtype == float  # a number column with no empty cell stays numbers (sortable)
    assert tables.readable(frame, "en", {"status": "cycle_status"})["status"].tolist() == ["returned", "not_started"]
    assert tables.code_word("review_action", "return", "th") == "ส่งกลับให้แก้ไข"
    assert tables.code_word("review_action", "unknown", "en") == "unknown"  # an unknown code stays readable as is


@pytest.mark.parametrize("value", [None, np.nan, pd.NaT, pd.NA, "", " "])
def test_missing_values_show_as_a_dash(value: object) -> None:
    assert tables.missing(value) and tables.cell(value, "th") == "–"


def test_review_comments_are_labelled_with_the_reviewer_and_date_in_words() -> None:
    """A general comment has no question (stored NULL, read back as NaN): it read "nan (demo-coordinator)"."""
    comments = pd.DataFrame.from_records(
        [(pd.Timestamp("2026-12-07 03:00"), "demo-coordinator", "return", None, "Please check."),
         (pd.Timestamp("2026-12-07 03:00"), "demo-coordinator", "return", "DAT.04", "Too many.")],
        columns=["at", "actor", "action", "indicator_id", "comment"])
    comments.loc[0, "indicator_id"] = np.nan
    notes = review.comment_notes(comments, "th")
    assert [n.label for n in notes] == ["ความเห็นทั่วไปจาก demo-coordinator เมื่อ 7 ธ.ค. 2569 เวลา 10.00 น.",
                                        "ความเห็นต่อข้อ DAT.04 จาก demo-coordinator เมื่อ 7 ธ.ค. 2569 เวลา 10.00 น."]
    assert [n.action for n in notes] == ["ส่งกลับให้แก้ไข"] * 2
    table = review.comments_table(comments, "en")
    assert table.iloc[0].tolist() == ["General comment from demo-coordinator, 7 Dec 2026, 10:00 (Thai time)",
                                      "Returned", "Please check."]


def test_upload_preview_reads_as_a_table_of_questions_and_services() -> None:
    service = {"code": None, "name": "Boat registration", "digital_level": 3, "annual_volume": 1617,
               "paper_required": True, "uses_digital_id": True, "uses_e_payment": False}
    diff = pd.DataFrame.from_records([
        ("DAT.02", "–", "12"), ("DAT.02#evidence", None, "https://example.go.th/e"),
        ("service:Boat registration", None, json.dumps(service)),
    ], columns=["indicator", "old", "new"])
    question = default_catalogue().indicator("DAT.02").question
    en = import_reports.change_table(diff, "en")
    assert en.values.tolist() == [
        [f"DAT.02 {question.en}", "–", "12"],
        [f"DAT.02 {question.en} (Evidence)", "–", "https://example.go.th/e"],
        ["Service: Boat registration", "–", "Boat registration · Digital level 3 · Yearly volume 1,617 · "
                                            "Paper required · Digital ID"]]
    th = import_reports.change_table(diff, "th")
    assert th.iloc[2, 2] == "Boat registration · ระดับดิจิทัล 3 · ปริมาณต่อปี 1,617 · ใช้เอกสารกระดาษ · ใช้ Digital ID"
