"""The Overview page through AppTest, in both languages, on demo and empty databases."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas.testing as pdt
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from analytics.targets import trend_to_goal
from data.db import make_engine, session_scope
from survey.i18n import fmt_year, t
from tests.conftest import signed_in_app
from usecases.views.overview import overview, overview_view

PLANNER = [("planner", None)]


def _run(db: Path, lang: str, roles: list[tuple[str, str | None]] = PLANNER) -> AppTest:
    return signed_in_app(db, roles, lang).run()


@pytest.mark.parametrize("lang", ["th", "en"])
def test_overview_on_demo(app_on_demo: Path, lang: str) -> None:
    at = _run(app_on_demo, lang)
    assert not at.exception
    assert at.title[0].value == {"th": "ภาพรวม", "en": "Overview"}[lang]
    assert "72.71" not in at.metric[0].value  # the latest cycle, 2568, is shown first
    assert at.metric[0].value == "86.12 %"
    assert at.metric[1].value == "80.8"  # composite readiness, against its milestone
    assert at.metric[0].delta.startswith("+0.03")  # the gap to this cycle's milestone (86.08)
    assert at.metric[4].value == "52"  # Thailand's latest UN EGDI rank (2024 survey)
    assert any(("ข้อมูลสาธิต" if lang == "th" else "Demo data") in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert table[t("col_cycle_be", lang)].tolist() == (["2564", "2565", "2566", "2567", "2568"] if lang == "th"
                                                       else ["2021", "2022", "2023", "2024", "2025"])
    assert round(table.loc[table.index[1], t("col_online_service_ratio", lang)], 2) == 72.71


def test_overview_on_empty_database(app_on_empty: Path) -> None:
    at = _run(app_on_empty, "en")
    assert not at.exception
    assert at.info[0].value == "The database holds no survey data yet."
    assert not at.metric
    assert not at.warning  # no demo banner on real, empty data


def test_language_switch(app_on_demo: Path) -> None:
    at = _run(app_on_demo, "th")
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"


def _values(data: Any) -> list[Any]:
    """Return a plotly array: a list, or a typed array (`{"dtype", "bdata"}`, base64) decoded."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def _traces(at: AppTest, index: int = 0) -> dict[str, Any]:
    """Return a drawn plotly chart's traces by name."""
    return {trace["name"]: trace for trace in json.loads(at.get("plotly_chart")[index].proto.spec)["data"]}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_provisional_cycle_is_drawn_apart_and_left_out_of_the_trend(app_on_live_demo: Path, lang: str) -> None:
    """The live demo of 6 Dec 2026: B.E. 2564-2569 closed, 2570 open with 16 of 80 agencies approved. Chosen, 2570's
    point (90.72 %) is a hollow marker named provisional, and the fitted trend is the least-squares line through
    2564-2569 only (2569: 90.94, 2570: 96.01), not through all seven points."""
    engine = make_engine(f"sqlite:///{app_on_live_demo}")
    with session_scope(engine) as s:
        view = overview_view(s, 2570, lang)
    engine.dispose()
    actuals = view.actuals.set_index("year")
    assert actuals["final"].to_dict() == {2564: True, 2565: True, 2566: True, 2567: True, 2568: True, 2569: True,
                                          2570: False}
    assert round(actuals.at[2570, "value"], 2) == 90.72
    final = actuals[actuals["final"]]
    fitted, _ = trend_to_goal(final.index.tolist(), final["value"].tolist(), 2570, 95.0)
    everything, _ = trend_to_goal(actuals.index.tolist(), actuals["value"].tolist(), 2570, 95.0)
    assert view.trend["value"].tolist() == pytest.approx(fitted["value"].tolist())
    assert view.trend["value"].tolist() != pytest.approx(everything["value"].tolist())
    trend = view.trend.set_index("year")["value"]
    assert (round(trend[2569], 2), round(trend[2570], 2)) == (90.94, 96.01)

    at = signed_in_app(app_on_live_demo, PLANNER, lang)
    at.query_params["cycle"] = "2570"
    at.run()
    assert not at.exception
    traces = _traces(at)
    solid, hollow = traces[t("actual", lang)], traces[t("actual_provisional", lang)]
    assert _values(solid["x"]) == list(range(2564, 2570))
    assert _values(hollow["x"]) == [2570] and round(_values(hollow["y"])[0], 2) == 90.72
    assert hollow["marker"]["symbol"] == "circle-open"
    assert hollow["text"] == [f"{fmt_year(2570, lang)} ({t('provisional', lang)})"]


def test_a_final_cycle_has_no_provisional_point(app_on_live_demo: Path) -> None:
    at = _run(app_on_live_demo, "en")  # opens on B.E. 2569, closed
    names = list(_traces(at))
    assert t("actual", "en") in names and t("actual_provisional", "en") not in names


def test_overview_series_from_the_cards_results_equals_the_cycles_read_again(demo_engine: Engine) -> None:
    """The national series made from the cards' results (online ratios computed once) is the one computed again
    from every cycle's rows, column for column, and so is the target's path; an earlier cycle too."""
    with Session(demo_engine) as s:
        full = overview(s)
        years = [int(y) for y in full.national["cycle_be"]]
        assert len(years) == 5
        for year in (years[-1], years[-3]):
            view = overview_view(s, year, "en")
            expected = full.national[full.national["cycle_be"] <= year][view.national.columns.tolist()]
            assert len(view.national) == years.index(year) + 1
            pdt.assert_frame_equal(view.national, expected)
            assert full.path is not None
            pdt.assert_frame_equal(view.path, full.path)
