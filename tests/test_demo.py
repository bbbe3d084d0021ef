"""The demo seed follows the published national figures and is labelled as demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from analytics.kpis import national_kpis
from data import repository
from data.models import Agency, AgencyType, Answer, Cycle, Response, ReviewComment, User
from survey import clock
from survey.catalogue import default_catalogue
from survey.workflow import COUNTED_STATUSES
from tests.conftest import sqlite_engine_at
from usecases import respond, review, sessions, sign_in
from usecases.access import Principal
from usecases.demo import DemoSpec, seed_demo
from usecases.demo_accounts import create_demo_accounts


def _ratio(session: Session, year: int) -> float:
    k = national_kpis(year, repository.frame(session, [year]), repository.responses(session, [year]),
                      repository.services(session, [year]))
    return float(k["online_service_ratio"])


def test_published_trajectory(demo_engine: Engine) -> None:
    """Plan p.13: 72.71 % of key services online in B.E. 2565, more than 10 points above 2564."""
    with Session(demo_engine) as s:
        r2565 = _ratio(s, 2565)
        r2564 = _ratio(s, 2564)
    assert abs(r2565 - 72.71) <= 0.005
    assert r2565 - r2564 > 10


def test_shape_of_the_demo(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        assert repository.is_demo(s)
        cycles = repository.cycles(s)
        assert cycles["year_be"].tolist() == [2564, 2565, 2566, 2567, 2568]
        assert (cycles["year_be"] - cycles["year_ce"]).eq(543).all()
        ag = repository.agencies(s)
        assert len(ag) == 320 and ag["is_demo"].all()
        assert ag["name_th"].str.contains("(สมมติ)", regex=False).all()
        assert ag["name_en"].str.startswith("Fictional").all()
        assert ag["ministry_id"].nunique() == 21
        resp = repository.responses(s)
        closes = cycles.set_index("year_be")["closes_on"]
        submitted = resp.dropna(subset=["submitted_at"])
        late = submitted[pd.to_datetime(submitted["submitted_at"]).dt.date.values
                         > submitted["cycle_year"].map(closes).values]
        assert 0 < len(late) < 0.1 * len(submitted)
        assert set(resp["status"]) >= {"draft", "submitted", "returned", "approved"}
        rate = resp[resp["status"].isin(COUNTED_STATUSES)].groupby("cycle_year").size() / 320
        assert rate.between(0.9, 0.99).all()
        answers = repository.answers(s)
        per_response = answers.groupby("response_id").size()
        entered = len(default_catalogue().entered_indicators())
        assert (per_response < entered).sum() > 0  # some answers are missing
        wide = answers.pivot_table(index="response_id", columns="indicator_id", values="value_num")
        broken = wide[wide["DAT.04"] > wide["DAT.03"]]
        assert 0 < len(broken) < 0.05 * len(wide)  # a few inconsistent submissions


def test_seed_is_deterministic_and_scales(any_engine: Engine) -> None:
    cat = default_catalogue()
    first = seed_demo(any_engine, cat, DemoSpec(agencies=340, provincial=5, seed=7, years=(2564, 2565)))
    with Session(any_engine) as s:
        r1 = _ratio(s, 2565)
        local = s.scalar(select(func.count()).select_from(Agency)
                         .where(Agency.agency_type == AgencyType.LOCAL_ADMINISTRATION))
        provincial = s.scalars(select(Agency).where(Agency.agency_type == AgencyType.PROVINCIAL_UNIT)).all()
    assert first["agencies"] == 345 and local == 20
    assert len(provincial) == 5 and all(a.province for a in provincial)
    again = seed_demo(any_engine, cat, DemoSpec(agencies=340, provincial=5, seed=7, years=(2564, 2565)))
    assert again == first
    with Session(any_engine) as s:
        assert _ratio(s, 2565) == r1
        assert abs(r1 - 72.71) <= 0.005
        assert s.scalar(select(func.count()).select_from(Cycle)) == 2
        assert s.scalar(select(func.count()).select_from(Response)) == first["responses"]
        assert s.scalar(select(func.count()).select_from(Answer)) == first["answers"]
        # New rows after seeding get fresh ids (on PostgreSQL the sequences moved past the seeded ids).
        taken = {r.agency_id for r in s.scalars(select(Response).where(Response.cycle_year == 2565))}
        free = next(a.id for a in s.scalars(select(Agency)) if a.id not in taken)
        s.add(Response(cycle_year=2565, agency_id=free, catalogue_version="2568.1"))
        s.commit()


def test_demo_accounts_sign_in_with_a_random_password(any_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One account per role, each with its own random password (issue 14: all five shared one printed password,
    the administrator's included), written only to a private file, one line per account."""
    from data.config import AccountPolicy
    from usecases.demo_accounts import create_demo_accounts, demo_password, write_credentials

    seed_demo(any_engine, default_catalogue(), DemoSpec(agencies=5, years=(2568,)))
    assert demo_password() != demo_password() and len(demo_password()) >= 12
    with Session(any_engine) as s:
        rows = create_demo_accounts(s)
        s.commit()
        passwords = [r.password for r in rows]
        assert len(rows) == 5 and all(passwords) and len(set(passwords)) == 5
        for row in rows:
            result = sign_in.sign_in(s, row.username, str(row.password), b"k" * 40, AccountPolicy())
            assert result.principal is not None, row.username
            assert row.role in {str(g.role) for g in result.principal.grants}
        admin_password = rows[0].password
        assert rows[0].username == "demo-admin"
        assert not sign_in.sign_in(s, "demo-respondent", str(admin_password), b"k" * 40, AccountPolicy()).ok
        s.commit()
    path = write_credentials(rows, tmp_path / "demo-accounts.txt")
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    for row in rows:
        assert f"{row.username}\t{row.role}\t{row.scope or '-'}\t{row.password}" in text


