"""Every dashboard page through AppTest: each role that may open it, both languages, demo and empty databases.

One demo database copy serves a whole module (the pages only read), so the suite stays fast;
roles that may not open a page are refused by the page itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.db import session_scope
from survey.i18n import fmt_date, t
from tests.conftest import APP_SECRET, ROOT, add_user, signed_in_app, sqlite_engine_at
from usecases.access import PAGE_ROLES, Grant, Principal, Role, allowed_pages
from usecases.views.agency import agency_view

DASHBOARD = ("overview", "ministries", "agency", "gaps", "adoption", "quality", "methodology")
SCOPES: dict[Role, str | None] = {Role.RESPONDENT: "D0001", Role.COORDINATOR: "MDES", Role.PLANNER: None,
                                  Role.EXECUTIVE: None, Role.ADMINISTRATOR: None}
CASES = [(page, role) for page in DASHBOARD for role in Role if role in PAGE_ROLES[page]]
TITLES = {"overview": "overview", "ministries": "ministries", "agency": "agency_profile", "gaps": "gaps",
          "adoption": "adoption", "quality": "data_quality", "methodology": "methodology"}
REFUSED = [(page, role) for page in DASHBOARD for role in Role if role not in PAGE_ROLES[page]]


@pytest.fixture(scope="module")
def shared_demo(demo_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("dash") / "demo.sqlite3"
    shutil.copy(demo_db_path, copy)
    return copy


@pytest.fixture
def on_shared_demo(shared_demo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{shared_demo}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)
    monkeypatch.delenv("READINESS_ADMIN_USERNAME", raising=False)
    return shared_demo


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_every_page_a_role_may_see_opens_on_demo(on_shared_demo: Path, role: Role, lang: str) -> None:
    at = signed_in_app(on_shared_demo, [(role.value, SCOPES[role])], lang)
    for page in (p for p, r in CASES if r == role):
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title[0].value == t(TITLES[page], lang)
        if page != "methodology":
            assert any(t("demo_banner", lang) in w.value for w in at.warning), page
            assert at.dataframe, page


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_page_opens_on_an_empty_database(app_on_empty: Path, lang: str) -> None:
    at = signed_in_app(app_on_empty, [("planner", None)], lang)
    for page in DASHBOARD:
        at.switch_page(str(ROOT / "pages" / f"{page}.py")).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, page
        assert not at.warning, page  # no demo banner on real, empty data
        assert at.info or page == "methodology", page


@pytest.mark.parametrize(("page", "role"), REFUSED)
def test_roles_that_may_not_see_a_page_are_refused(on_shared_demo: Path, page: str, role: Role) -> None:
    """The navigation does not offer the page (tests/test_access.py), and the page itself refuses when run by its address."""
    assert page not in allowed_pages(Principal(0, "x", grants=frozenset({Grant(role, SCOPES[role]
                                     if role == Role.RESPONDENT else None, SCOPES[role] if role == Role.COORDINATOR
                                     else None)})))
    direct = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    direct.session_state["_auth_token"] = add_user(on_shared_demo, f"x{page}{role.value}", [(role.value, SCOPES[role])])
    direct.run()
    assert not direct.exception
    assert [e.value for e in direct.error] == [t("access_denied", "th")]
    assert not direct.dataframe and not direct.metric


def _page(db: Path, page: str, roles: list[tuple[str, str | None]], **params: str) -> AppTest:
    at = signed_in_app(db, roles, "en")
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    return at.run()


def test_filters_come_from_the_address(on_shared_demo: Path) -> None:
    at = _page(on_shared_demo, "quality", [("planner", None)], cycle="2567", ministry="MDES", type="department")
    assert not at.exception
    assert at.selectbox(key="filter_cycle_en").value == "2567"  # the widget holds the address's text
    assert at.selectbox(key="filter_ministry_en").value == "MDES"
    tracking = at.dataframe[-1].value
    assert set(tracking["Ministry"]) == {"Ministry of Digital Economy and Society"}
    assert at.query_params["cycle"] == "2567" and at.query_params["type"] == "department"
    at.selectbox(key="filter_cycle_en").set_value("2566").run()
    assert at.query_params["cycle"] == "2566"


def test_a_coordinator_sees_their_ministry_only(on_shared_demo: Path) -> None:
    at = _page(on_shared_demo, "ministries", [("coordinator", "MDES")])
    table = at.dataframe[0].value
    assert table["Ministry"].tolist() == ["Ministry of Digital Economy and Society"]
    assert "-" in table["Rank interval (5-95%)"].iloc[0] or table["Rank interval (5-95%)"].iloc[0].isdigit()
    at = _page(on_shared_demo, "quality", [("coordinator", "MDES")])
    assert set(at.dataframe[-1].value["Ministry"]) == {"Ministry of Digital Economy and Society"}


def test_a_respondent_profiles_their_own_agency_only(on_shared_demo: Path) -> None:
    at = _page(on_shared_demo, "agency", [("respondent", "D0001")], agency="D0002")
    assert not at.exception
    assert at.selectbox[-1].options == ["D0001 Fictional Authority of Inland Fisheries 1"]
    assert at.query_params["agency"] == "D0001"


def test_a_slow_view_is_logged_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    """Views slower than SLOW_VIEW_SECONDS are logged with their name, arguments and data version, for diagnosis."""
    import logging

    from data import repository
    from data.db import session_scope
    from usecases import cache

    monkeypatch.setattr(cache, "SLOW_VIEW_SECONDS", -1.0)  # every view counts as slow
    engine = sqlite_engine_at(tmp_path / "slow.sqlite3")
    with session_scope(engine) as session:
        for _ in range(7):
            repository.bump_data_version(session)

    def view(session: object, year: int) -> int:
        return year + 1

    with caplog.at_level(logging.WARNING, logger="usecases.cache"):
        assert cache.view(engine, view, 2568) == 2569
    assert any("slow view tests.test_dashboard_pages.test_a_slow_view_is_logged_with_its_name.<locals>.view(2568,)"
               in r.getMessage() and "data version 7" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_agency_deadline_is_shown_whole_on_a_line_of_its_own(on_shared_demo: Path, lang: str) -> None:
    """A metric cut the date to "31 ส.ค. 2…" in a row of five: the deadline and the submission date are a text line."""
    engine = sqlite_engine_at(on_shared_demo)
    with session_scope(engine) as s:
        planner = Principal(1, "planner", grants=frozenset({Grant(Role.PLANNER)}))
        health = agency_view(s, planner, 2568, "D0001", None, None, lang).health
    engine.dispose()
    at = signed_in_app(on_shared_demo, [("planner", None)], lang)
    at.query_params["cycle"], at.query_params["agency"] = "2568", "D0001"
    at.switch_page(str(ROOT / "pages" / "agency.py")).run()
    assert not at.exception
    assert t("health_deadline", lang) not in [m.label for m in at.metric]
    line = (f"{t('health_deadline', lang)}: **{fmt_date(health['deadline'], lang)}** · "
            f"{t('health_submitted', lang)}: **{fmt_date(health['submitted_at'], lang)}**")
    assert line in [m.value for m in at.markdown]
    assert ("2568" if lang == "th" else "2025") in fmt_date(health["deadline"], lang)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_executive_gaps_page_opens_on_the_final_cycle_with_dimension_names(app_on_live_demo: Path,
                                                                                lang: str) -> None:
    """Live demo (2564-2569 closed, 2570 open): the executive's Gaps page opens on B.E. 2569, the latest final cycle,
    and the crosswalk chart names the dimensions in the reader's language, never their codes."""
    at = signed_in_app(app_on_live_demo, [("executive", None)], lang)
    at.switch_page(str(ROOT / "pages" / "gaps.py")).run()
    assert not at.exception
    assert at.selectbox(key=f"filter_cycle_{lang}").value == "2569"
    assert not any(t("provisional", lang) in w.value for w in at.warning)
    crosswalk = json.loads(at.get("plotly_chart")[-1].proto.spec)["data"][0]["x"]
    assert f"DGI {t('cw_digital_by_design', lang)}" in crosswalk
    assert f"GTMI {t('cw_PSDI', lang)}" in crosswalk
    assert not [x for x in crosswalk if "_" in x or x.split(" ", 1)[1] in ("digital_by_design", "data_driven", "PSDI")]
