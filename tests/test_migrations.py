"""Alembic migrations go up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from data.migrate import downgrade, upgrade
from data.models import Base

TABLES = {t.name for t in Base.metadata.sorted_tables}


def test_up_down_up(any_engine: Engine) -> None:
    assert set(inspect(any_engine).get_table_names()) >= TABLES
    downgrade(any_engine, "base")
    assert set(inspect(any_engine).get_table_names()) & TABLES == set()
    upgrade(any_engine)
    assert set(inspect(any_engine).get_table_names()) >= TABLES


def test_models_match_migrations(any_engine: Engine) -> None:
    """The migrated schema has every column the models declare (no model change without a migration)."""
    insp = inspect(any_engine)
    for table in Base.metadata.sorted_tables:
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} == cols, table.name
