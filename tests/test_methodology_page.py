"""The Methodology page through AppTest: the line saying when its data last changed, under which method version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from data.db import make_engine, session_scope
from data.models import Response, TargetOverride
from survey.catalogue import default_catalogue
from survey.i18n import t
from tests.conftest import ROOT, signed_in_app
from usecases.access import Grant, Principal, Role
from usecases.target_edits import TargetEdit, edit_target

UTC = dt.UTC


def _set_moments(db: Path, latest_response: dt.datetime, target_edit: dt.datetime | None = None) -> None:
    """Date every response of the demo copy 15 Sep 2025, one of them `latest_response`; optionally edit a target."""
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        s.execute(update(Response).values(updated_at=dt.datetime(2025, 9, 15, 10, 0, tzinfo=UTC)))
        first = s.scalar(select(Response.id).order_by(Response.id).limit(1))
        s.execute(update(Response).where(Response.id == first).values(updated_at=latest_response))
        if target_edit is not None:
            planner = Principal(0, "planner", grants=frozenset({Grant(Role.PLANNER)}))
            edit_target(s, planner, "T.READINESS", TargetEdit(goal_value=82.0))
            s.execute(update(TargetOverride).values(updated_at=target_edit))
    engine.dispose()


def _line(db: Path, lang: str) -> str:
    at = signed_in_app(db, [("planner", None)], lang)
    at.switch_page(str(ROOT / "pages" / "methodology.py")).run()
    assert not at.exception
    lines = [c.value for c in at.caption if "·" in c.value]
    assert len(lines) == 1, [c.value for c in at.caption]
    return str(lines[0])


@pytest.mark.parametrize(("lang", "expected"), [("th", "3 ต.ค. 2568 เวลา 21.30 น."), ("en", "3 Oct 2025, 21:30 (Thai time)")])
def test_methodology_says_when_responses_last_changed(app_on_demo: Path, lang: str, expected: str) -> None:
    """The latest response changed on 3 Oct 2025 at 14:30 UTC, 21:30 in Thai time (UTC+7; B.E. 2025 + 543 = 2568);
    no target was edited."""
    _set_moments(app_on_demo, dt.datetime(2025, 10, 3, 14, 30, tzinfo=UTC))
    method = default_catalogue().method.version
    assert method == "M2568.1"
    line = _line(app_on_demo, lang)
    assert line == ":material/update: " + t("method_data_updated", lang).format(when=expected, method=method)
    assert expected in line and method in line


def test_methodology_counts_a_later_target_edit(app_on_demo: Path) -> None:
    """A planner's target edit on 5 Jan 2026 08:05 UTC (15:05 Thai time) is later than the last response (3 Oct 2025):
    B.E. 2569."""
    _set_moments(app_on_demo, dt.datetime(2025, 10, 3, 14, 30, tzinfo=UTC), dt.datetime(2026, 1, 5, 8, 5, tzinfo=UTC))
    assert "5 ม.ค. 2569 เวลา 15.05 น." in _line(app_on_demo, "th")
    assert "5 Jan 2026, 15:05 (Thai time)" in _line(app_on_demo, "en")


def test_methodology_on_an_empty_database(app_on_empty: Path) -> None:
    """No responses and no target edits: the line shows a dash for the moment, and still the method version."""
    assert _line(app_on_empty, "en") == ":material/update: " + t("method_data_updated", "en").format(
        when="–", method=default_catalogue().method.version)


@pytest.mark.parametrize(("lang", "share"), [("th", "เกินร้อยละ 20 ของรอบ"), ("en", "more than 20 % of the cycle's")])
def test_methodology_says_when_the_anomaly_and_peer_models_are_fitted_again(app_on_demo: Path, lang: str,
                                                                            share: str) -> None:
    """One line on the page: changed agencies are scored with the cycle's kept models, refitted past 20 % changed."""
    at = signed_in_app(app_on_demo, [("planner", None)], lang)
    at.switch_page(str(ROOT / "pages" / "methodology.py")).run()
    assert not at.exception
    notes = [c.value for c in at.caption if share in c.value]
    assert notes == [t("models_note", lang).format(share="ร้อยละ 20" if lang == "th" else "20 %")]