# ---------------------------------------------------------------------------------------------
# The live demo (issue 15: a fresh demo was two years old and closed, so nobody had anything to do)

LIVE_DAY = dt.date(2026, 12, 6)  # fiscal year B.E. 2570 (1 Oct 2026 - 30 Sep 2027)


@pytest.fixture(scope="module")
def live_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = sqlite_engine_at(tmp_path_factory.mktemp("live") / "live.sqlite3")
    seed_demo(engine, default_catalogue(), DemoSpec.live(LIVE_DAY, agencies=80))
    with Session(engine) as s:
        create_demo_accounts(s)
        s.commit()
    yield engine
    engine.dispose()


def _principal(session: Session, username: str) -> Principal:
    principal = sessions.load_principal(session, session.scalars(select(User.id).where(User.username == username)).one())
    assert principal is not None
    return principal


def test_live_demo_opens_the_current_fiscal_year(live_engine: Engine) -> None:
    """Seeded on 6 Dec 2026 (fiscal year 2570), the cycles of 2564-2569 are closed in their own fiscal years and
    2570 is open from 30 days before to 60 days after that day; the published 2565 figure still reproduces."""
    with Session(live_engine) as s:
        cycles = repository.cycles(s).set_index("year_be")
        assert repository.is_demo(s)
        assert cycles.index.tolist() == [2564, 2565, 2566, 2567, 2568, 2569, 2570]
        assert cycles["status"].to_dict() == {**{y: "closed" for y in range(2564, 2570)}, 2570: "open"}
        assert (cycles.loc[2570, "opens_on"], cycles.loc[2570, "closes_on"]) == (dt.date(2026, 11, 6),
                                                                                dt.date(2027, 2, 4))
        for year, row in cycles.iterrows():
            first, last = clock.fiscal_year_bounds(int(year))
            assert first - dt.timedelta(days=30) <= row["opens_on"] < row["closes_on"] <= last, year
        assert abs(_ratio(s, 2565) - 72.71) <= 0.005
        assert _ratio(s, 2565) - _ratio(s, 2564) > 10


