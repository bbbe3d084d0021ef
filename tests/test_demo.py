"""The demo seed follows the published national figures and is labelled as demo."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from analytics.kpis import national_kpis
from data import repository
from data.models import Agency, AgencyType, Answer, Cycle, Response
from survey.catalogue import default_catalogue
from survey.workflow import COUNTED_STATUSES
from usecases import sign_in
from usecases.demo import DemoSpec, seed_demo


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
