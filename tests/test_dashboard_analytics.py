"""The pieces the dashboard adds to analytics/ and data/reports: group rank intervals, national gains, online gains,
rank ranges and dates, each checked by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics.actions import national_gains
from analytics.index import GroupSpec, IndexMethod, IndicatorSpec, composite_index
from analytics.online_services import online_gains
from analytics.uncertainty import group_uncertainty
from survey.i18n import fmt_date, fmt_datetime
from usecases.views.ministries import rank_range

METHOD = IndexMethod("T", (IndicatorSpec("A", "I", 1, 1, (0, 10)), IndicatorSpec("B", "I", 3, 1, (0, 10))),
                     (GroupSpec("I", None),))


def _values(rows: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"cycle_year": 2568, "agency_id": u, "indicator_id": i, "value": v}
                         for u, pair in rows.items() for i, v in zip("AB", pair, strict=True)])


def test_group_intervals_rank_the_mean_of_agency_scores() -> None:
    """Ministry M1 = agencies (10, 10) and (8, 8): scores 100 and 80, mean 90; M2 = (1, 1) alone: 10.
    M1 is ahead on both indicators, so it ranks 1 in every draw and M2 ranks 2: intervals '1' and '2'."""
    vals = _values({"a": (10, 10), "b": (8, 8), "c": (1, 1)})
    groups = pd.DataFrame({"agency_id": ["a", "b", "c"], "ministry_id": ["M1", "M1", "M2"]})
    unc = group_uncertainty(vals, groups, METHOD, "ministry_id", draws=50)
    out = unc.scores.set_index("ministry_id")
    assert out.loc["M1", "nominal"] == pytest.approx(90.0)  # goalposts 0-10: 9 -> 90
    assert (out.loc["M1", "rank_p05"], out.loc["M1", "rank_p95"]) == (1, 1)
    assert (out.loc["M2", "rank_p05"], out.loc["M2", "rank_p95"]) == (2, 2)
    assert unc.stable_pair_share == 1.0
    with pytest.raises(ValueError, match="no column"):
        group_uncertainty(vals, groups, METHOD, "agency_type")


def test_national_gains_by_hand() -> None:
    """Weights A = 1/4, B = 3/4 (effective). Agency a scores (100, 20), b (60, 60).
    Gain on A: mean(0.25 x 0, 0.25 x 40) = 5; on B: mean(0.75 x 80, 0.75 x 40) = 45."""
    scores = composite_index(_values({"a": (10, 2), "b": (6, 6)}), METHOD)
    gains = national_gains(scores, METHOD).set_index("indicator_id")
    assert gains.loc["A", "gain"] == pytest.approx(5.0)
    assert gains.loc["B", "gain"] == pytest.approx(45.0)
    assert gains.index.tolist() == ["B", "A"]  # largest first
    assert gains.loc["B", "agencies_below_50"] == 1


def test_online_gains_by_hand() -> None:
    """10 key services counted nationally; agency x has 4 with 1 online -> 3 / 10 = 30 points; y 6 with 6 -> 0.
    z did not answer and is left out."""
    table = pd.DataFrame({"agency_id": ["x", "y", "z"], "ministry_id": "M", "agency_type": "department",
                          "services": [4, 6, 0], "online": [1, 6, 0], "missing": [False, False, True]})
    gains = online_gains(table)
    assert gains["agency_id"].tolist() == ["x", "y"]
    assert gains["gain"].tolist() == pytest.approx([30.0, 0.0])


def test_rank_ranges_and_dates_as_readers_see_them() -> None:
    assert rank_range(3.0, 7.0) == "3-7"
    assert rank_range(2.0, 2.2) == "2"
    assert fmt_date(dt.date(2025, 8, 31), "th") == "31 ส.ค. 2568"
    assert fmt_date(dt.date(2025, 8, 31), "en") == "31 Aug 2025"
    assert fmt_date(None, "en") == "–"


def test_moments_as_readers_see_them() -> None:
    """Moments are shown in Thai time (UTC+7): 1 Jan 2026 17:30 UTC is 2 Jan 2026 00:30 in Bangkok, B.E. 2026 + 543
    = 2569 for Thai readers; a naive moment is UTC as stored, so 31 Aug 2025 09:05 is 16:05 in Bangkok."""
    when = dt.datetime(2026, 1, 1, 17, 30, tzinfo=dt.UTC)
    assert fmt_datetime(when, "th") == "2 ม.ค. 2569 เวลา 00.30 น."
    assert fmt_datetime(pd.Timestamp(when), "en") == "2 Jan 2026, 00:30 (Thai time)"
    assert fmt_datetime(dt.datetime(2025, 8, 31, 9, 5), "th") == "31 ส.ค. 2568 เวลา 16.05 น."  # naive: UTC
    assert fmt_datetime(None, "th") == fmt_datetime(pd.NaT, "en") == "–"