def test_live_demo_has_agencies_in_every_state(live_engine: Engine) -> None:
    """The open cycle holds not started, draft, submitted, returned (with the coordinator's comments) and approved
    responses; submissions fall between the opening and the seeding day."""
    with Session(live_engine) as s:
        frame = repository.frame(s, [2570])
        responses = repository.responses(s, [2570])
        states = set(responses["status"]) | ({"not_started"} if len(responses) < len(frame) else set())
        assert states == {"not_started", "draft", "submitted", "returned", "approved"}
        submitted = pd.to_datetime(responses["submitted_at"].dropna(), utc=True).dt.date
        assert submitted.between(dt.date(2026, 11, 6), LIVE_DAY).all() and len(submitted) > 0
        returned = responses.loc[responses["status"] == "returned", "response_id"].tolist()
        comments = s.execute(select(ReviewComment.response_id, ReviewComment.indicator_id, ReviewComment.actor)
                             .where(ReviewComment.response_id.in_(returned))).all()
        assert {r for r, _, _ in comments} == set(returned)
        assert {(i, a) for _, i, a in comments} == {(None, "demo-coordinator"), ("DAT.04", "demo-coordinator")}


def test_every_demo_account_has_something_to_do(live_engine: Engine) -> None:
    """demo-respondent's agency has an open draft in 2570; demo-coordinator has submitted responses to review there."""
    with Session(live_engine) as s:
        respondent = _principal(s, "demo-respondent")
        assert respondent.agency_scope() == {"D0001"}
        agency = "D0001"
        choices = respond.my_cycles(s, respondent, agency, today=LIVE_DAY)
        assert choices[0].year == 2570 and choices[0].cycle_status == "open"
        assert choices[0].response_status == "draft" and choices[0].accepts_changes
        coordinator = _principal(s, "demo-coordinator")
        listing = review.review_list(s, coordinator, 2570)
        assert (listing["status"] == "submitted").sum() >= 2
        assert {"returned", "approved", "not_started"} <= set(listing["status"])


def test_live_demo_refuses_days_it_cannot_make() -> None:
    assert DemoSpec.live(dt.date(2027, 10, 1)).years[-1] == 2571  # 1 October starts fiscal year 2571
    assert DemoSpec.live(dt.date(2027, 9, 30)).open_year() == 2570
    assert DemoSpec().open_year() is None  # without a day, every cycle is closed
    with pytest.raises(ValueError, match="after fiscal year 2565"):
        DemoSpec.live(dt.date(2022, 5, 1))
    with pytest.raises(ValueError, match="after fiscal year 2570"):
        DemoSpec(years=(2570, 2571), today=LIVE_DAY).open_year()


def test_seed_command_makes_the_demo_of_the_day(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m data seed --demo` seeds the live demo of today (here a fixed --today, and clock.today())."""
    from data.__main__ import main

    monkeypatch.setattr("data.__main__.make_engine", lambda: sqlite_engine)
    assert main(["seed", "--demo", "--agencies", "12", "--no-accounts", "--today", "2027-03-05"]) == 0
    with Session(sqlite_engine) as s:
        cycles = repository.cycles(s).set_index("year_be")
        assert cycles.loc[2570, "status"] == "open" and cycles.loc[2570, "opens_on"] == dt.date(2027, 2, 3)
    monkeypatch.setattr("survey.clock.today", lambda: dt.date(2027, 10, 2))
    assert main(["seed", "--demo", "--agencies", "12", "--no-accounts"]) == 0
    with Session(sqlite_engine) as s:
        cycles = repository.cycles(s).set_index("year_be")
        assert cycles.loc[2571, "status"] == "open" and cycles.loc[2570, "status"] == "closed"
    assert '"cycles": 8' in capsys.readouterr().out


def test_demo_service_names_are_thai_and_marked_fictional(live_engine: Engine) -> None:
    """Real registers name services in Thai; the demo's are Thai too, marked "(สมมติ)" as its agencies are."""
    with Session(live_engine) as s:
        names = repository.services(s)["name"]
    assert len(names) > 1000
    assert names.str.endswith(" (สมมติ)").all()
    assert names.str.contains(r"[\u0e00-\u0e7f]").all() and not names.str.contains(r"[A-Za-z]").any()
    assert {"การขออนุญาต รายการที่ 1 (สมมติ)", "การจดทะเบียน รายการที่ 2 (สมมติ)"} <= set(names)
