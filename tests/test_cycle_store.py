"""Kept cycle bases: after a change only the changed cycle is read and scored again, with the same figures."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from analytics.index import method_from_catalogue
from analytics.pipeline import cycle_base, cycle_results
from data import repository
from data.db import make_engine
from survey.catalogue import Catalogue
from usecases import base_store, cache
from usecases.target_edits import effective_targets
from usecases.views import results

YEARS = [2564, 2565, 2566, 2567, 2568]


def fresh(session: Session, catalogue: Catalogue, year: int) -> pd.DataFrame:
    """Cycle `year`'s scores computed from its rows, with nothing kept."""
    return cycle_base(year, repository.frame(session), repository.responses(session), repository.services(session),
                      repository.answers(session), catalogue, method_from_catalogue(catalogue)).scores


def fresh_rows(session: Session, catalogue: Catalogue, year: int) -> pd.DataFrame:
    """Cycle `year`'s one row per agency computed from its rows, with nothing kept."""
    return cycle_base(year, repository.frame(session), repository.responses(session), repository.services(session),
                      repository.answers(session), catalogue, method_from_catalogue(catalogue)).score_rows


def test_history_of_every_cycle_equals_the_wide_table_of_all_scores(demo_db_path: Path, tmp_path: Path,
                                                                    catalogue: Catalogue) -> None:
    """`all_scores` from the bases' rows per agency equals `scores_wide` of every cycle's long scores."""
    from analytics.index import scores_wide

    copy = tmp_path / "history.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as s:
        got = results.all_scores(s)
        every = pd.concat([fresh(s, catalogue, y) for y in YEARS], ignore_index=True)
    pd.testing.assert_frame_equal(got, scores_wide(every).reset_index())
    engine.dispose()


