"""The administration pages through AppTest: each opens for its roles in both languages and is refused to others."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.db import make_engine, session_scope
from survey.catalogue import default_catalogue
from survey.i18n import t
from tests.conftest import ROOT, add_user, signed_in_app
from usecases.access import PAGE_ROLES, Role
from usecases.cycles import deadline_for, frame_ids
from usecases.jobs import create_job, db_progress, run_job

PAGES = {"cycles": "pages/cycles.py", "organisations": "pages/organisations.py", "instrument": "pages/instrument.py",
         "targets": "pages/targets.py", "follow_up": "pages/follow_up.py", "register": "pages/register.py"}
TITLES = {"cycles": ("รอบสำรวจ", "Survey cycles"), "organisations": ("หน่วยงาน", "Organisations"),
          "register": ("นำเข้าทะเบียนบริการภาครัฐ", "Import the national services register"),
          "instrument": ("ฉบับของแบบสำรวจ", "Instrument versions"), "targets": ("เป้าหมายตามแผน", "Plan targets"),
          "follow_up": ("ติดตามหน่วยงานที่ยังไม่ส่ง", "Follow-up of late agencies")}
SCOPE = {Role.COORDINATOR: "MOF", Role.RESPONDENT: "D0001"}


def _open(db: Path, page: str, role: Role, lang: str) -> AppTest:
    at = signed_in_app(db, [(role.value, SCOPE.get(role))], lang).run()
    assert not at.exception
    return at.switch_page(PAGES[page]).run()


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("page", "role"), [(p, r) for p in PAGES for r in sorted(PAGE_ROLES[p])])
def test_page_opens_for_its_roles(app_on_demo: Path, page: str, role: Role, lang: str) -> None:
    at = _open(app_on_demo, page, role, lang)
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[page][0 if lang == "th" else 1]
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_refused_to_other_roles(app_on_demo: Path, page: str) -> None:
    """Other roles do not get the page in their navigation, and running its file directly refuses them."""
    for role in sorted(set(Role) - PAGE_ROLES[page]):
        token = add_user(app_on_demo, f"refused_{page}_{role.value}", [(role.value, SCOPE.get(role))])
        principal_pages = [k for k, roles in PAGE_ROLES.items() if role in roles]
        assert page not in principal_pages
        direct = AppTest.from_file(str(ROOT / PAGES[page]), default_timeout=30)
        direct.session_state["_auth_token"] = token
        direct.query_params["lang"] = "en"
        direct.run()
        assert [e.value for e in direct.error] == ["You have no access to this."], role
        assert not direct.title


def _db(path: Path) -> Engine:
    return make_engine(f"sqlite:///{path}")


def test_cycles_page_opens_a_cycle_from_last_years_frame_and_extends_one_agency(
        app_on_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On 6 Dec 2026 the page proposes fiscal year 2570 (2027 to English readers; it proposed "last cycle + 1",
    2569, before issue 15), opening that day for 90 days, and says what it opened."""
    monkeypatch.setattr("survey.clock.today", lambda: dt.date(2026, 12, 6))
    at = _open(app_on_demo, "cycles", Role.ADMINISTRATOR, "en")
    assert [w.value for w in at.warning] == ["No survey cycle is open now, so agencies cannot respond. Open the cycle "
                                             "of fiscal year 2027 on the Survey cycles page."]
    assert at.number_input(key="open_year").value == 2027
    assert at.date_input(key="open_opens").value == dt.date(2026, 12, 6)
    assert at.selectbox(key="open_source").value == 2568
    at.multiselect(key="open_remove").set_value(["D0001"])
    at.button(key="open_submit").click().run()
    assert not at.exception and [s.value for s in at.success] == [
        "Cycle 2027 opened: it accepts responses 6 Dec 2026 – 6 Mar 2027."]
    assert not at.warning  # a cycle is open now
    engine = _db(app_on_demo)
    with session_scope(engine) as s:
        assert len(frame_ids(s, 2570)) == len(frame_ids(s, 2568)) - 1 and "D0001" not in frame_ids(s, 2570)
    at.selectbox(key="cycle_chosen").set_value(2570).run()
    at.date_input(key="dl_date").set_value(dt.date(2027, 12, 31))
    at.selectbox(key="dl_agency").set_value("D0002")
    at.button(key="dl_submit").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["The deadline of agency D0002 Fictional Department of Non-formal Education 1 "
                                             "in cycle 2027 is now 31 Dec 2027."]
    with session_scope(engine) as s:
        assert deadline_for(s, 2570, "D0002") == dt.date(2027, 12, 31)
    engine.dispose()


