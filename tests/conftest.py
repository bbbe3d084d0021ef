"""Shared fixtures: throwaway databases (SQLite always, PostgreSQL through DATABASE_URL), demo data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data.config import normalise_url
from data.db import make_engine
from data.demo import DemoSpec, seed_demo
from data.migrate import upgrade
from survey.catalogue import default_catalogue

ROOT = Path(__file__).resolve().parent.parent
# Captured at import: fixtures below point DATABASE_URL at throwaway SQLite files for the app.
_ENV_URL = os.environ.get("DATABASE_URL", "")
PG_URL = normalise_url(_ENV_URL) if _ENV_URL.startswith(("postgres://", "postgresql")) else ""
IN_CI = os.environ.get("CI", "").lower() == "true"


def pg_url_or_skip() -> str:
    """Return the PostgreSQL URL; outside CI a missing one skips, in CI it fails."""
    if PG_URL:
        return PG_URL
    if IN_CI:
        pytest.fail("CI=true but DATABASE_URL does not name a PostgreSQL database: PostgreSQL tests must run in CI")
    pytest.skip("set DATABASE_URL=postgresql://... to run the PostgreSQL tests")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def sqlite_engine_at(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = sqlite_engine_at(tmp_path / "test.sqlite3")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a schema of its own in the PostgreSQL database, dropped afterwards."""
    url = pg_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on both backends, schema migrated to head."""
    if request.param == "sqlite":
        engine = sqlite_engine_at(tmp_path / "any.sqlite3")
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_engine")
        upgrade(engine)
        yield engine


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the default demo data (320 agencies, B.E. 2564-2568), made once."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    engine = sqlite_engine_at(path)
    seed_demo(engine, default_catalogue(), DemoSpec())
    engine.dispose()
    return path


@pytest.fixture
def demo_engine(demo_db_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{demo_db_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def app_on_demo(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app at a private copy of the demo database."""
    copy = tmp_path / "app.sqlite3"
    copy.write_bytes(demo_db_path.read_bytes())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    return copy


@pytest.fixture
def app_on_empty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app at an empty, migrated database."""
    path = tmp_path / "empty.sqlite3"
    sqlite_engine_at(path).dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path
