"""Shared fixtures: a throwaway migrated database per test, seeded factories, a cheap argon2id hasher."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from data import accounts
from data.access import Principal
from data.config import AccountPolicy
from data.db import make_engine
from data.migrate import upgrade
from data.models import Agency, Cycle, Ministry, Response, User, UserRole

SECRET = b"test-secret-that-is-long-enough-for-hmac-0123456789"
PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep argon2id but with tiny costs, so a test hashes in microseconds instead of ~50 ms."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


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
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgresql", "postgres")):
        return url
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true needs DATABASE_URL pointing at PostgreSQL")
    return None


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A migrated PostgreSQL database in a throwaway schema, dropped afterwards."""
    url = postgres_url()
    if url is None:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    eng = make_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
                                  "password_hash": accounts.hash_password(password) if password else None}
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
        principal = accounts.load_principal(session, user.id)
        if principal is None:
            raise ValueError(f"user {user.username} is inactive")
        return principal
    return load
