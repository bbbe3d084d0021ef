"""Every figure of every cycle on the demo data, through the one pipeline call."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.actions import agency_actions
from analytics.index import method_from_catalogue
from analytics.pipeline import CycleBase, CycleResults, cycle_results
from survey.catalogue import Catalogue
from survey.targets import Target
from tests.conftest import DemoFrames


@pytest.fixture(scope="module")
def results(demo: DemoFrames, catalogue: Catalogue, targets: tuple[Target, ...]) -> dict[int, CycleResults]:
    years = sorted(demo.frame["cycle_year"].unique())
    return {int(y): cycle_results(int(y), demo.frame, demo.responses, demo.services, demo.answers, catalogue,
                                  targets, draws=200) for y in years}


def test_every_cycle_has_every_figure(results: dict[int, CycleResults], catalogue: Catalogue) -> None:
    """Cycles B.E. 2564-2568, 120 agencies each; scores within 0-100; missing agencies are NaN, never 0."""
    assert sorted(results) == [2564, 2565, 2566, 2567, 2568]
    for year, r in results.items():
        assert r.year == year
        assert r.method_version == catalogue.method.version
        assert len(r.agency_scores) == 120
        assert (r.agency_scores["method_version"] == catalogue.method.version).all()
        idx = r.agency_scores["INDEX"]
        assert idx.notna().sum() >= 100
        assert ((idx.dropna() >= 0) & (idx.dropna() <= 100)).all()
        missing = r.agency_scores[r.agency_scores["missing"]]
        assert missing["INDEX"].isna().all()
        assert not r.ministry_scores.empty and not r.type_scores.empty
        nat = r.national.set_index("figure")["value"]
        assert 0 < nat["online_service_ratio"] <= 100
        assert nat["agencies_expected"] == 120
        assert nat[[f"band_{b.level}_share" for b in catalogue.bands]].sum() == pytest.approx(100)
        assert r.online_agency.loc[r.online_agency["missing"], "online_service_ratio"].isna().all()
        assert (r.online_ministry["online_service_ratio"].dropna() <= 100).all()
        assert r.level_shares.groupby("cycle_year")["share"].sum().tolist() == pytest.approx([100])
        assert set(r.targets["target_id"]) == {"T.ONLINE_RATIO", "T.EGDI_RANK", "T.EGDI_SCORE", "T.READINESS",
                                               "T.RESPONSE_RATE"}
        assert not r.targets_ministry.empty and not r.targets_agency.empty
        assert set(r.adoption["kind"]) == {"standard", "platform", "shared_service"}
        assert ((r.adoption["rate"] >= 0) & (r.adoption["rate"] <= 100)).all()
        assert not r.adoption_ministry.empty and not r.stages.empty
        assert {"error"} <= set(r.quality_flags["severity"]) or year == 2564
        assert r.quality_flags["message_th"].str.len().gt(0).all()
        assert r.completeness["completeness"].between(0, 100).all()
        assert r.indicator_completeness["completeness"].between(0, 100).all()
        assert r.crosswalk["mean_score"].notna().sum() >= 10
        assert r.peers is not None and 2 <= r.peers.k <= 8
        assert r.uncertainty is not None and 0 <= r.uncertainty.stable_pair_share <= 1
        ranks = r.uncertainty.scores
        assert (ranks["rank_p05"] <= ranks["rank_p95"]).all()
        assert r.ministry_uncertainty is not None and r.ministry_uncertainty.draws == 200
        assert set(r.ministry_uncertainty.scores["ministry_id"]) == set(r.ministry_scores["ministry_id"])


def test_national_online_ratio_2565_is_the_published_72_71(results: dict[int, CycleResults]) -> None:
    """Digital Government Development Plan B.E. 2566-2570, p.13: 72.71 % of key services fully online in B.E. 2565,
    more than 10 points above 2564."""
    nat = results[2565].national.set_index("figure")
    assert nat.loc["online_service_ratio", "value"] == pytest.approx(72.71, abs=0.01)
    assert nat.loc["online_service_ratio", "change"] > 10
    t = results[2565].targets.set_index("target_id")
    assert t.loc["T.ONLINE_RATIO", "actual"] == pytest.approx(72.71, abs=0.01)
    assert t.loc["T.ONLINE_RATIO", "status"] in ("on track", "at risk")
    assert t.loc["T.EGDI_RANK", "actual"] == 55


def test_actions_for_every_cycle(results: dict[int, CycleResults], catalogue: Catalogue) -> None:
    """For the weakest agency that answered everything, the gains add up to exactly 100 - its index
    (arithmetic aggregation: index = sum e_i s_i with sum e_i = 1, so sum e_i (100 - s_i) = 100 - index)."""
    method = method_from_catalogue(catalogue)
    for r in results.values():
        full = r.agency_scores[r.agency_scores["coverage"] == 1].sort_values("INDEX")
        complete = [a for a in full["agency_id"]
                    if r.scores[(r.scores["agency_id"] == a) & (r.scores["kind"] == "indicator")]["score"].notna().all()]
        agency = complete[0]
        acts = agency_actions(agency, r.scores, catalogue, method, milestones=r.milestones)
        assert acts["gain"].is_monotonic_decreasing
        index = full.set_index("agency_id").loc[agency, "INDEX"]
        assert acts["gain"].sum() == pytest.approx(100 - index)
        assert acts["action_en"].notna().all()
        assert acts.set_index("indicator_id").loc["SVC.01", "milestone"] == r.milestones.get("SVC.01", np.nan) or \
            "SVC.01" not in r.milestones


def test_past_cycles_under_another_method(demo: DemoFrames, catalogue: Catalogue, targets: tuple[Target, ...]) -> None:
    """The same past cycle scored with a geometric method carries that method's version and never scores higher
    than the arithmetic one (geometric mean <= arithmetic mean)."""
    arith = cycle_results(2564, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets, draws=0)
    geo_method = method_from_catalogue(catalogue, aggregation="geometric")
    geo = cycle_results(2564, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets,
                        method=geo_method, draws=0)
    a = arith.agency_scores.set_index("agency_id")["INDEX"]
    g = geo.agency_scores.set_index("agency_id")["INDEX"]
    both = a.notna() & g.notna()
    assert (g[both] <= a[both] + 1e-9).all()
    assert np.isnan(g[~both]).all()
    assert geo.uncertainty is None and geo.ministry_uncertainty is None


def test_headline_results_without_detail_match(demo, catalogue, targets) -> None:  # type: ignore[no-untyped-def]
    """detail=False (the Overview's cards) gives the same national figures, scores, national targets and online
    ratios and adoption of the standards, and skips quality flags, peer groups, completeness, the crosswalk, the other
    adoption tables, and the online ratios, targets and digital levels below the nation."""
    from analytics.pipeline import cycle_results

    args = (2568, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets)
    full = cycle_results(*args, draws=0)
    light = cycle_results(*args, draws=0, detail=False)
    pd.testing.assert_frame_equal(full.national, light.national)
    pd.testing.assert_frame_equal(full.agency_scores, light.agency_scores)
    pd.testing.assert_frame_equal(full.targets, light.targets)
    standards = full.adoption[full.adoption["kind"] == "standard"].reset_index(drop=True)
    pd.testing.assert_frame_equal(standards, light.adoption)
    assert set(full.adoption["kind"]) == {"standard", "platform", "shared_service"}
    assert light.quality_flags.empty and light.peers is None and not full.quality_flags.empty
    assert light.completeness.empty and light.crosswalk.empty and not full.crosswalk.empty
    pd.testing.assert_frame_equal(full.online_nation, light.online_nation)
    assert light.online_agency.empty and light.online_ministry.empty and light.online_type.empty
    assert light.targets_ministry.empty and light.targets_agency.empty and light.level_shares.empty
    assert not full.online_agency.empty and not full.targets_ministry.empty and not full.level_shares.empty


def test_kept_bases_of_earlier_cycles_give_the_same_results(demo, catalogue, targets) -> None:  # type: ignore[no-untyped-def]
    """Passing the bases of unchanged earlier cycles, with only cycle 2568's answers and services, gives exactly
    the results computed from every cycle's rows; a base kept under another method is not used."""
    from analytics.pipeline import cycle_base

    method = method_from_catalogue(catalogue)
    full = cycle_results(2568, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets, draws=0)
    bases = {y: cycle_base(y, demo.frame, demo.responses, demo.services, demo.answers, catalogue, method)
             for y in (2564, 2565, 2566, 2567)}
    only = (demo.services["cycle_year"] == 2568), (demo.answers["cycle_year"] == 2568)
    kept = cycle_results(2568, demo.frame, demo.responses, demo.services[only[0]], demo.answers[only[1]], catalogue,
                         targets, draws=0, bases=bases)
    for name in ("national", "agency_scores", "ministry_scores", "online_nation", "online_ministry", "targets",
                 "targets_ministry", "targets_agency", "quality_flags", "adoption", "completeness",
                 "previous_agency_scores", "level_shares"):
        pd.testing.assert_frame_equal(getattr(full, name), getattr(kept, name), obj=name)
    # The online trend needs the earlier cycles: without their bases or rows they are missing.
    assert kept.online_nation["cycle_year"].tolist() == [2564, 2565, 2566, 2567, 2568]
    stale = {y: CycleBase(b.year, "another method", b.values.iloc[:0], b.scores.iloc[:0], b.service_counts.iloc[:0])
             for y, b in bases.items()}
    recomputed = cycle_results(2568, demo.frame, demo.responses, demo.services, demo.answers, catalogue, targets,
                               draws=0, bases=stale)
    pd.testing.assert_frame_equal(full.online_nation, recomputed.online_nation)