def test_only_a_changed_cycle_is_read_again(demo_db_path: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    copy = tmp_path / "store.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as s:
        first = results.cycle_rows(s, YEARS, catalogue)
        assert sorted(first.services["cycle_year"].unique().tolist()) == YEARS  # nothing kept yet: every cycle read
        again = results.cycle_rows(s, YEARS, catalogue)
        assert again.services.empty and again.answers.empty  # unchanged: no answer or service read
        assert all(again.bases[y] is first.bases[y] for y in YEARS)

        # A versioned change to one approved 2566 response (as every write is): 2566 alone is read again.
        rid, agency = s.execute(text("SELECT id, agency_id FROM responses WHERE cycle_year = 2566 AND "
                                     "status = 'approved' ORDER BY id LIMIT 1")).one()
        s.execute(text("UPDATE answers SET value_num = 0 WHERE response_id = :r AND indicator_id = 'DAT.02'"),
                  {"r": rid})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": rid})
        s.commit()
        changed = results.cycle_rows(s, YEARS, catalogue)
        assert changed.services["cycle_year"].unique().tolist() == [2566]
        assert changed.bases[2566] is not first.bases[2566]
        assert all(changed.bases[y] is first.bases[y] for y in YEARS if y != 2566)
        value = changed.bases[2566].values.set_index(["agency_id", "indicator_id"]).at[(agency, "DAT.02"), "value"]
        assert value == 0
        # A cycle not shown keeps its one row per agency only (the long score table is the largest part of a base).
        assert changed.bases[2566].scores.empty
        pd.testing.assert_frame_equal(changed.bases[2566].score_rows, fresh_rows(s, catalogue, 2566))

        # Taking an agency out of the 2567 frame changes that cycle's base too.
        s.execute(text("DELETE FROM cycle_frame WHERE cycle_year = 2567 AND agency_id = :a"), {"a": agency})
        s.commit()
        moved = results.cycle_rows(s, YEARS, catalogue)
        assert moved.services["cycle_year"].unique().tolist() == [2567]
        assert agency not in set(moved.bases[2567].score_rows["agency_id"])
        pd.testing.assert_frame_equal(moved.bases[2567].score_rows, fresh_rows(s, catalogue, 2567))

        # Results from kept bases equal results computed from every row.
        kept = results.results(s, 2568, draws=0, detail=True)
        everything = cycle_results(2568, repository.frame(s), repository.responses(s), repository.services(s),
                                   repository.answers(s), catalogue, effective_targets(s, catalogue), draws=0)
        for name in ("national", "agency_scores", "ministry_scores", "online_nation", "targets", "quality_flags",
                     "previous_agency_scores"):
            pd.testing.assert_frame_equal(getattr(kept, name), getattr(everything, name), obj=name)
    engine.dispose()


def test_fingerprints_follow_the_frame_and_counted_responses(catalogue: Catalogue) -> None:
    from analytics.pipeline import cycle_fingerprints

    frame = pd.DataFrame({"cycle_year": [2568, 2568, 2567], "agency_id": ["A", "B", "A"]})
    stamp = pd.Timestamp("2025-06-01", tz="UTC")
    responses = pd.DataFrame({"response_id": [1, 2, 3], "cycle_year": [2568, 2568, 2567], "agency_id": ["A", "B", "A"],
                              "status": ["approved", "draft", "submitted"], "version": [3, 1, 2],
                              "updated_at": [stamp] * 3})
    base = cycle_fingerprints(frame, responses)
    assert set(base) == {2567, 2568}
    draft_edit = responses.assign(version=[3, 9, 2])  # a draft does not count: no change
    assert cycle_fingerprints(frame, draft_edit) == base
    bumped = responses.assign(version=[4, 1, 2])
    after = cycle_fingerprints(frame, bumped)
    assert after[2568] != base[2568] and after[2567] == base[2567]
    submitted = responses.assign(status=["approved", "submitted", "submitted"])
    assert cycle_fingerprints(frame, submitted)[2568] != base[2568]
    swapped = frame.assign(agency_id=["A", "C", "A"])
    assert cycle_fingerprints(swapped, responses)[2568] != base[2568]


def test_a_few_changed_responses_are_patched_into_the_kept_base(demo_db_path: Path, tmp_path: Path,
                                                                catalogue: Catalogue,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With the cycle kept with its rows, a submission reads only the changed responses' rows, and the patched
    base equals scoring the whole cycle again, row for row; the results equal those computed from every row."""
    copy = tmp_path / "patch.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    reads: list[tuple[object, object]] = []
    real_answers = repository.answers

    def spy(session: Session, years: object = None, response_ids: object = None) -> pd.DataFrame:
        reads.append((years, None if response_ids is None else sorted(response_ids)))  # type: ignore[call-overload]
        return real_answers(session, years, response_ids)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "answers", spy)
    with Session(engine) as s:
        results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        rows = s.execute(text("SELECT id, agency_id FROM responses WHERE cycle_year = 2568 AND status = 'approved' "
                              "ORDER BY id LIMIT 2")).all()
        (changed_id, changed_agency), (returned_id, returned_agency) = rows
        s.execute(text("UPDATE answers SET value_num = 0 WHERE response_id = :r AND indicator_id = 'DAT.02'"),
                  {"r": changed_id})
        s.execute(text("DELETE FROM services WHERE response_id = :r"), {"r": changed_id})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": changed_id})
        s.execute(text("UPDATE responses SET version = version + 1, status = 'returned' WHERE id = :r"),
                  {"r": returned_id})  # no longer counted: its agency drops out of the scores
        s.commit()
        reads.clear()
        patched = results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        assert reads == [([2568], [changed_id, returned_id])]  # only the two changed responses were read
        whole = cycle_base(2568, repository.frame(s), repository.responses(s), repository.services(s),
                           real_answers(s), catalogue, method_from_catalogue(catalogue))
        base = patched.bases[2568]
        for name in ("values", "scores", "service_counts", "score_rows"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(whole, name), obj=name)
        assert returned_agency not in set(base.scores["agency_id"])
        assert changed_agency not in set(base.service_counts["agency_id"])  # its inventory is gone
        assert base.values.set_index(["agency_id", "indicator_id"]).at[(changed_agency, "DAT.02"), "value"] == 0

        kept = results.results(s, 2568, draws=0, detail=True)
        everything = cycle_results(2568, repository.frame(s), repository.responses(s), repository.services(s),
                                   real_answers(s), catalogue, effective_targets(s, catalogue), draws=0)
        for name in ("national", "agency_scores", "ministry_scores", "online_nation", "targets", "adoption",
                     "completeness", "level_shares"):
            pd.testing.assert_frame_equal(getattr(kept, name), getattr(everything, name), obj=name)
        flags = ["cycle_year", "agency_id", "indicator_id", "rule"]
        pd.testing.assert_frame_equal(kept.quality_flags.sort_values(flags, ignore_index=True),
                                      everything.quality_flags.sort_values(flags, ignore_index=True))
    engine.dispose()


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, object]]:
    """Record every read of answers as (years, response ids)."""
    reads: list[tuple[object, object]] = []
    real_answers = repository.answers

    def spy(session: Session, years: object = None, response_ids: object = None) -> pd.DataFrame:
        reads.append((years, None if response_ids is None else sorted(response_ids)))  # type: ignore[call-overload]
        return real_answers(session, years, response_ids)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "answers", spy)
    return reads


def test_a_restarted_server_uses_the_bases_kept_on_disk(demo_db_path: Path, tmp_path: Path, catalogue: Catalogue,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """After a restart (nothing in memory) no answer is read again, the bases read back equal the ones written,
    row for row and type for type, and a change is patched into the base kept on disk."""
    copy = tmp_path / "restart.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    reads = _reads(monkeypatch)
    with Session(engine) as s:
        first = results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        assert reads == [(YEARS, None)]
        base_store.flush()
        cache.clear_all()  # a new process: only the disk is left
        reads.clear()
        again = results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        assert reads == []
        for y in YEARS:
            for name in base_store.TABLES:
                was, now = getattr(first.bases[y], name), getattr(again.bases[y], name)
                if was is None:
                    assert now is None
                else:
                    pd.testing.assert_frame_equal(now, was, obj=f"{y} {name}")
        assert first.bases[2567].answers is None and again.bases[2568].answers is not None

        rid = s.execute(text("SELECT id FROM responses WHERE cycle_year = 2568 AND status = 'approved' "
                             "ORDER BY id LIMIT 1")).scalar_one()
        s.execute(text("UPDATE answers SET value_num = 0 WHERE response_id = :r AND indicator_id = 'DAT.02'"),
                  {"r": rid})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": rid})
        s.commit()
        base_store.flush()
        cache.clear_all()
        reads.clear()
        patched = results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        assert reads == [([2568], [rid])]  # the base on disk was patched with the one changed response
        pd.testing.assert_frame_equal(patched.bases[2568].scores, fresh(s, catalogue, 2568))
    engine.dispose()


def test_kept_bases_on_disk_are_never_used_for_other_data(demo_db_path: Path, tmp_path: Path, catalogue: Catalogue,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the database at another path, and the same database after a restore (a new data epoch),
    read every cycle again: a kept base belongs to one database and one epoch."""
    one, other = tmp_path / "one.sqlite3", tmp_path / "other.sqlite3"
    one.write_bytes(demo_db_path.read_bytes())
    other.write_bytes(demo_db_path.read_bytes())
    reads = _reads(monkeypatch)
    engine = make_engine(f"sqlite:///{one}")
    with Session(engine) as s:
        results.cycle_rows(s, YEARS, catalogue)
    base_store.flush()
    assert len(list(base_store.bases_dir().iterdir())) == len(YEARS)  # type: ignore[union-attr]
    cache.clear_all()
    reads.clear()
    elsewhere = make_engine(f"sqlite:///{other}")
    with Session(elsewhere) as s:
        results.cycle_rows(s, YEARS, catalogue)
    assert reads == [(YEARS, None)]
    elsewhere.dispose()
    cache.clear_all()
    reads.clear()
    with Session(engine) as s:
        s.execute(text("UPDATE app_state SET value = 'restored' WHERE key = 'data_epoch'"))  # as a restore does
        s.commit()
        results.cycle_rows(s, YEARS, catalogue)
    assert reads == [(YEARS, None)]
    engine.dispose()


def test_callers_kept_per_data_version_share_one_read_of_the_frames(demo_db_path: Path, tmp_path: Path,
                                                                  catalogue: Catalogue,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The Overview reads every cycle twice (its series, then its cards' results): with `per_version` the frame is
    read once per data version, and always without it; after the version moves, only a cycle written since is read
    again (the database's change counters), and nothing when no cycle's rows were written."""
    copy = tmp_path / "frames.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    reads: list[object] = []
    real_frame = repository.frame

    def spy(session: Session, years: object = None) -> pd.DataFrame:
        reads.append(years)
        return real_frame(session, years)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "frame", spy)
    with Session(engine) as s:
        one = results.cycle_rows(s, YEARS, catalogue, per_version=True)
        two = results.cycle_rows(s, YEARS, catalogue, read=(2568,), per_version=True)
        assert len(reads) == 1 and two.frame is one.frame
        results.cycle_rows(s, YEARS, catalogue)
        assert len(reads) == 2
        repository.bump_data_version(s)
        s.commit()
        results.cycle_rows(s, YEARS, catalogue, per_version=True)
        assert len(reads) == 2  # the version moved, no cycle's rows did
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = (SELECT MIN(id) FROM responses "
                       "WHERE cycle_year = 2567)"))
        repository.bump_data_version(s)
        s.commit()
        three = results.cycle_rows(s, YEARS, catalogue, per_version=True)
        assert reads[2:] == [[2567]]
        fresh = (repository.frame(s, YEARS), repository.responses(s, YEARS))
        pd.testing.assert_frame_equal(three.frame, _by(fresh[0], "cycle_year", "agency_id"))
        pd.testing.assert_frame_equal(three.responses, _by(fresh[1], "cycle_year", "response_id"))
    engine.dispose()


def _by(table: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return table.sort_values(list(keys), kind="stable", ignore_index=True)


def test_every_write_to_a_cycle_moves_its_counter_and_only_its_own(any_engine: Engine, catalogue: Catalogue) -> None:
    """On SQLite and PostgreSQL the database counts the writes itself (migration 0009), however they are made: a
    response inserted, updated or deleted moves its cycle's counter alone; a frame entry likewise; an agency's
    ministry or type moves counter 0 (every cycle); a name does not. The frames read again after each write equal a
    fresh read of every cycle."""
    from tests.factories import seed_intake

    agencies = seed_intake(any_engine, agencies=3, cycles=(2567, 2568))
    with Session(any_engine) as s:
        marks: list[dict[int, int]] = [repository.cycle_changes(s)]

        def step(sql: str, **params: object) -> dict[int, int]:
            """Run a write (and move the data version, as every write of the app does), commit, and return the
            counters that moved."""
            s.execute(text(sql), params)
            repository.bump_data_version(s)
            s.commit()
            now = repository.cycle_changes(s)
            moved = {y: c for y, c in now.items() if marks[-1].get(y) != c}
            marks.append(now)
            both = results.frames(s, [2567, 2568])
            fresh = (repository.frame(s, [2567, 2568]), repository.responses(s, [2567, 2568]))
            pd.testing.assert_frame_equal(both[0], _by(fresh[0], "cycle_year", "agency_id"))
            pd.testing.assert_frame_equal(both[1], _by(fresh[1], "cycle_year", "response_id"))
            return moved

        results.frames(s, [2567, 2568])
        assert -1 in marks[0]  # the table's own random mark
        moved = step("DELETE FROM cycle_frame WHERE cycle_year = 2568 AND agency_id = :a", a=agencies[2])
        assert set(moved) == {2568}
        moved = step("INSERT INTO responses (cycle_year, agency_id, status, catalogue_version, version, created_at, updated_at) "
                     "VALUES (2568, :a, 'draft', '1', 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00')", a=agencies[0])
        assert set(moved) == {2568}
        moved = step("UPDATE responses SET status = 'submitted', version = 2 WHERE agency_id = :a", a=agencies[0])
        assert set(moved) == {2568}
        moved = step("INSERT INTO responses (cycle_year, agency_id, status, catalogue_version, version, created_at, updated_at) "
                     "VALUES (2567, :a, 'approved', '1', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')", a=agencies[1])
        assert set(moved) == {2567}
        moved = step("UPDATE agencies SET agency_type = 'province' WHERE id = :a", a=agencies[1])
        assert set(moved) == {0}
        moved = step("UPDATE agencies SET name_en = 'Renamed' WHERE id = :a", a=agencies[1])
        assert moved == {}
        moved = step("DELETE FROM responses WHERE agency_id = :a", a=agencies[0])
        assert set(moved) == {2568}
        moved = step("INSERT INTO cycle_frame (cycle_year, agency_id) VALUES (2568, :a)", a=agencies[2])
        assert set(moved) == {2568}
        assert all(later[y] > earlier[y] for earlier, later in itertools.pairwise(marks)
                   for y in earlier if y in later and y >= 0 and later[y] != earlier[y])


def test_a_patch_whose_new_service_has_no_volume_keeps_the_whole_cycles_figures(demo_db_path: Path, tmp_path: Path,
                                                                               catalogue: Catalogue) -> None:
    """A first missing annual volume in the cycle (an integer column until then) is patched in as a full read gives
    it, where casting back to the cycle's integer type used to fail (the Overview after a new service)."""
    copy = tmp_path / "volume.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as s:
        s.execute(text("UPDATE services SET annual_volume = 5 WHERE annual_volume IS NULL"))
        s.commit()
        first = results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        assert first.bases[2568].services is not None
        assert first.bases[2568].services["annual_volume"].dtype == "int64"
        rid = s.execute(text("SELECT id FROM responses WHERE cycle_year = 2568 AND status = 'approved' "
                             "ORDER BY id LIMIT 1")).scalar_one()
        s.execute(text("INSERT INTO services (response_id, code, name, digital_level, paper_required, "
                       "uses_digital_id, uses_e_payment, uses_e_signature, uses_e_certificate) "
                       "VALUES (:r, 'NEW', 'new service', 4, false, true, true, false, false)"), {"r": rid})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": rid})
        repository.bump_data_version(s)
        s.commit()
        patched = results.cycle_rows(s, YEARS, catalogue).bases[2568]  # the Overview reads no cycle's rows
        whole = cycle_base(2568, repository.frame(s), repository.responses(s), repository.services(s),
                           repository.answers(s), catalogue, method_from_catalogue(catalogue), keep_rows=True)
        assert patched.services is not None and whole.services is not None
        assert patched.services["annual_volume"].isna().sum() == 1
        assert patched.services["annual_volume"].dtype == whole.services["annual_volume"].dtype
        for name in ("values", "scores", "service_counts"):
            pd.testing.assert_frame_equal(getattr(patched, name), getattr(whole, name), obj=name)
    engine.dispose()


@pytest.mark.parametrize("change", [
    "UPDATE answers SET value_num = value_num + 7 WHERE response_id = :r AND indicator_id = 'DAT.02'",
    "UPDATE answers SET value_text = 'ไม่มี' WHERE response_id = :r AND value_text IS NOT NULL",
    "DELETE FROM answers WHERE response_id = :r AND indicator_id = 'DAT.02'",
    "UPDATE services SET digital_level = 1, annual_volume = NULL WHERE response_id = :r",
    "INSERT INTO services (response_id, code, name, digital_level, paper_required, uses_digital_id, uses_e_payment, "
    "uses_e_signature, uses_e_certificate) VALUES (:r, 'NEW', 'บริการใหม่', 4, false, true, false, false, false)",
])
def test_a_patched_base_equals_the_whole_cycle_scored_again(demo_db_path: Path, tmp_path: Path, catalogue: Catalogue,
                                                           change: str) -> None:
    """Whether a changed response keeps its rows' keys (values patched in place, unchanged columns shared) or not
    (rows added or removed: spliced and sorted), the patched base equals scoring the whole cycle again: its tables
    row for row, its answers and services as the same rows."""
    copy = tmp_path / "inplace.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as s:
        results.cycle_rows(s, YEARS, catalogue, read=(2568,))
        rid = s.execute(text("SELECT r.id FROM responses r WHERE r.cycle_year = 2568 AND r.status = 'approved' AND "
                             "EXISTS (SELECT 1 FROM services v WHERE v.response_id = r.id) ORDER BY r.id LIMIT 1")
                        ).scalar_one()
        s.execute(text(change), {"r": rid})
        s.execute(text("UPDATE responses SET version = version + 1 WHERE id = :r"), {"r": rid})
        repository.bump_data_version(s)
        s.commit()
        base = results.cycle_rows(s, YEARS, catalogue, read=(2568,)).bases[2568]
        whole = cycle_base(2568, repository.frame(s), repository.responses(s), repository.services(s),
                           repository.answers(s), catalogue, method_from_catalogue(catalogue), keep_rows=True)
        for name in ("values", "scores", "service_counts", "score_rows", "counted"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(whole, name), obj=name)
        for name, key in (("answers", ["response_id", "indicator_id"]), ("services", ["service_id"])):
            pd.testing.assert_frame_equal(_by(getattr(base, name), *key), _by(getattr(whole, name), *key), obj=name)
    engine.dispose()
