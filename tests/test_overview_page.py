"""The Overview page through AppTest, in both languages, on demo and empty databases."""

from __future__ import annotations

from pathlib import Path

import pandas.testing as pdt
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from survey.i18n import t
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
