"""Bad input for the command-line importers: wrong types, huge numbers, empty and large files, garbage
bytes, formulas, Thai and other Unicode. Every file ends with a clear message, no crash, and when
nothing in it can be accepted, nothing changes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data.models import Agency, Answer, AuditEntry, Response, Service
from survey.__main__ import main as survey_main
from survey.catalogue import default_catalogue
from tests.conftest import sqlite_engine_at
from usecases.demo import DemoSpec, seed_demo
from usecases.organisations import import_agencies

CELLS = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["=1+1", "+SUM(A1)", "-2", "@cmd", "๑๒๓",
                                                                      "ใช่", "ไม่", "\x00", "1e309", "  ", "DAT.02"]),
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    engine = sqlite_engine_at(path)
    seed_demo(engine, default_catalogue(), DemoSpec(agencies=8, years=(2568,)))
    engine.dispose()
    return path


def _counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0)
                     for m in (Agency, Response, Answer, Service, AuditEntry))


def _run(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         data: bytes, suffix: str, *args: str) -> tuple[int, str, tuple[int, ...], tuple[int, ...]]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    engine = sqlite_engine_at(db)
    before = _counts(engine)
    code = survey_main([*args[:1], str(path), *args[1:]])
    after = _counts(engine)
    engine.dispose()
    out = capsys.readouterr()
    return code, out.out + out.err, before, after


def _csv(rows: list[list[object]], header: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_garbage_answer_files(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    for suffix in (".csv", ".xlsx"):
        code, out, before, after = _run(db, tmp_path, monkeypatch, capsys, data, suffix, "import")
        assert code == 1 and "REJECTED" in out and "Traceback" not in out, out
        assert after == before


@SETTINGS
@given(rows=st.lists(st.lists(CELLS, min_size=5, max_size=5), max_size=12))
def test_junk_answer_rows(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str], rows: list[list[object]]) -> None:
    """Rows with the right columns but junk values for agencies that do not exist, or junk cycles."""
    data = _csv(rows, ["agency_id", "cycle", "indicator_id", "value", "evidence"])
    code, out, before, after = _run(db, tmp_path, monkeypatch, capsys, data, ".csv", "import")
    assert code in (0, 1)
    assert "Traceback" not in out
    assert after == before or code == 0


@SETTINGS
@given(rows=st.lists(st.lists(CELLS, min_size=4, max_size=4), max_size=12))
def test_junk_service_registers(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], rows: list[list[object]]) -> None:
    mapping = Path(__file__).resolve().parent.parent / "docs" / "examples" / "services-mapping.yaml"
    import yaml

    columns = yaml.safe_load(mapping.read_text(encoding="utf-8"))["columns"]
    header = [str(columns[k]) for k in ("agency", "name", "status", "ministry")]
    data = _csv(rows, header)
    code, out, before, after = _run(db, tmp_path, monkeypatch, capsys, data, ".csv", "import-services",
                                    "--mapping", str(mapping), "--cycle", "2568", "--dry-run")
    assert code in (0, 1, 2)
    assert "Traceback" not in out
    assert after == before  # a dry run never changes anything


def test_empty_and_oversized_files(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, before, after = _run(db, tmp_path, monkeypatch, capsys, b"", ".csv", "import")
    assert code == 1 and "REJECTED" in out and after == before
    big = b"PK\x03\x04" + b"\x00" * (11 * 1024 * 1024)
    code, out, before, after = _run(db, tmp_path, monkeypatch, capsys, big, ".xlsx", "import")
    assert code == 1 and "REJECTED" in out and after == before


@SETTINGS
@given(rows=st.lists(st.lists(CELLS, min_size=6, max_size=6), max_size=10))
def test_junk_organisation_lists(db: Path, rows: list[list[object]]) -> None:
    engine = sqlite_engine_at(db)
    header = ["agency_id", "ministry_id", "name_th", "name_en", "agency_type", "province"]
    text = _csv(rows, header).decode("utf-8")
    with Session(engine) as s:
        report = import_agencies(s, text, "admin")
        s.rollback()
    engine.dispose()
    assert len(report) == len(rows)
    for row in report:
        assert row.outcome in ("added", "updated", "rejected")
        if row.outcome == "rejected":
            assert row.message is not None and row.message.th and row.message.en
