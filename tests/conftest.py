"""Shared fixtures: throwaway databases (SQLite always, PostgreSQL through DATABASE_URL), demo data,
seeded factories, a cheap argon2id hasher."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from data import repository
from data.config import AccountPolicy, normalise_url
from data.db import make_engine, session_scope
from data.migrate import upgrade
from data.models import Agency, Base, Cycle, Ministry, Response, User, UserRole
from survey.catalogue import Catalogue, default_catalogue
from survey.targets import Target, load_targets
from usecases import accounts, sessions, sign_in
from usecases.access import Principal
from usecases.demo import DemoSpec, seed_demo
from usecases.jobs import JobStatus

SECRET = b"test-secret-that-is-long-enough-for-hmac-0123456789"
PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).with_name("data")
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
def _bases_of_this_test(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cycle bases kept on disk go to a folder of each test's own (never the project's var/)."""
    monkeypatch.setenv("READINESS_BASES_DIR", str(tmp_path_factory.mktemp("bases")))


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    yield
    import streamlit as st

    from usecases import cache

    st.cache_data.clear()
    st.cache_resource.clear()
    cache.clear_all()


def sqlite_engine_at(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = sqlite_engine_at(tmp_path / "test.sqlite3")
    yield engine
    engine.dispose()


@contextmanager
def pg_schema() -> Iterator[str]:
    """Yield the name of a fresh schema in the PostgreSQL database; it is dropped afterwards."""
    url = pg_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A migrated engine on a schema of its own in the PostgreSQL database, dropped afterwards."""
    with pg_schema() as schema:
        # Room for the many-clients test: up to 70 connections at once.
        engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10,
                               max_overflow=60)
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on both backends, schema migrated to head."""
    if request.param == "sqlite":
        engine = sqlite_engine_at(tmp_path / "any.sqlite3")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


@contextmanager
def sibling_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """Yield another empty, migrated database on the same backend as `engine` (a file, or a schema of its own)."""
    if engine.dialect.name == "sqlite":
        other = sqlite_engine_at(tmp_path / f"sibling-{uuid.uuid4().hex[:6]}.sqlite3")
        try:
            yield other
        finally:
            other.dispose()
        return
    with pg_schema() as schema:
        other = create_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
        try:
            upgrade(other)
            yield other
        finally:
            other.dispose()


def engine_url(engine: Engine) -> str:
    """Return a URL another process can open to reach the same database (a PostgreSQL test schema included)."""
    url = engine.url
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def dead_pid() -> int:
    """Return the id of a process that ran and has ended (and was reaped), checked to be free."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                         check=True)
    pid = int(out.stdout)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    raise RuntimeError(f"process id {pid} was taken again at once")


def table_dumps(engine: Engine, skip_state: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Return every table's rows in primary-key order (`skip_state`: without the data version and epoch,
    which a restore moves on purpose)."""
    dumps: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
            if skip_state and table.name == "app_state":
                rows = [r for r in rows if r[0] not in ("data_version", "data_epoch")]
            dumps[table.name] = rows
    return dumps


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


APP_SECRET = "s" * 40


@pytest.fixture
def app_on_demo(demo_db_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app at a private copy of the demo database."""
    return _app_on_copy(demo_db_path, tmp_path / "app.sqlite3", monkeypatch)


def _app_on_copy(source: Path, copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app (DATABASE_URL, the session secret, no bootstrap administrator) at a copy of `source`."""
    copy.write_bytes(source.read_bytes())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)
    monkeypatch.delenv("READINESS_ADMIN_USERNAME", raising=False)
    return copy


@pytest.fixture
def app_on_empty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app at an empty, migrated database."""
    path = tmp_path / "empty.sqlite3"
    sqlite_engine_at(path).dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)
    monkeypatch.delenv("READINESS_ADMIN_USERNAME", raising=False)
    return path


def add_user(db: Path | str, username: str, roles: list[tuple[str, str | None]], password: str = PASSWORD) -> str:
    """Create a user with `roles` in the database (a SQLite path or a URL) and sign them in; return the token."""
    from data.config import account_policy, session_secret

    engine = make_engine(db if isinstance(db, str) else f"sqlite:///{db}")
    try:
        with Session(engine) as s:
            user = User(username=username, display_name=username.title(), email=f"{username}@example.go.th",
                        active=True, failed_attempts=0, password_hash=sessions.hash_password(password))
            s.add(user)
            s.flush()
            for role, scope in roles:
                grant = accounts._grant(s, role, scope)
                s.add(UserRole(user_id=user.id, role=grant.role, agency_id=grant.agency_id,
                               ministry_id=grant.ministry_id))
            s.commit()
            result = sign_in.sign_in(s, username, password, session_secret(), account_policy())
            s.commit()
    finally:
        engine.dispose()
    if result.token is None:
        raise RuntimeError(f"could not sign in {username}: {result.problem}")
    return result.token


def signed_in_app(db_path: Path, roles: list[tuple[str, str | None]], lang: str = "en",
                  username: str | None = None) -> Any:
    """Return an AppTest of app.py, signed in as a new user holding `roles` (not yet run)."""
    from streamlit.testing.v1 import AppTest

    name = username or f"u{uuid.uuid4().hex[:8]}"
    token = add_user(db_path, name, roles)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.session_state["_auth_token"] = token
    return at


@pytest.fixture(autouse=True)
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest ignore the pages/ folder, as a running server does once app.py calls st.navigation.

    AppTest resets `PagesManager.uses_pages_directory` before every run, and because our pages
    live in a folder named `pages/`, it would otherwise run Streamlit's old folder-based
    navigation, which executes a page file directly (without app.py) whenever the requested URL
    path equals a file name. Pages still check the principal themselves for that case.
    """
    from streamlit.runtime.pages_manager import PagesManager

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr("streamlit.testing.v1.app_test.PagesManager", NavigationPagesManager)


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep argon2id but with tiny costs, so a test hashes in microseconds instead of ~50 ms."""
    monkeypatch.setattr(sessions, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file per test run; each test gets a copy (migrating takes longer than copying)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "readiness.sqlite3"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{db_path}")
    yield eng
    eng.dispose()


def postgres_url() -> str | None:
    """Return the PostgreSQL URL, None outside CI when there is none (CI fails instead)."""
    return pg_url_or_skip() if (PG_URL or IN_CI) else None


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s:
        yield s
        s.commit()


@pytest.fixture
def policy() -> AccountPolicy:
    return AccountPolicy()


_counter = itertools.count(1)


@pytest.fixture
def make_ministry(session: Session) -> Callable[..., Ministry]:
    def make(**overrides: Any) -> Ministry:
        n = next(_counter)
        values: dict[str, Any] = {"id": f"M{n}", "name_th": f"กระทรวง {n}", "name_en": f"Ministry {n}"}
        ministry = Ministry(**(values | overrides))
        session.add(ministry)
        session.flush()
        return ministry
    return make


@pytest.fixture
def make_agency(session: Session, make_ministry: Callable[..., Ministry]) -> Callable[..., Agency]:
    def make(**overrides: Any) -> Agency:
        n = next(_counter)
        if "ministry_id" not in overrides:
            overrides["ministry_id"] = make_ministry().id
        values: dict[str, Any] = {"id": f"A{n}", "name_th": f"หน่วยงาน {n}", "name_en": f"Agency {n}"}
        agency = Agency(**(values | overrides))
        session.add(agency)
        session.flush()
        return agency
    return make


@pytest.fixture
def make_response(session: Session) -> Callable[..., Response]:
    def make(agency_id: str, **overrides: Any) -> Response:
        year = overrides.pop("cycle_year", 2568)
        if session.get(Cycle, year) is None:
            session.add(Cycle(year_be=year, year_ce=year - 543, opens_on=dt.date(year - 544, 10, 1),
                              closes_on=dt.date(year - 543, 3, 31), catalogue_version="test"))
        response = Response(cycle_year=year, agency_id=agency_id, catalogue_version="test", **overrides)
        session.add(response)
        session.flush()
        return response
    return make


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    """Create a user; `roles` is a list of (role, scope id or None); `password` defaults to PASSWORD."""
    def make(roles: list[tuple[str, str | None]] | None = None, **overrides: Any) -> User:
        n = next(_counter)
        password = overrides.pop("password", PASSWORD)
        values: dict[str, Any] = {"username": f"user{n}", "display_name": f"User {n}", "email": f"user{n}@example.go.th",
                                  "active": True, "failed_attempts": 0,
                                  "password_hash": sessions.hash_password(password) if password else None}
        user = User(**(values | overrides))
        session.add(user)
        session.flush()
        for role, scope in roles or []:
            grant = accounts._grant(session, role, scope)
            session.add(UserRole(user_id=user.id, role=grant.role, agency_id=grant.agency_id,
                                 ministry_id=grant.ministry_id))
        session.flush()
        return user
    return make


@pytest.fixture
def principal_of(session: Session) -> Callable[[User], Principal]:
    def load(user: User) -> Principal:
        principal = sessions.load_principal(session, user.id)
        if principal is None:
            raise ValueError(f"user {user.username} is inactive")
        return principal
    return load


@dataclass(frozen=True)
class DemoFrames:
    url: str
    frame: pd.DataFrame
    responses: pd.DataFrame
    services: pd.DataFrame
    answers: pd.DataFrame


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def targets(catalogue: Catalogue) -> tuple[Target, ...]:
    return load_targets(catalogue)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> DemoFrames:
    """Seed a demo database with 120 agencies (five cycles) in a temporary file and read its frames."""
    path = tmp_path_factory.mktemp("demo120") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    seed_demo(engine, catalogue, DemoSpec(agencies=120))
    with session_scope(engine) as session:
        frames = DemoFrames(url, repository.frame(session), repository.responses(session),
                            repository.services(session), repository.answers(session))
    engine.dispose()
    return frames


def job_ended(engine: Engine, job_id: int, timeout: float = 60) -> JobStatus:
    """Wait for a background job to stop running and return its status (TimeoutError if it never does)."""
    from usecases.jobs import job_status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as s:
            status = job_status(s, job_id)
        if status is not None and status.status != "running":
            return status
        time.sleep(0.05)
    raise TimeoutError(job_id)


LIVE_DAY = dt.date(2026, 12, 6)  # fiscal year B.E. 2570: cycles 2564-2569 closed, 2570 open (provisional)


@pytest.fixture(scope="session")
def live_demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding a live demo of LIVE_DAY (80 agencies), made once."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    engine = sqlite_engine_at(path)
    seed_demo(engine, default_catalogue(), DemoSpec.live(LIVE_DAY, agencies=80))
    engine.dispose()
    return path


@pytest.fixture
def app_on_live_demo(live_demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the app at a private copy of the live demo database."""
    return _app_on_copy(live_demo_path, tmp_path / "live.sqlite3", monkeypatch)
