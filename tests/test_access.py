"""Row-level access: every role's pages and rights, and no way from agency A's principal to agency B's data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Agency, AuditEntry, Response, User
from survey.workflow import Status
from usecases import access
from usecases.access import AccessDenied, Grant, Principal, Role

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class World:
    a: str
    a2: str
    b: str
    ministry_a: str
    response_a: int
    response_a2: int
    response_b: int
    principals: dict[str, Principal]


@pytest.fixture
def world(session: Session, make_ministry: Callable, make_agency: Callable, make_response: Callable,
          make_user: Callable[..., User], principal_of: Callable[[User], Principal]) -> World:
    """Two ministries; A and A2 in the first, B in the second; one response each; one user per role."""
    ma, mb = make_ministry(), make_ministry()
    a, a2, b = make_agency(ministry_id=ma.id), make_agency(ministry_id=ma.id), make_agency(ministry_id=mb.id)
    ra, ra2, rb = make_response(a.id), make_response(a2.id), make_response(b.id)
    users = {
        "respondent": make_user([("respondent", a.id)]),
        "respondent_b": make_user([("respondent", b.id)]),
        "coordinator": make_user([("coordinator", ma.id)]),
        "planner": make_user([("planner", None)]),
        "executive": make_user([("executive", None)]),
        "administrator": make_user([("administrator", None)]),
        "nobody": make_user([]),
    }
    return World(a.id, a2.id, b.id, ma.id, ra.id, ra2.id, rb.id, {k: principal_of(u) for k, u in users.items()})


@pytest.mark.parametrize(("role", "pages"), [
    ("respondent", ["overview", "agency", "methodology", "account", "my_response", "history"]),
    ("coordinator", ["overview", "ministries", "agency", "gaps", "adoption", "quality", "methodology", "account",
                     "review", "tracking", "history", "follow_up"]),
    ("planner", ["overview", "ministries", "agency", "gaps", "adoption", "quality", "methodology", "account",
                 "tracking", "history", "instrument", "targets", "follow_up"]),
    ("executive", ["overview", "ministries", "gaps", "adoption", "methodology", "account"]),
    ("administrator", ["overview", "methodology", "account", "tracking", "history", "users", "audit", "cycles",
                       "organisations", "register", "instrument", "targets", "follow_up"]),
    ("nobody", []),
])
def test_pages_each_role_may_open(world: World, role: str, pages: list[str]) -> None:
    principal = world.principals[role]
    assert access.allowed_pages(principal) == pages
    for page in set(access.PAGE_ROLES) - set(pages):
        with pytest.raises(AccessDenied):
            access.require_page(principal, page)


def test_several_roles_add_up() -> None:
    both = Principal(1, "x", grants=frozenset({Grant(Role.RESPONDENT, agency_id="A"), Grant(Role.ADMINISTRATOR)}))
    assert set(access.allowed_pages(both)) == {"overview", "agency", "methodology", "account", "my_response", "tracking",
                                               "history", "users", "audit", "cycles", "organisations", "register",
                                               "instrument", "targets", "follow_up"}


def test_unknown_page_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="unknown page"):
        access.can_open(world.principals["planner"], "no_such_page")


@pytest.mark.parametrize(("role", "readable"), [
    ("respondent", {"a"}), ("coordinator", {"a", "a2"}), ("planner", {"a", "a2", "b"}),
    ("executive", set()), ("administrator", set()), ("nobody", set()),
])
def test_readable_agencies_per_role(session: Session, world: World, role: str, readable: set[str]) -> None:
    expected = {getattr(world, name) for name in readable}
    assert access.readable_agency_ids(session, world.principals[role]) == expected
    assert set(access.authorised_responses(session, world.principals[role])["agency_id"]) == expected


def test_respondent_of_a_cannot_touch_b_through_any_function(session: Session, world: World) -> None:
    """Call the data functions directly, as a page that forgot its own check would."""
    me = world.principals["respondent"]
    attempts: list[Callable[[], object]] = [
        lambda: access.require_read_agency(session, me, world.b),
        lambda: access.require_read_response(session, me, world.response_b),
        lambda: access.require_write_response(session, me, world.response_b),
        lambda: access.require_review_response(session, me, world.response_b),
        lambda: access.response_answers(session, me, world.response_b),
        lambda: access.write_answer(session, me, world.response_b, "DAT.02", value_num=1.0),
        lambda: access.require_export(session, me, "answers", [world.b]),
        lambda: access.require_export(session, me, "answers", [world.a, world.b]),
        lambda: access.audit_trail(session, me, world.b),
        lambda: access.access_log(session, me),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    assert world.b not in set(access.authorised_answers(session, me)["agency_id"])
    assert world.b not in set(access.authorised_services(session, me)["agency_id"])
    assert session.scalars(select(AuditEntry).where(AuditEntry.agency_id == world.b)).all() == []


def test_respondent_reads_and_writes_own_agency(session: Session, world: World) -> None:
    me = world.principals["respondent"]
    access.write_answer(session, me, world.response_a, "DAT.02", value_num=3.0, evidence="https://example.go.th")
    answers = access.response_answers(session, me, world.response_a)
    assert answers[["indicator_id", "value_num"]].values.tolist() == [["DAT.02", 3.0]]
    trail = access.audit_trail(session, me, world.a)
    assert set(trail["field"]) == {"DAT.02", "DAT.02#evidence"}  # audited as the form audits a save
    assert set(trail["actor"]) == {me.username}


def test_submitted_response_cannot_be_changed(session: Session, world: World) -> None:
    session.get(Response, world.response_a).status = Status.SUBMITTED  # type: ignore[union-attr]
    with pytest.raises(AccessDenied) as caught:
        access.write_answer(session, world.principals["respondent"], world.response_a, "DAT.02", value_num=1.0)
    assert caught.value.key == "response_not_editable"


def test_coordinator_reviews_own_ministry_only_and_never_writes(session: Session, world: World) -> None:
    me = world.principals["coordinator"]
    assert access.require_review_response(session, me, world.response_a2).agency_id == world.a2
    with pytest.raises(AccessDenied):
        access.require_review_response(session, me, world.response_b)
    with pytest.raises(AccessDenied):
        access.require_write_response(session, me, world.response_a)
    assert access.audit_trail(session, me, world.a).empty
    with pytest.raises(AccessDenied):
        access.audit_trail(session, me, world.b)


def test_planner_reads_everything_but_changes_nothing(session: Session, world: World) -> None:
    me = world.principals["planner"]
    assert access.require_read_response(session, me, world.response_b).agency_id == world.b
    with pytest.raises(AccessDenied):
        access.write_answer(session, me, world.response_b, "DAT.02", value_num=1.0)
    access.require_export(session, me, "answers", [world.a, world.b])
    access.require_export(session, me, "national_figures")


def test_executive_exports_summaries_only(session: Session, world: World) -> None:
    me = world.principals["executive"]
    access.require_export(session, me, "national_figures")
    with pytest.raises(AccessDenied) as caught:
        access.require_export(session, me, "answers", [world.a])
    assert caught.value.key == "export_denied"
    with pytest.raises(AccessDenied):
        access.require_read_response(session, me, world.response_a)


def test_summary_export_needs_planner_or_executive(session: Session, world: World) -> None:
    for role in ("respondent", "coordinator", "administrator"):
        with pytest.raises(AccessDenied):
            access.require_export(session, world.principals[role], "national_figures")


def test_exports_are_recorded(session: Session, world: World) -> None:
    access.require_export(session, world.principals["planner"], "national_figures")
    access.require_export(session, world.principals["respondent"], "my answers", [world.a])
    log = access.access_log(session, world.principals["administrator"], actions=["export"])
    assert len(log) == 2
    assert set(log["actor"]) == {world.principals["planner"].username, world.principals["respondent"].username}
    assert log["detail"].str.contains("national_figures").any()


def test_administrator_sees_every_audit_trail_and_the_access_log(session: Session, world: World) -> None:
    access.write_answer(session, world.principals["respondent_b"], world.response_b, "INT.01", value_text="yes")
    admin = world.principals["administrator"]
    assert len(access.audit_trail(session, admin, world.b)) == 1
    assert access.access_log(session, admin).empty
    with pytest.raises(AccessDenied):
        access.require_read_response(session, admin, world.response_b)


def test_unknown_response_is_denied_like_a_forbidden_one(session: Session, world: World) -> None:
    with pytest.raises(AccessDenied) as caught:
        access.require_read_response(session, world.principals["planner"], 999_999)
    assert caught.value.key == "access_denied"


def test_access_denied_speaks_thai_and_english() -> None:
    error = AccessDenied()
    assert error.message("th") == "ท่านไม่มีสิทธิ์เข้าถึงข้อมูลนี้"
    assert error.message("en") == "You have no access to this."
    assert "ท่านไม่มีสิทธิ์" in str(error) and "no access" in str(error)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picked=st.sets(st.sampled_from(["a", "a2", "b"])), coordinates=st.booleans())
def test_rows_returned_never_exceed_the_grants(session: Session, world: World, picked: set[str],
                                               coordinates: bool) -> None:
    """Whatever respondent grants a principal holds, reads return exactly those agencies (plus the coordinated ministry)."""
    grants = {Grant(Role.RESPONDENT, agency_id=getattr(world, name)) for name in picked}
    if coordinates:
        grants.add(Grant(Role.COORDINATOR, ministry_id=world.ministry_a))
    principal = Principal(999, "prop", grants=frozenset(grants))
    expected = {getattr(world, name) for name in picked} | ({world.a, world.a2} if coordinates else set())
    assert set(access.authorised_responses(session, principal)["agency_id"]) == expected
    for agency_id in {world.a, world.a2, world.b} - expected:
        with pytest.raises(AccessDenied):
            access.require_read_agency(session, principal, agency_id)


def test_pages_read_agency_data_only_through_access() -> None:
    """A page may not call the unscoped repository readers of agency-level rows."""
    unscoped = re.compile(r"repository\.(responses|answers|services)\b|from data\.repository import")
    offenders = [p.name for p in (ROOT / "pages").glob("*.py") if unscoped.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_data_survey_analytics_never_import_streamlit() -> None:
    offenders = [str(p.relative_to(ROOT)) for folder in ("data", "survey", "analytics", "usecases")
                 for p in (ROOT / folder).rglob("*.py") if re.search(r"^\s*(import|from) streamlit", p.read_text(
                     encoding="utf-8"), re.M)]
    assert offenders == []


def test_agency_factory_is_wired(session: Session, world: World) -> None:
    assert session.get(Agency, world.a).ministry_id == world.ministry_a  # type: ignore[union-attr]


def test_every_access_message_exists_in_thai_and_english() -> None:
    """Keys raised as AccountError/AccessDenied or returned as sign-in problems, and audit action labels."""
    from data.audit import AccessAction
    from survey.i18n import TEXTS
    source = "\n".join((ROOT / "usecases" / name).read_text(encoding="utf-8") for name in ("accounts.py", "access.py"))
    keys = set(re.findall(r'(?:AccountError|AccessDenied)\("(\w+)"', source))
    keys |= set(re.findall(r'problem="(\w+)"', source))
    keys |= {f"action_{a}" for a in AccessAction} | {f"role_{r}" for r in Role}
    assert len(keys) > 30
    missing = sorted(k for k in keys if k not in TEXTS or not all(TEXTS[k]))
    assert missing == []
