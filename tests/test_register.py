"""A real-looking national services register, end to end: empty database -> organisations -> inventories -> figures.

The register is `tests/registers.py` (every trap of the real export). The figures are checked against
this hand calculation (online = digital level >= 4 = register status 1; status 5 = not applicable):

    agency  services  statuses (code: n)        not appl.  online  share      share of applicable
    10001   4         1:2  2:1  4:1             0          2       2/4 = 50   2/4 = 50
    10002   4         1:2  3:1  5:1             1          2       2/4 = 50   2/3 = 66.67
    20001   3         1:1  2:1  4:1             0          1       1/3 = 33.3 1/3 = 33.3
    20002   2         1:1  3:1                  0          1       1/2 = 50   1/2 = 50
    30001   2         5:2                       2          0       0/2 = 0    undefined (0/0): empty
    M01     8 (10001 + 10002)                   1          4       50         4/7 = 57.14
    M02     5 (20001 + 20002)                   0          2       40         40
    M03     2 (30001)                           2          0       0          empty
    nation  15  1:6  2:2  3:2  4:2  5:3         3          6       6/15 = 40  6/12 = 50
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, func, select

from analytics.__main__ import main as analytics_main
from data.db import session_scope
from data.models import Agency, AuditEntry, Cycle, FrameEntry, Ministry, Response, Service
from survey.__main__ import main
from survey.catalogue import default_catalogue
from survey.validation import ServiceInput
from tests import registers as R
from tests.conftest import sqlite_engine_at

CYCLE = 2568
TABLES = (Ministry, Agency, FrameEntry, Response, Service, AuditEntry)


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A migrated database with one open cycle and no ministry, agency or response."""
    engine = sqlite_engine_at(tmp_path / "empty.sqlite3")
    with session_scope(engine) as s:
        s.add(Cycle(year_be=CYCLE, year_ce=CYCLE - 543, opens_on=dt.date(2025, 6, 1), closes_on=dt.date(2025, 8, 31),
                    catalogue_version=default_catalogue().version))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    return engine


def write(tmp_path: Path, mapping: dict[str, object] | None = None) -> tuple[str, str]:
    (tmp_path / "register.xlsx").write_bytes(R.workbook())
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(mapping or R.MAPPING, allow_unicode=True), encoding="utf-8")
    return str(tmp_path / "register.xlsx"), str(tmp_path / "mapping.yaml")


def counts(engine: Engine) -> tuple[int, ...]:
    with session_scope(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES)


def figures(by: str, capsys: pytest.CaptureFixture[str]) -> pd.DataFrame:
    capsys.readouterr()
    assert analytics_main(["services", "--cycle", str(CYCLE), "--by", by]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"unit": str}).set_index("unit")


