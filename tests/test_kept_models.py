"""The isolation forest and k-means kept with a cycle: fitted once, used for the agencies that changed, fitted
again past PATCH_SHARE of changed responses, found again on disk by a restarted server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from analytics import models
from analytics.pipeline import CycleResults, cycle_results
from data import repository
from data.db import make_engine
from survey.catalogue import Catalogue
from usecases import base_store, cache
from usecases.target_edits import effective_targets
from usecases.views import results

YEAR = 2568
FLAG_KEYS = ["cycle_year", "agency_id", "indicator_id", "rule"]


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the fits of the models (each entry: the number of profiles fitted on)."""
    seen: list[int] = []
    real = models.fit_models

    def spy(year: int, method_version: str, counted: pd.DataFrame, profiles: pd.DataFrame, scored: pd.DataFrame,
            seed: int = 0) -> models.CycleModels:
        seen.append(len(profiles))
        return real(year, method_version, counted, profiles, scored, seed)

    monkeypatch.setattr(models, "fit_models", spy)
    return seen


def _engine(demo_db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    copy = tmp_path / "models.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    return make_engine(f"sqlite:///{copy}")


def _refit(s: Session, catalogue: Catalogue) -> CycleResults:
    """The cycle's results from every row, with the models fitted now (nothing kept)."""
    return cycle_results(YEAR, repository.frame(s), repository.responses(s), repository.services(s),
                         repository.answers(s), catalogue, effective_targets(s, catalogue), draws=0)


def _forest(res: CycleResults) -> pd.DataFrame:
    flags = res.quality_flags
    return flags[flags["rule"] == "isolation_forest"].sort_values(FLAG_KEYS, ignore_index=True)


def _change(s: Session, ids: list[int], value: float = 0.0) -> None:
    """A versioned change to each response in `ids`, as every write is, and a new data version."""
    for rid in ids:
        s.execute(text("UPDATE answers SET value_num = :v WHERE response_id = :r AND indicator_id = 'DAT.02'"),
                  {"r": rid, "v": value})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": rid})
    repository.bump_data_version(s)
    s.commit()


def _approved(s: Session) -> list[tuple[int, str]]:
    return [(int(r), str(a)) for r, a in s.execute(text(
        "SELECT id, agency_id FROM responses WHERE cycle_year = :y AND status = 'approved' ORDER BY id"),
        {"y": YEAR}).all()]


def test_with_nothing_changed_the_kept_models_give_a_full_refits_results(demo_db_path: Path, tmp_path: Path,
                                                                         catalogue: Catalogue,
                                                                         fits: list[int]) -> None:
    engine = _engine(demo_db_path, tmp_path)
    with Session(engine) as s:
        first = results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 1 and first.models is not None
        repository.bump_data_version(s)  # a change elsewhere: the cycle is computed again, its models kept
        s.commit()
        again = results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 1 and again.models is first.models
        full = _refit(s, catalogue)
    assert len(_forest(full)) > 0
    pd.testing.assert_frame_equal(_forest(again), _forest(full))
    assert again.peers is not None and full.peers is not None
    pd.testing.assert_frame_equal(again.peers.assignments, full.peers.assignments)
    pd.testing.assert_frame_equal(again.peers.groups, full.peers.groups)
    assert (again.peers.k, again.peers.silhouette) == (full.peers.k, full.peers.silhouette)
    engine.dispose()


def test_after_a_change_only_the_changed_agency_is_scored_with_the_kept_models(
        demo_db_path: Path, tmp_path: Path, catalogue: Catalogue, fits: list[int]) -> None:
    engine = _engine(demo_db_path, tmp_path)
    with Session(engine) as s:
        before = results.results(s, YEAR, draws=0, detail=True)
        rid, agency = _approved(s)[0]
        _change(s, [rid], 1e6)
        after = results.results(s, YEAR, draws=0, detail=True)
    assert len(fits) == 1 and after.models is before.models  # no refit for one response
    kept = before.models
    assert kept is not None and kept.outliers is not None and kept.peers is not None
    # Every other agency keeps its flag and its group, exactly.
    def others(flags: pd.DataFrame) -> pd.DataFrame:
        return flags[flags["agency_id"] != agency].reset_index(drop=True)

    pd.testing.assert_frame_equal(others(_forest(after)), others(_forest(before)))
    assert before.peers is not None and after.peers is not None
    pd.testing.assert_frame_equal(after.peers.assignments.drop(index=agency),
                                  before.peers.assignments.drop(index=agency))
    # The changed agency is scored with the kept forest and placed by the kept k-means.
    profile = after.agency_scores[after.agency_scores["agency_id"] == agency]
    groups = list(kept.peers.fill.index)
    score = models.outlier_scores(kept.outliers, profile[["cycle_year", "agency_id", *groups]])[0]
    flagged = _forest(after)
    assert (agency in set(flagged["agency_id"])) == bool(score - kept.outliers.forest.offset_ < 0)
    if agency in set(flagged["agency_id"]):
        assert flagged.loc[flagged["agency_id"] == agency, "value"].iloc[0] == score
    group = models.assign_peers(kept.peers, profile.set_index("agency_id")[groups])[0]
    assert after.peers.assignments.at[agency, "group"] == group
    # The group sizes are counted again from today's assignments.
    sizes = after.peers.assignments["group"].value_counts().sort_index()
    assert after.peers.groups.set_index("group")["size"].to_dict() == sizes.to_dict()
    engine.dispose()


def test_past_the_patch_share_of_changed_responses_the_models_are_fitted_again(
        demo_db_path: Path, tmp_path: Path, catalogue: Catalogue, fits: list[int]) -> None:
    engine = _engine(demo_db_path, tmp_path)
    with Session(engine) as s:
        first = results.results(s, YEAR, draws=0, detail=True)
        counted = len(first.models.fitted) if first.models is not None else 0
        approved = [r for r, _ in _approved(s)]
        few = int(models.PATCH_SHARE * counted)  # exactly the share: still kept
        assert 0 < few < len(approved)
        _change(s, approved[:few], 50.0)
        kept = results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 1 and kept.models is first.models
        _change(s, approved[few:few + 1], 50.0)  # one more: past the share
        refitted = results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 2 and refitted.models is not first.models
        full = _refit(s, catalogue)
    pd.testing.assert_frame_equal(_forest(refitted), _forest(full))
    assert refitted.peers is not None and full.peers is not None
    pd.testing.assert_frame_equal(refitted.peers.assignments, full.peers.assignments)
    engine.dispose()


def test_a_fresh_process_uses_the_models_kept_on_disk(demo_db_path: Path, tmp_path: Path, catalogue: Catalogue,
                                                      fits: list[int]) -> None:
    engine = _engine(demo_db_path, tmp_path)
    with Session(engine) as s:
        first = results.results(s, YEAR, draws=0, detail=True)
        base_store.flush()
        assert len(list(base_store.bases_dir().glob("*" + base_store.MODELS_SUFFIX))) == 1  # type: ignore[union-attr]
        cache.clear_all()  # a new process: only the disk is left
        rid, agency = _approved(s)[1]
        _change(s, [rid], 1e6)
        again = results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 1  # no refit: the models came from disk
        assert again.models is not None and first.models is not None
        np.testing.assert_array_equal(again.models.outlier_scores.to_numpy(), first.models.outlier_scores.to_numpy())
        assert first.peers is not None and again.peers is not None
        pd.testing.assert_frame_equal(again.peers.assignments.drop(index=agency),
                                      first.peers.assignments.drop(index=agency))
        # After a restore (a new data epoch) nothing kept is used: the models are fitted again.
        s.execute(text("UPDATE app_state SET value = 'restored' WHERE key = 'data_epoch'"))
        repository.bump_data_version(s)
        s.commit()
        base_store.flush()
        cache.clear_all()
        results.results(s, YEAR, draws=0, detail=True)
        assert len(fits) == 2
    engine.dispose()


def test_the_refit_rule() -> None:
    """Refit without models, for another method or seed, when a part can be fitted now, past PATCH_SHARE."""
    stamp = pd.Timestamp("2025-06-01", tz="UTC")
    n = 20
    counted = pd.DataFrame({"response_id": range(n), "agency_id": [f"A{i:02d}" for i in range(n)],
                            "status": "approved", "version": 1, "updated_at": stamp})
    rng = np.random.default_rng(0)
    dims = pd.DataFrame(rng.uniform(0, 100, (n, 3)), columns=["D1", "D2", "D3"])
    profiles = pd.concat([pd.DataFrame({"cycle_year": YEAR, "agency_id": counted["agency_id"]}), dims], axis=1)
    scored = dims.set_axis(counted["agency_id"])
    kept = models.fit_models(YEAR, "v1", counted, profiles, scored)
    assert models.needs_refit(None, YEAR, "v1", 0, counted, profiles, scored)
    assert not models.needs_refit(kept, YEAR, "v1", 0, counted, profiles, scored)
    assert models.needs_refit(kept, YEAR, "v2", 0, counted, profiles, scored)
    assert models.needs_refit(kept, YEAR, "v1", 1, counted, profiles, scored)
    four, five = counted.copy(), counted.copy()
    four.loc[:3, "version"] = 2  # 4 of 20 = the share: kept
    five.loc[:4, "version"] = 2  # 5 of 20: refit
    assert not models.needs_refit(kept, YEAR, "v1", 0, four, profiles, scored)
    assert models.needs_refit(kept, YEAR, "v1", 0, five, profiles, scored)
    small = models.fit_models(YEAR, "v1", counted[:5], profiles[:5], scored[:5])
    assert small.outliers is None  # too few to fit a forest: fitted once there are enough
    assert models.needs_refit(small, YEAR, "v1", 0, counted[:5], profiles, scored)


def test_a_restarted_server_finds_the_results_of_the_same_data_version_on_disk(
        demo_db_path: Path, tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _engine(demo_db_path, tmp_path)
    with Session(engine) as s:
        first = results.results(s, YEAR, draws=0, detail=True)
        base_store.flush()
        cache.clear_all()  # a new process, same data version: nothing is read or computed
        computed: list[int] = []
        real = results.cycle_results
        monkeypatch.setattr(results, "cycle_results", lambda *a, **k: computed.append(1) or real(*a, **k))
        again = results.results(s, YEAR, draws=0, detail=True)
        assert computed == []
        for name in ("national", "agency_scores", "quality_flags", "targets", "adoption"):
            pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name), obj=name)
        results.results(s, YEAR, draws=0, detail=False)  # another variant was never kept: computed
        assert computed == [1]
        repository.bump_data_version(s)  # another data version: computed again
        s.commit()
        base_store.flush()
        cache.clear_all()
        results.results(s, YEAR, draws=0, detail=True)
        assert computed == [1, 1]
    engine.dispose()


