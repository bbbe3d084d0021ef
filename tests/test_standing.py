"""Where each cycle stands (analytics/standing.py): which responses count, when a cycle's results are final,
the cycle the dashboard opens on, and the ministries' order by the index they show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from analytics.index import GroupSpec, IndexMethod, IndicatorSpec
from analytics.standing import FINAL_SHARE, cycle_standing, default_cycle
from analytics.uncertainty import group_uncertainty
from data.db import make_engine, session_scope
from survey.catalogue import default_catalogue
from tests.factories import full_answers, services
from usecases import intake, submission
from usecases.access import Grant, Principal, Role
from usecases.cycles import frame_ids, open_cycle
from usecases.views.common import CycleStanding, filter_options, provisional_text
from usecases.views.ministries import ministries_view

PLANNER = Principal(1, "planner", grants=frozenset({Grant(Role.PLANNER)}))


def _cycles(**status: str) -> pd.DataFrame:
    return pd.DataFrame({"year_be": [int(y) for y in status], "status": list(status.values())})


def _frame(year: int, n: int) -> pd.DataFrame:
    return pd.DataFrame({"cycle_year": year, "agency_id": [f"A{i:03d}" for i in range(n)]})


def _responses(year: int, statuses: list[str], source: str | None = None) -> pd.DataFrame:
    return pd.DataFrame({"cycle_year": year, "agency_id": [f"A{i:03d}" for i in range(len(statuses))],
                         "status": statuses, "inventory_source": source})


def test_counts_follow_one_rule() -> None:
    """Frame of 10: 2 approved, 1 locked, 3 submitted, 1 returned, 1 draft, 2 without a response; one more
    approved response from an agency outside the frame. Counted (submitted, approved, locked) = 6;
    approved (approved, locked) = 3; an agency outside the frame is in neither."""
    statuses = ["approved", "approved", "locked", "submitted", "submitted", "submitted", "returned", "draft"]
    resp = pd.concat([_responses(2569, statuses),
                      pd.DataFrame({"cycle_year": [2569], "agency_id": ["OUT"], "status": ["approved"],
                                    "inventory_source": [None]})])
    row = cycle_standing(_cycles(**{"2569": "open"}), _frame(2569, 10), resp).iloc[0]
    assert (row["expected"], row["counted"], row["approved"]) == (10, 6, 3)
    assert not row["closed"] and not row["final"]


def test_a_register_inventory_counts_without_submission() -> None:
    row = cycle_standing(_cycles(**{"2569": "open"}), _frame(2569, 4),
                         _responses(2569, ["draft", "draft"], source="register")).iloc[0]
    assert (row["counted"], row["approved"]) == (2, 0)


def test_final_when_closed_or_four_fifths_approved() -> None:
    """320 agencies: 256 approved is 80 % (final), 255 is not; a closed cycle is final whatever is approved."""
    assert FINAL_SHARE == 0.8
    frame = pd.concat([_frame(2568, 320), _frame(2569, 320), _frame(2570, 320)])
    resp = pd.concat([_responses(2568, ["submitted"] * 10),
                      _responses(2569, ["approved"] * 255 + ["submitted"] * 60),
                      _responses(2570, ["approved"] * 200 + ["locked"] * 56)])
    table = cycle_standing(_cycles(**{"2568": "closed", "2569": "open", "2570": "open"}), frame, resp)
    assert table.set_index("year")["final"].to_dict() == {2568: True, 2569: False, 2570: True}
    assert table.set_index("year")["approved"].to_dict() == {2568: 0, 2569: 255, 2570: 256}


def _standing(rows: list[tuple[int, bool, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "closed": f, "expected": 320, "counted": c, "approved": 0, "final": f}
                         for y, f, c in rows])


def test_default_cycle_is_the_latest_final_one_with_answers() -> None:
    # The current year was just opened and one agency answered: the closed year before it stays the default.
    assert default_cycle(_standing([(2567, True, 300), (2568, True, 310), (2569, False, 1)])) == 2568
    # A final cycle without a counted answer has nothing to show.
    assert default_cycle(_standing([(2567, True, 300), (2568, True, 0)])) == 2567
    # No final cycle yet (a first survey year): the latest with answers, shown as provisional.
    assert default_cycle(_standing([(2568, False, 5), (2569, False, 0)])) == 2568
    assert default_cycle(_standing([(2568, False, 0), (2569, False, 0)])) == 2569
    assert default_cycle(_standing([])) is None


def test_an_open_cycle_on_the_demo_is_provisional_with_n_of_m(app_on_demo: Path) -> None:
    """The demo's cycles B.E. 2564-2568 are closed. Opening B.E. 2569 (its frame copied from 2568) with one
    agency submitted and approved, and one submitted only: 1 of M approved, 2 counted, and the default
    stays B.E. 2568 (final)."""
    today = dt.date(2026, 1, 15)
    engine = make_engine(f"sqlite:///{app_on_demo}")  # a private copy: this test writes
    with session_scope(engine) as s:
        options = filter_options(s, "en")
        assert options.default_cycle == 2568 and all(c.final for c in options.standings)
        open_cycle(s, 2569, today, today + dt.timedelta(days=60), default_catalogue().version, "admin")
        for i, agency in enumerate(("D0001", "D0002")):
            resp = intake.get_or_create_draft(s, agency, 2569, "respondent")
            saved = intake.save_draft(s, resp.id, resp.version, full_answers(), services(), "respondent", "web")
            done = submission.submit(s, resp.id, saved.version, "respondent", "web", today)
            assert done.ok, done.problems
            if i == 0:
                assert submission.approve(s, resp.id, done.version, "coordinator", "web").ok
        s.flush()
        options = filter_options(s, "en")
        expected = len(frame_ids(s, 2569))
    engine.dispose()
    standing = options.standing(2569)
    assert standing is not None and expected > 300
    assert (standing.final, standing.approved, standing.expected, standing.counted) == (False, 1, expected, 2)
    assert options.default_cycle == 2568
    assert options.standing(2568) is not None and options.standing(2568).final  # type: ignore[union-attr]


def test_a_ministry_ranks_by_the_mean_of_its_agencies_scores() -> None:
    """Three indicators (goalposts 0-10, weight 1 each, at least 60 % answered). M1: agency a answers (10, 10, -)
    and scores 100; b answers (0, 0, 0) and scores 0: M1's index is their mean, 50. M2: c (4, 4, 4) scores 40.
    The mean indicator profile of M1 would be (5, 5, 0) = 33.3 and rank it below M2; by the index shown, M1
    ranks first in the nominal method."""
    method = IndexMethod("T", tuple(IndicatorSpec(i, "I", 1, 1, (0, 10)) for i in "ABC"), (GroupSpec("I", None),))
    rows = {"a": (10, 10, np.nan), "b": (0, 0, 0), "c": (4, 4, 4)}
    values = pd.DataFrame([{"agency_id": u, "indicator_id": i, "value": v} for u, vs in rows.items()
                           for i, v in zip("ABC", vs, strict=True) if v == v])
    groups = pd.DataFrame({"agency_id": ["a", "b", "c"], "ministry_id": ["M1", "M1", "M2"]})
    out = group_uncertainty(values, groups, method, "ministry_id", draws=40).scores.set_index("ministry_id")
    assert out.loc["M1", "nominal"] == pytest.approx(50.0)
    assert out.loc["M2", "nominal"] == pytest.approx(40.0)
    assert out["rank_nominal"].to_dict() == {"M1": 1, "M2": 2}
    assert (out["rank_p05"] <= out["rank_nominal"]).all() and (out["rank_nominal"] <= out["rank_p95"]).all()


@pytest.mark.parametrize("agency_type", [None, "department"])
def test_the_ministries_table_is_in_the_order_of_its_rank_and_score(demo_engine: Engine,
                                                                    agency_type: str | None) -> None:
    with session_scope(demo_engine) as s:
        table = ministries_view(s, PLANNER, 2568, agency_type, "en").table
    assert str(table["rank"].dtype) == "Int64"  # a number column: header-click sorting is by value
    ranked = table[table["rank"].notna()]
    ranks = ranked["rank"].astype(int).tolist()
    assert len(ranked) >= 15
    assert ranks == sorted(ranks) and ranks[0] == 1
    scores = ranked["readiness_index"].tolist()
    assert scores == sorted(scores, reverse=True)
    # The rank is the place of the score shown (ties share the best rank).
    assert ranks == ranked["readiness_index"].rank(ascending=False, method="min").astype(int).tolist()
    for rank, interval in zip(ranks, ranked["rank_range"], strict=True):
        lo, _, hi = interval.partition("-")
        assert int(lo) <= rank <= int(hi or lo), (rank, interval)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_provisional_banner_names_pending_responses_only_when_there_are_some(lang: str) -> None:
    """16 of 80 approved and 25 counted: 9 more submitted responses count; with 16 counted, none: the clause goes."""
    pending = CycleStanding(2570, False, 80, 16, 25)
    text = provisional_text(pending, lang)
    assert text is not None and ("16 จาก 80" if lang == "th" else "16 of 80") in text
    clause = "ส่งแล้วแต่ยังไม่ได้รับอนุมัติอีก 9 หน่วยงาน" if lang == "th" else "also count 9 submitted responses"
    assert clause in text
    none = provisional_text(CycleStanding(2570, False, 80, 16, 16), lang)
    assert none is not None and ("16 จาก 80" if lang == "th" else "16 of 80") in none
    assert ("ยังไม่ได้รับอนุมัติ" if lang == "th" else "submitted responses") not in none
    assert ("ร้อยละ 80" if lang == "th" else "80 %") in none
    assert provisional_text(CycleStanding(2569, True, 80, 80, 80), lang) is None


def _standing_one_cycle_at_a_time(cycles: pd.DataFrame, frame: pd.DataFrame, responses: pd.DataFrame) -> list[dict]:
    """The rule as first written, one cycle at a time: the reference for the joined computation."""
    from analytics.online_services import inventory_counted
    from survey.workflow import APPROVED_STATUSES

    rows = []
    for year, status in zip(cycles["year_be"].astype(int), cycles["status"], strict=True):
        members = set(frame.loc[frame["cycle_year"] == year, "agency_id"])
        resp = responses[(responses["cycle_year"] == year) & responses["agency_id"].isin(members)]
        counted = int(resp.loc[inventory_counted(resp), "agency_id"].nunique()) if not resp.empty else 0
        approved = int(resp.loc[resp["status"].isin(list(APPROVED_STATUSES)), "agency_id"].nunique())
        expected = len(members)
        closed = str(status) == "closed"
        rows.append({"year": int(year), "closed": closed, "expected": expected, "counted": counted,
                     "approved": approved, "final": bool(closed or (expected > 0 and approved >= FINAL_SHARE * expected))})
    return rows


def test_standing_of_every_cycle_equals_the_rule_cycle_by_cycle() -> None:
    """Random frames and responses over four cycles (one with no frame, one with no response, agencies outside the
    frame, register inventories, every state): the joined computation gives the cycle-by-cycle rule's rows."""
    rng = np.random.default_rng(7)
    states = ["draft", "submitted", "returned", "approved", "locked"]
    for _ in range(20):
        frame = pd.concat([_frame(y, int(rng.integers(0, 30))) for y in (2566, 2567, 2568)], ignore_index=True)
        n = int(rng.integers(0, 60))
        resp = pd.DataFrame({"cycle_year": rng.choice([2566, 2567, 2569], n),
                             "agency_id": [f"A{int(i):03d}" for i in rng.integers(0, 40, n)],
                             "status": rng.choice(states, n),
                             "inventory_source": rng.choice(np.array(["register", None], dtype=object), n)})
        cycles = _cycles(**{"2566": "closed", "2567": "open", "2568": "open", "2569": "open"})
        got = cycle_standing(cycles, frame, resp)
        assert got.to_dict("records") == _standing_one_cycle_at_a_time(cycles, frame, resp)
        assert got.to_dict("records")[2]["counted"] == 0  # no response in B.E. 2568