def test_register_into_an_empty_database_creates_everything_and_counts_exactly(
        empty: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register, mapping = write(tmp_path)
    assert main(["import-services", register, "--mapping", mapping, "--cycle", str(CYCLE), "--create-organisations",
                 "--dry-run"]) == 0
    assert counts(empty) == (0, 0, 0, 0, 0, 0)
    assert "dry run: nothing was changed" in capsys.readouterr().out

    assert main(["import-services", register, "--mapping", mapping, "--cycle", str(CYCLE),
                 "--create-organisations"]) == 0
    out = capsys.readouterr().out
    assert "16 rows, 5 agencies, 15 services placed, 15 inventory changes, 0 rows not matched" in out
    assert "ministries: 3 created, 0 updated, 0 unchanged, 0 refused" in out
    assert "agencies: 5 created, 0 updated, 0 unchanged, 0 refused" in out
    assert f"skipped sheet “{R.SHEET}” row {R.TOTAL_ROW}: no service code (a total row?)" in out
    assert f"sheet “{R.SHEET}” row 9: the name of service 1002-04 is 449 characters long (over 300)" in out
    assert f"sheet “{R.SHEET}” row 12: the name of service 2001-03 is 304 characters long (over 300)" in out
    assert "added 5 agencies to the frame" in out

    with session_scope(empty) as s:
        assert dict(s.execute(select(Ministry.id, Ministry.name_th)).all()) == R.MINISTRIES  # M03 from the services
        kinds = dict(s.execute(select(Agency.id, Agency.agency_type)).all())
        assert kinds == {"10001": "department", "10002": "department", "20001": "department", "20002": "other",
                         "30001": "public_organisation"}
        assert s.get(Agency, "30001").name_en == s.get(Agency, "30001").name_th  # no English name: the Thai one
        assert set(s.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == CYCLE))) == set(R.AGENCIES)
        responses = s.execute(select(Response.status, Response.inventory_source)).all()
        assert set(responses) == {("draft", "register")} and len(responses) == 5
        rows = {sv.code: sv for sv in s.scalars(select(Service))}
        assert len(rows["1002-04"].name) == 449 and rows["1002-04"].name == R.LONG_449
        assert len(rows["2001-03"].name) == 304
        assert rows["1001-01"].name == "ขอรับบำเหน็จ บำนาญ"  # the line break read as a space
        assert rows["1002-01"].name == "ยื่นแบบภาษีเงินได้บุคคลธรรมดา"  # the zero-width space removed
        assert (rows["1002-03"].register_status, rows["1002-03"].register_reason, rows["1002-03"].not_applicable) == (
            "5", "ขาดงบประมาณ", True)
        # The same reason text with another status: the status decides, not the reason.
        assert (rows["1001-04"].register_status, rows["1001-04"].register_reason, rows["1001-04"].not_applicable) == (
            "4", "ขาดงบประมาณ", False)
        assert rows["1002-02"].project == "โครงการภาษีดิจิทัล" and rows["1001-01"].project is None
        assert {r.digital_level for r in rows.values() if r.register_status == "1"} == {4}
        channels = set(s.scalars(select(AuditEntry.channel).where(AuditEntry.response_id.is_not(None))))
        assert channels == {"register"}

    nation = figures("national", capsys).loc["national"]
    assert (nation["n_services"], nation["n_not_applicable"], nation["n_online"]) == (15, 3, 6)
    assert nation["online_share"] == pytest.approx(40.0) and nation["online_share_applicable"] == pytest.approx(50.0)
    assert [nation[f"n_status_{c}"] for c in "12345"] == [6, 2, 2, 2, 3]
    ministries = figures("ministry", capsys)
    assert ministries["n_services"].to_dict() == {"M01": 8, "M02": 5, "M03": 2}
    assert ministries["online_share"].to_dict() == pytest.approx({"M01": 50.0, "M02": 40.0, "M03": 0.0})
    assert ministries.loc["M01", "online_share_applicable"] == pytest.approx(400 / 7)
    assert ministries.loc["M02", "online_share_applicable"] == pytest.approx(40.0)
    assert pd.isna(ministries.loc["M03", "online_share_applicable"])  # every service not applicable: empty
    agencies = figures("agency", capsys)
    assert agencies["n_not_applicable"].to_dict() == {"10001": 0, "10002": 1, "20001": 0, "20002": 0, "30001": 2}
    assert agencies["n_online"].to_dict() == {"10001": 2, "10002": 2, "20001": 1, "20002": 1, "30001": 0}
    assert agencies.loc["10002", "online_share_applicable"] == pytest.approx(200 / 3)
    assert agencies.loc["20001", "online_share"] == pytest.approx(100 / 3)
    assert pd.isna(agencies.loc["30001", "online_share_applicable"])
    assert agencies.loc["10002", ["n_status_1", "n_status_3", "n_status_5"]].tolist() == [2, 1, 1]

    # The national headline uses the applicable denominator: 6 / (15 - 3).
    assert analytics_main(["kpis", "--cycle", str(CYCLE), "--format", "json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert (kpis["online_service_ratio"], kpis["services"], kpis["services_not_applicable"]) == (50.0, 15, 3)
    assert kpis["agencies_responded"] == 0  # counted without anyone submitting

    # A second run changes nothing, and says so.
    before = counts(empty)
    assert main(["import-services", register, "--mapping", mapping, "--cycle", str(CYCLE),
                 "--create-organisations"]) == 0
    out = capsys.readouterr().out
    assert counts(empty) == before
    assert "15 services placed, 0 inventory changes" in out and "ministries: 0 created, 0 updated, 3 unchanged" in out
    assert "Nothing changed: every inventory already matches the register." in out


def test_the_same_register_as_a_csv_gives_the_same_figures(empty: Engine, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "register.csv").write_bytes(R.services_csv())
    mapping = {k: v for k, v in R.MAPPING.items() if k != "sheet"}
    _, mapping_path = write(tmp_path, mapping)
    assert main(["import-services", str(tmp_path / "register.csv"), "--mapping", mapping_path, "--cycle", str(CYCLE),
                 "--create-organisations"]) == 0
    assert f"skipped row {R.TOTAL_ROW}: no service code" in capsys.readouterr().out
    nation = figures("national", capsys).loc["national"]
    assert (nation["n_services"], nation["n_not_applicable"], nation["n_online"]) == (15, 3, 6)
    assert nation["online_share_applicable"] == pytest.approx(50.0)


def test_a_mapping_that_misses_a_type_text_fails_with_the_line_to_add(empty: Engine, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The misspelt สว่นราชการระดับกรม (agency 10002, rows 6-9) is left out of the mapping: never guessed."""
    types = {k: v for k, v in R.MAPPING["agency_types"].items() if k != "สว่นราชการระดับกรม"}  # type: ignore[union-attr]
    register, mapping = write(tmp_path, {**R.MAPPING, "agency_types": types})
    assert main(["import-services", register, "--mapping", mapping, "--cycle", str(CYCLE),
                 "--create-organisations"]) == 1
    out = capsys.readouterr().out
    assert (f"ERROR sheet “{R.SHEET}” rows 6, 7, 8, 9: agency type “สว่นราชการระดับกรม” is not in the mapping (4 rows);"
            f" the nearest mapped text is “{R.DEPARTMENT}”") in out
    assert 'add this line under agency_types:  "สว่นราชการระดับกรม": department' in out
    assert "agencies: 4 created, 0 updated, 0 unchanged, 1 refused" in out
    assert f"sheet “{R.SHEET}” row 6 not matched: agency 10002 was not created, so its services cannot be placed" in out
    with session_scope(empty) as s:
        assert s.get(Agency, "10002") is None
        assert s.scalar(select(func.count()).select_from(Service)) == 11  # 15 less the 4 of agency 10002


def test_organisations_from_the_ministries_and_agencies_sheets(empty: Engine, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """M03 is missing from the ministries sheet: its agency is refused until the register brings it."""
    register, _ = write(tmp_path)
    ministries = tmp_path / "ministries.yaml"
    ministries.write_text(yaml.safe_dump({"sheet": "กระทรวง", "columns": {"ministry": "รหัสกระทรวง",
                                                                            "ministry_name": "ชื่อกระทรวง"}},
                                         allow_unicode=True), encoding="utf-8")
    agencies = tmp_path / "agencies.yaml"
    agencies.write_text(yaml.safe_dump({"sheet": "หน่วยงาน", "columns": {
        "agency": "รหัสหน่วยงาน", "agency_name": "ชื่อหน่วยงาน", "ministry": "รหัสกระทรวง",
        "agency_type": "ประเภทหน่วยงาน"}, "agency_types": R.MAPPING["agency_types"]}, allow_unicode=True),
        encoding="utf-8")
    assert main(["import-organisations", register, "--mapping", str(ministries)]) == 0
    assert "ministries: 2 created, 0 updated, 0 unchanged, 0 refused" in capsys.readouterr().out
    assert main(["import-organisations", register, "--mapping", str(agencies), "--dry-run"]) == 1
    assert counts(empty)[1] == 0
    assert main(["import-organisations", register, "--mapping", str(agencies)]) == 1
    out = capsys.readouterr().out
    assert "ministries: 0 created, 0 updated, 2 unchanged, 1 refused" in out
    assert "agencies: 4 created, 0 updated, 0 unchanged, 1 refused" in out
    assert ("ministry M03 refused (sheet “หน่วยงาน” row 6): no ministry M03, and the file gives no Thai name to create"
            " it") in out
    assert "agency 30001 refused (sheet “หน่วยงาน” row 6): ministry M03 could not be created" in out
    assert "skipped sheet “หน่วยงาน” row 7: no agency or ministry code (a total row?)" in out

    assert main(["import-organisations", register, "--mapping", str(ministries)]) == 0
    out = capsys.readouterr().out
    assert "ministries: 0 created, 0 updated, 2 unchanged, 0 refused" in out
    assert "Nothing changed: every organisation already matches the file." in out

    assert main(["import-services", register, "--mapping", str(tmp_path / "mapping.yaml"), "--cycle", str(CYCLE),
                 "--create-organisations"]) == 0
    out = capsys.readouterr().out
    assert "ministries: 1 created, 0 updated, 2 unchanged, 0 refused" in out
    assert "agencies: 1 created, 0 updated, 4 unchanged, 0 refused" in out


# The precedence rule (docs/INTAKE.md, survey.workflow.inventory_counts) ----------------------------------------

def _register(engine: Engine, rows: str) -> list[tuple[str, str]]:
    """Import a register (the example mapping's columns) and return each agency's outcome."""
    from usecases.register import import_register, parse_mapping

    mapping = parse_mapping({"columns": {"agency": "agency", "ministry": "ministry", "code": "code", "name": "name",
                                         "status": "status"}, "status_levels": {"OFFLINE": 0, "E-SERVICE": 4}})
    with session_scope(engine) as s:
        report = import_register(s, ("agency,ministry,code,name,status\n" + rows).encode("utf-8"), "register.csv",
                                 mapping, CYCLE, "dga")
    return [(a.agency_id, a.outcome) for a in report.agencies]


def _national(engine: Engine) -> tuple[int, int]:
    from analytics.kpis import national_kpis
    from data import repository

    with session_scope(engine) as s:
        k = national_kpis(CYCLE, repository.frame(s, [CYCLE]), repository.responses(s, [CYCLE]),
                          repository.services(s, [CYCLE]))
    return k["services"], k["services_online"]


def test_the_respondents_inventory_wins_and_counts_once_submitted(tmp_path: Path) -> None:
    """Register: A001 S-1 fully online (level 4), S-2 offline (0); A002 S-3 fully online.

    1. Both register inventories count at once: 3 services, 2 online.
    2. A001's respondent changes their inventory (S-2 to level 2) in the web form: it is theirs, a draft,
       so only A002 counts: 1 service, 1 online. The register's status stays on S-1 and S-2 (same codes).
    3. The register again: A001 is kept (the respondent's wins), A002 unchanged.
    4. A001 submits: 2 + 1 = 3 services, 1 + 1 = 2 online.
    5. A002 submitted too; a register that now says S-3 is offline keeps A002's submitted inventory.
    """
    from tests.factories import full_answers, seed_intake
    from usecases import intake, submission

    engine = sqlite_engine_at(tmp_path / "rule.sqlite3")
    seed_intake(engine)
    rows = "A001,MDES,S-1,ขออนุญาตตั้งเสา,E-SERVICE\nA001,MDES,S-2,ขอข้อมูลสถิติ,OFFLINE\nA002,MDES,S-3,ขอรับเงิน,E-SERVICE\n"
    assert _register(engine, rows) == [("A001", "created"), ("A002", "created")]
    assert _national(engine) == (3, 2)

    with session_scope(engine) as s:
        resp = s.scalar(select(Response).where(Response.agency_id == "A001"))
        _, services = intake.current_answers(s, resp.id)
        mine = [services[0], ServiceInput(code="S-2", name="ขอข้อมูลสถิติ", digital_level=2)]
        assert intake.save_draft(s, resp.id, resp.version, full_answers(), mine, "somchai", "web").ok
        assert resp.inventory_source == "respondent"
        _, kept = intake.current_answers(s, resp.id)
        assert [(x.code, x.digital_level, x.register_status) for x in kept] == [("S-1", 4, "E-SERVICE"),
                                                                               ("S-2", 2, "OFFLINE")]
    assert _national(engine) == (1, 1)

    assert _register(engine, rows) == [("A001", "kept"), ("A002", "unchanged")]
    with session_scope(engine) as s:
        resp = s.scalar(select(Response).where(Response.agency_id == "A001"))
        _, kept = intake.current_answers(s, resp.id)
        assert [x.digital_level for x in kept] == [4, 2]
        assert submission.submit(s, resp.id, resp.version, "somchai", "web", dt.date(2025, 7, 1)).ok
    assert _national(engine) == (3, 2)

    with session_scope(engine) as s:
        resp = s.scalar(select(Response).where(Response.agency_id == "A002"))
        assert intake.save_draft(s, resp.id, resp.version, full_answers(), None, "somsri", "web").ok
        assert submission.submit(s, resp.id, resp.version, "somsri", "web", dt.date(2025, 7, 1)).ok
        assert resp.inventory_source == "register"  # submitted as the register wrote it
    assert _register(engine, rows.replace("S-3,ขอรับเงิน,E-SERVICE", "S-3,ขอรับเงิน,OFFLINE")) == [
        ("A001", "kept"), ("A002", "kept")]
    assert _national(engine) == (3, 2)


def test_the_example_mappings_read_this_register(empty: Engine, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """docs/examples/register-mapping.yaml says what tests/registers.py's MAPPING says (and a little more)."""
    from tests.conftest import ROOT
    from usecases.register_mapping import load_mapping, parse_mapping

    example = load_mapping(ROOT / "docs" / "examples" / "register-mapping.yaml")
    ours = parse_mapping(R.MAPPING)
    assert (example.columns, example.statuses, example.not_applicable, example.sheet) == (
        ours.columns, ours.statuses, ours.not_applicable, ours.sheet)
    assert set(ours.agency_types.items()) <= set(example.agency_types.items())
    register, _ = write(tmp_path)
    orgs = str(ROOT / "docs" / "examples" / "organisations-mapping.yaml")
    assert main(["import-organisations", register, "--mapping", orgs]) == 1  # M03 is not in the database yet
    assert "agencies: 0 created, 0 updated, 0 unchanged, 5 refused" in capsys.readouterr().out


def test_a_register_that_cannot_be_used_changes_nothing_and_exits_2(empty: Engine, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A column the mapping names but the sheet lacks, or a cycle that does not exist: exit 2, nothing stored."""
    columns = {**R.MAPPING["columns"], "volume": "ปริมาณต่อปี"}  # type: ignore[dict-item]
    register, mapping = write(tmp_path, {**R.MAPPING, "columns": columns})
    assert main(["import-services", register, "--mapping", mapping, "--cycle", str(CYCLE)]) == 2
    assert f"ERROR sheet “{R.SHEET}” row 1: no column “ปริมาณต่อปี” in the header row" in capsys.readouterr().out
    register, mapping = write(tmp_path)
    assert main(["import-services", register, "--mapping", mapping, "--cycle", "2570", "--create-organisations"]) == 2
    assert "there is no survey cycle 2027" in capsys.readouterr().out
    assert counts(empty) == (0, 0, 0, 0, 0, 0)