def test_the_administrators_landing_page_says_when_no_cycle_is_open(
        app_on_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The closed demo (B.E. 2564-2568) on 6 Dec 2026: the administrator lands on a page that says no cycle is open and
    which to open; a planner landing on the same page is not told."""
    monkeypatch.setattr("survey.clock.today", lambda: dt.date(2026, 12, 6))
    admin = signed_in_app(app_on_demo, [(Role.ADMINISTRATOR.value, None)], "th").run()
    assert admin.warning[0].value == ("ขณะนี้ไม่มีรอบสำรวจที่เปิดรับ หน่วยงานจึงยังตอบแบบสำรวจไม่ได้ "
                                                   "เปิดรอบสำรวจปีงบประมาณ 2570 ได้ที่หน้ารอบสำรวจ")  # then the demo label
    planner = signed_in_app(app_on_demo, [(Role.PLANNER.value, None)], "th").run()
    assert not any("ไม่มีรอบสำรวจที่เปิดรับ" in w.value for w in planner.warning)


def test_cycles_page_in_thai_shows_buddhist_era_dates_and_refuses_dates_outside_the_fiscal_year(
        app_on_demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thai readers see B.E. dates with Thai month names in the table and beside the date fields; a closing date more
    than three months after the fiscal year is refused with a message naming it, and nothing is opened."""
    monkeypatch.setattr("survey.clock.today", lambda: dt.date(2026, 12, 6))
    at = _open(app_on_demo, "cycles", Role.ADMINISTRATOR, "th")
    table = at.dataframe[0].value
    assert table.iloc[0].tolist()[:3] == ["2568", "1 มิ.ย. 2568", "31 ส.ค. 2568"]
    assert "ปีงบประมาณ 2570: 1 ต.ค. 2569 – 30 ก.ย. 2570" in [c.value for c in at.caption]
    assert "รับคำตอบแบบสำรวจ 6 ธ.ค. 2569 – 6 มี.ค. 2570" in [c.value for c in at.caption]
    at.date_input(key="open_closes").set_value(dt.date(2028, 3, 1))
    at.button(key="open_submit").click().run()
    assert [e.value for e in at.error] == [
        "วันปิดรับ 1 มี.ค. 2571 ไม่อยู่ในช่วงของปีงบประมาณ 2570 (1 ต.ค. 2569 – 30 ก.ย. 2570): รอบสำรวจปิดรับได้ตั้งแต่วันที่"
        "ปีงบประมาณเริ่ม จนถึงไม่เกิน 3 เดือนหลังปีงบประมาณสิ้นสุด"]
    engine = _db(app_on_demo)
    with session_scope(engine) as s:
        assert frame_ids(s, 2570) == []
    engine.dispose()


def test_targets_page_saves_an_edit_and_refuses_a_sourced_goal_without_source(app_on_demo: Path) -> None:
    at = _open(app_on_demo, "targets", Role.PLANNER, "th")
    assert at.selectbox(key="target_chosen").value == "T.ONLINE_RATIO"
    at.number_input(key="tg_gv_T.ONLINE_RATIO").set_value(90.0)
    at.button(key="tg_submit").click().run()
    assert not at.exception and not at.error and at.success
    targets, history = at.dataframe[0].value, at.dataframe[1].value
    assert targets.iloc[0].tolist()[:2] == ["T.ONLINE_RATIO", "KPI.ONLINE_RATIO"] and targets.iloc[0, 7] == 90.0
    assert history.iloc[0].tolist()[1:] == ["T.ONLINE_RATIO", history.iloc[0, 2], "ค่าเป้าหมาย", "95.0", "90.0"]  # the field in words
    assert history.iloc[0, 0].endswith(" น.")  # the moment in Thai time
    at.radio(key="tg_basis_T.ONLINE_RATIO").set_value("sourced")
    at.button(key="tg_submit").click().run()
    assert [e.value for e in at.error] == ["เป้าหมายที่มีแหล่งอ้างอิงต้องระบุแหล่งที่มา มิฉะนั้นให้คงเป็นสมมติฐาน"]


def test_instrument_page_lists_the_users_jobs_with_their_progress(app_on_demo: Path) -> None:
    """A job started earlier (here: finished, and one still running) is found on the page with its progress bar."""
    engine = _db(app_on_demo)
    run_job(engine, "recompute", "somsri", lambda progress: {"cycles": 5}, background=False)
    running = create_job(engine, "uncertainty", "somsri")
    db_progress(engine, running)(1, 4, "cycle 2568")
    engine.dispose()
    at = signed_in_app(app_on_demo, [("planner", None)], "en", username="somsri").run()
    at = at.switch_page(PAGES["instrument"]).run()
    assert not at.exception
    bars = [(p.proto.value, p.proto.text) for p in at.get("progress")]
    assert bars == [(25, f"#{running} Uncertainty analysis: running (1/4) cycle 2568"),
                    (100, f"#{running - 1} Recompute all cycles: finished (0/0)")]


def test_register_page_checks_then_applies_the_same_summary(app_on_demo: Path) -> None:
    """The synthetic register (tests/registers.py) on the demo database: the check stores nothing, Apply stores
    what the check showed (3 ministries, 5 agencies created; 5 inventories of 4 + 4 + 3 + 2 + 2 services)."""
    import yaml
    from sqlalchemy import func, select

    from data.models import Agency, Service
    from tests import registers as R

    engine = _db(app_on_demo)
    with session_scope(engine) as s:
        before = (s.scalar(select(func.count()).select_from(Agency)), s.scalar(select(func.count()).select_from(Service)))
    at = _open(app_on_demo, "register", Role.ADMINISTRATOR, "en")
    at.selectbox(key="register_cycle").set_value(2568)
    at.file_uploader(key="register_file").set_value(("register.xlsx", R.workbook(), "application/octet-stream"))
    mapping = yaml.safe_dump(R.MAPPING, allow_unicode=True).encode("utf-8")
    at.file_uploader(key="register_mapping").set_value(("mapping.yaml", mapping, "application/x-yaml")).run()
    at.checkbox(key="register_create").check().run()
    at.button(key="register_check").click().run()
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == ["Check only: nothing was saved yet."]
    checked = [d.value for d in at.dataframe]
    assert checked[1]["Outcome"].tolist() == ["inventory created"] * 5
    assert checked[1]["Services"].tolist() == [4, 4, 3, 2, 2]
    with session_scope(engine) as s:
        assert (s.scalar(select(func.count()).select_from(Agency)),
                s.scalar(select(func.count()).select_from(Service))) == before
    at.button(key="register_apply").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Saved."]
    applied = [d.value for d in at.dataframe]
    assert applied[-2]["Outcome"].tolist() == ["inventory created"] * 5
    with session_scope(engine) as s:
        assert (s.scalar(select(func.count()).select_from(Agency)),
                s.scalar(select(func.count()).select_from(Service))) == (before[0] + 5, before[1] + 15)
    engine.dispose()


def _audit_entries(db: Path) -> None:
    """Changes to agency D0001 through the web, a workbook and the command line, and an administrator's sign-ins."""
    from data.audit import record

    engine = _db(db)
    with session_scope(engine) as s:
        record(s, "somchai", "excel", "answer", agency_id="D0001", cycle_year=2568, field="PLT.01", old_value=None,
               new_value='["GDX"]', detail='{"version": 2}')
        record(s, "reviewer", "web", "returned", agency_id="D0001", cycle_year=2568, field="status",
               old_value="submitted", new_value="returned", detail='{"version": 3}')
        record(s, "admin", "cli", "deadline_extend", agency_id="D0001", cycle_year=2568, old_value="2025-03-05",
               new_value="2025-03-20", detail="one agency")
        record(s, "kanya", "web", "sign_in_failed", detail="account locked")
        record(s, "kanya", "web", "sign_in", detail="password")
    engine.dispose()


@pytest.mark.parametrize(("lang", "rows"), [
    ("th", [["admin", "คำสั่งของผู้ดูแลระบบ", "ขยายกำหนดส่ง", "2568", "–", "5 มี.ค. 2568", "20 มี.ค. 2568"],
            ["reviewer", "เว็บไซต์", "ส่งกลับให้แก้ไข", "2568", "สถานะ", "ส่งแล้ว", "ส่งกลับให้แก้ไข"],
            ["somchai", "ไฟล์ Excel", "แก้ไขคำตอบ", "2568", "PLT.01", "–", "ศูนย์แลกเปลี่ยนข้อมูลกลางภาครัฐ (GDX)"]]),
    ("en", [["admin", "Command line", "Deadline extended", "2025", "–", "5 Mar 2025", "20 Mar 2025"],
            ["reviewer", "Website", "Returned", "2025", "Status", "Submitted", "Returned"],
            ["somchai", "Excel file", "Answer changed", "2025", "PLT.01", "–", "Government Data Exchange (GDX)"]]),
])
def test_history_page_shows_actions_channels_and_answers_in_words(app_on_demo: Path, lang: str,
                                                                   rows: list[list[str]]) -> None:
    """Issue 15: History showed `excel`, `cli`, `returned`, `["GDX"]` and B.E. years to English readers."""
    _audit_entries(app_on_demo)
    at = signed_in_app(app_on_demo, [("administrator", None)], lang).run()
    at = at.switch_page("pages/history.py").run()
    at.selectbox(key="history_agency").set_value("D0001").run()
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    top = [r[1:8] for r in shown.head(3).values.tolist()]  # newest first; the question is its id and wording
    assert [[*r[:4], r[4].partition(" ")[0], *r[5:]] for r in top] == rows
    assert top[2][4] == f"PLT.01 {default_catalogue().indicator('PLT.01').question.get(lang)}"
    assert shown.iloc[0, 0].endswith(" น.") if lang == "th" else shown.iloc[0, 0].endswith("(Thai time)")


@pytest.mark.parametrize(("lang", "words"), [
    ("th", {("เว็บไซต์", "เข้าสู่ระบบ", "ด้วยรหัสผ่าน"), ("เว็บไซต์", "เข้าสู่ระบบไม่สำเร็จ", "บัญชีถูกระงับชั่วคราว")}),
    ("en", {("Website", "Signed in", "With a password"), ("Website", "Failed sign-in", "Account locked")}),
])
def test_access_log_page_shows_channels_actions_and_details_in_words(app_on_demo: Path, lang: str,
                                                                      words: set[tuple[str, str, str]]) -> None:
    _audit_entries(app_on_demo)
    at = signed_in_app(app_on_demo, [("administrator", None)], lang).run()
    at = at.switch_page("pages/access_log.py").run()
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    kanya = shown[shown.iloc[:, 1] == "kanya"]
    assert set(zip(kanya.iloc[:, 2], kanya.iloc[:, 3], kanya.iloc[:, 5], strict=True)) == words
    assert kanya.iloc[:, 4].tolist() == ["–", "–"]  # no agency: a dash, not "None"


def test_targets_page_in_english_shows_the_basis_as_a_label_and_milestones_in_ce(app_on_demo: Path) -> None:
    """Issue 15: the basis read "assumption" and the milestones "2566: 97" to English readers."""
    at = _open(app_on_demo, "targets", Role.PLANNER, "en")
    targets = at.dataframe[0].value.set_index("Target id")
    assert set(targets["Basis"]) == {"Assumption (planner-editable)", "Sourced"}
    assert targets.loc["T.ONLINE_RATIO", "Basis"] == "Assumption (planner-editable)"
    assert targets["Milestones"].str.contains("2023: 97, 2024: 98, 2025: 98.5, 2026: 99").any()
    assert not targets["Milestones"].str.contains("25[6-7][0-9]:").any()
    assert at.radio(key="tg_basis_T.ONLINE_RATIO").options == ["Sourced", "Assumption (planner-editable)"]
def test_every_select_box_has_a_placeholder_in_the_readers_language() -> None:
    """Streamlit writes "Choose an option" / "Choose options" in English on Thai pages unless given a placeholder."""
    missing = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("selectbox", "multiselect")
                    and not any(k.arg == "placeholder" for k in node.keywords)):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_cycles_page_multiselects_speak_thai(app_on_demo: Path) -> None:
    at = _open(app_on_demo, "cycles", Role.ADMINISTRATOR, "th")
    assert at.multiselect(key="fr_add").proto.placeholder == t("choose_options", "th") == "เลือกได้หลายรายการ"
    assert at.multiselect(key="open_remove").proto.placeholder == "เลือกได้หลายรายการ"
    assert at.selectbox(key="cycle_chosen").proto.placeholder == t("choose_option", "th")


def test_an_empty_table_says_so_in_thai(app_on_empty: Path) -> None:
    at = _open(app_on_empty, "cycles", Role.ADMINISTRATOR, "th")
    assert not at.dataframe  # Streamlit would print "empty" inside an empty table
    assert t("no_rows", "th") in [i.value for i in at.info]
