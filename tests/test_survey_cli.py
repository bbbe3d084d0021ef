"""`python -m survey`: template and import round trip, dry runs, CSV answers, and the services register."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select

from data.db import session_scope
from data.models import Answer, AuditEntry, Response, Service
from survey.__main__ import main
from tests.conftest import ROOT, sqlite_engine_at
from tests.factories import CYCLE, fill, seed_intake
from usecases import intake, tracking

MAPPING = ROOT / "docs" / "examples" / "services-mapping.yaml"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    engine = sqlite_engine_at(tmp_path / "cli.sqlite3")
    seed_intake(engine, agencies=3)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    return engine


def counts(engine: Engine) -> tuple[int, ...]:
    with session_scope(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(t)) or 0) for t in (Response, Answer, Service, AuditEntry))


def test_template_and_import_round_trip_with_dry_run(db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for agency in ("A001", "A002"):
        out = tmp_path / f"{agency}.xlsx"
        assert main(["template", "--agency", agency, "--cycle", "2025", "--out", str(out), "--lang", "en"]) == 0
        out.write_bytes(fill(out.read_bytes()))
    wb = load_workbook(tmp_path / "A001.xlsx")
    assert wb["_meta"]["B3"].value == CYCLE  # --cycle 2025 (C.E.) is B.E. 2568
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"garbage")
    capsys.readouterr()

    before = counts(db)
    files = [str(tmp_path / "A001.xlsx"), str(tmp_path / "A002.xlsx"), str(bad)]
    assert main(["import", *files, "--dry-run", "--actor", "somsri"]) == 1
    report = capsys.readouterr().out
    assert "A001.xlsx: agency A001 cycle 2025: accepted" in report and "change DAT.02: None -> '12'" in report
    assert "bad.xlsx: REJECTED" in report and "damaged" in report and "nothing was changed" in report
    assert counts(db) == before

    assert main(["import", *files[:2], "--actor", "somsri"]) == 0
    with session_scope(db) as s:
        h = tracking.history_rows(s, "A002")
        assert set(h["channel"]) == {"excel"} and set(h["actor"]) == {"somsri"}
        rids = dict(s.execute(select(Response.agency_id, Response.id)).all())
        assert intake.current_answers(s, rids["A001"]) == intake.current_answers(s, rids["A002"])


def test_import_csv_of_answers_for_many_agencies(db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "answers.csv"
    csv.write_text("agency_id,cycle,indicator_id,value,evidence\n"
                   "A001,2568,DAT.02,12,https://a\n"
                   "A001,2568,PLT.01,GDX;GIN,\n"
                   "A002,2025,DAT.02,many,\n"
                   "A003,2568,INT.05,101,\n", encoding="utf-8")
    before = counts(db)
    assert main(["import", str(csv), "--dry-run"]) == 1
    assert counts(db) == before
    capsys.readouterr()
    assert main(["import", str(csv), "--actor", "batch"]) == 1
    report = capsys.readouterr().out
    assert "agency A001 cycle 2025: accepted" in report
    assert "agency A002 cycle 2025: REJECTED" in report and "DAT.02" in report and "must be a number" in report
    assert "agency A003 cycle 2025: REJECTED" in report and "outside the allowed range" in report
    with session_scope(db) as s:
        rows = dict(s.execute(select(Response.agency_id, Response.id)).all())
        assert set(rows) == {"A001"}
        answers, _ = intake.current_answers(s, rows["A001"])
        assert answers["DAT.02"].value == 12 and answers["PLT.01"].value == ["GDX", "GIN"]
        assert set(tracking.history_rows(s, "A001")["channel"]) == {"cli"}


def test_import_services_register_reports_unmatched_rows(db: Engine, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    register = tmp_path / "register.csv"
    register.write_text(
        "รหัสหน่วยงาน,กระทรวง,รหัสบริการ,ชื่อบริการ,สถานะ,ปริมาณธุรกรรมต่อปี,ใช้เอกสารกระดาษ,Digital ID,e-Payment\n"
        "A001,MDES,S-1,ขออนุญาตตั้งเสา,E-SERVICE,1200,N,Y,Y\n"
        "Test Department 2,กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม,S-2,Boat registration,form,30,Y,,\n"
        "กรมทดสอบ 1,MDES,S-3,ขอข้อมูลสถิติ,INFO,,,,\n"
        "Department of Nowhere,MDES,S-4,Lost service,E-SERVICE,5,N,N,N\n"
        "A002,MDES,S-5,Odd status,PILOT,5,N,N,N\n", encoding="utf-8-sig")
    """Rows that cannot be placed are listed with the row Excel shows (the header is row 1, so the fourth
    service is row 5), the others are stored, and the exit code is 1 because rows were refused (issue 13:
    this command used to exit 0 and count rows under the header)."""
    before = counts(db)
    assert main(["import-services", str(register), "--mapping", str(MAPPING), "--cycle", "2568", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "5 rows, 2 agencies" in out and "2 rows not matched" in out and counts(db) == before
    assert "row 5 not matched: no agency “Department of Nowhere”" in out
    assert "row 6 not matched: status code “PILOT” is not in the mapping" in out

    assert main(["import-services", str(register), "--mapping", str(MAPPING), "--cycle", "2568"]) == 1
    with session_scope(db) as s:
        rows = dict(s.execute(select(Response.agency_id, Response.id)).all())
        _, a1 = intake.current_answers(s, rows["A001"])
        _, a2 = intake.current_answers(s, rows["A002"])
    assert [(x.code, x.digital_level, x.annual_volume, x.paper_required, x.uses_digital_id, x.uses_e_payment)
            for x in a1] == [("S-1", 4, 1200, False, True, True), ("S-3", 1, None, True, False, False)]
    assert [(x.code, x.digital_level, x.paper_required) for x in a2] == [("S-2", 2, True)]


def test_example_mapping_is_shipped_and_valid() -> None:
    from usecases.register import load_mapping

    mapping = load_mapping(MAPPING)
    assert mapping.status_levels["e-service"] == 4 and "ใช่" in mapping.true_values


def test_csv_with_bom_and_xlsx_register(db: Engine, tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"รหัสหน่วยงาน": ["A003"], "กระทรวง": ["MDES"], "รหัสบริการ": ["X1"],
                          "ชื่อบริการ": ["+66 hotline"], "สถานะ": ["E-SUBMIT"], "ปริมาณธุรกรรมต่อปี": ["7"],
                          "ใช้เอกสารกระดาษ": ["ใช่"], "Digital ID": [""], "e-Payment": [""]})
    path = tmp_path / "register.xlsx"
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    path.write_bytes(buf.getvalue())
    assert main(["import-services", str(path), "--mapping", str(MAPPING), "--cycle", "2025"]) == 0
    with session_scope(db) as s:
        rid = s.scalar(select(Response.id).where(Response.agency_id == "A003"))
        _, services = intake.current_answers(s, rid)
    assert [(x.name, x.digital_level, x.annual_volume) for x in services] == [("+66 hotline", 3, 7)]


def test_module_runs_as_a_command() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "survey", "--help"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "template" in out.stdout and "import-services" in out.stdout


def test_template_for_an_unknown_agency_fails_cleanly(db: Engine, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--agency", "NOPE", "--cycle", "2568", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "no agency with id NOPE" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


def test_cycle_commands_open_edit_extend_close_and_list(db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m survey cycle`: a cycle from last year's frame, a frame edit, a one-agency extension (a late
    submission is then accepted), closing, listing; years in either era, every change audited as cli."""
    from usecases.cycles import accepts_submission, deadline_for, frame_ids

    assert main(["cycle", "open", "--year", "2569", "--opens", "2026-06-01", "--closes", "2569-08-31",
                 "--remove", "A003", "--actor", "admin.dga"]) == 0
    assert "opened cycle 2026: 2 agencies, closes 2026-08-31" in capsys.readouterr().out
    assert main(["cycle", "frame", "--year", "2026", "--add", "A003", "--remove", "A001"]) == 0
    assert main(["cycle", "extend", "--year", "2569", "--date", "2026-09-15", "--agency", "A002"]) == 0
    with session_scope(db) as s:
        assert frame_ids(s, 2569) == ["A002", "A003"]
        assert deadline_for(s, 2569, "A002").isoformat() == "2026-09-15"
        late = deadline_for(s, 2569, "A003").replace(day=10, month=9)
        assert accepts_submission(s, 2569, "A002", late) and not accepts_submission(s, 2569, "A003", late)
    assert main(["cycle", "close", "--year", "2569", "--lang", "th"]) == 0
    assert main(["cycle", "extend", "--year", "2590", "--date", "2047-01-01"]) == 2
    assert "No survey cycle 2590 B.E." in capsys.readouterr().err
    assert main(["cycle", "list", "--lang", "th"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[-1].startswith("2569  closed  2026-06-01 .. 2026-08-31") and listing[-1].endswith("2 agencies")
    with session_scope(db) as s:
        cli = s.scalars(select(AuditEntry.action).where(AuditEntry.channel == "cli", AuditEntry.cycle_year == 2569)
                        .order_by(AuditEntry.id)).all()
    assert cli == ["cycle_open", "frame_add", "frame_remove", "deadline_extend", "cycle_close"]


def test_import_shows_a_progress_bar(db: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text("agency_id,cycle,indicator_id,value\nA001,2568,DAT.02,12\n", encoding="utf-8")
    main(["import", str(answers), "--dry-run"])
    err = capsys.readouterr().err
    assert "] 0/1 answers.csv" in err and "[" + "#" * 30 + "] 1/1 done" in err