def test_a_burst_of_writes_keeps_only_the_last_state_and_flush_makes_it_at_once(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Three states of one results file handed over within the delay: only the last is written, none before the
    delay, and `flush` writes it at once; a file of another owner is written too. A file's header is read
    without its value: a header that does not match returns None without reading the value."""
    monkeypatch.setenv("READINESS_BASES_DIR", str(tmp_path))
    monkeypatch.setattr(base_store, "WRITE_DELAY", 30.0)
    written: list[object] = []
    real = base_store._save_pickle

    def spy(final: Path, root: Path, header: dict[str, object], value: object) -> None:
        written.append(value)
        real(final, root, header, value)

    monkeypatch.setattr(base_store, "_save_pickle", spy)
    owner, other = ("db", "", 2568, "c", "m"), ("db", "", 2567, "c", "m")
    for state in ("first", "second", "third"):
        base_store.save_results_later(owner, "0-1", (state,), {"state": state})
    base_store.save_results_later(other, "0-1", ("x",), {"state": "other"})
    import time
    time.sleep(0.3)
    assert written == []  # within the delay nothing is written
    started = time.monotonic()
    base_store.flush()
    assert time.monotonic() - started < 10
    assert written == [{"state": "third"}, {"state": "other"}]
    assert base_store.load_results(owner, "0-1", ("third",)) == {"state": "third"}
    assert base_store.load_results(owner, "0-1", ("second",)) is None

    def never(*_: object) -> object:
        raise AssertionError("the value was read although its header did not match")

    monkeypatch.setattr(base_store.pickle, "load", lambda f, _real=base_store.pickle.load: (
        _real(f) if f.tell() == 0 else never()))
    assert base_store.load_results(owner, "0-1", ("second",)) is None
