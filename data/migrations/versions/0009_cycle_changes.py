"""cycle changes: the database itself counts the writes to each cycle's responses and frame, and to the agencies

Every insert, update or delete of a cycle's responses or frame entries moves that cycle's counter; a change to
an agency's ministry, type or province (or an agency added or removed) moves counter 0, which stands for every
cycle; row -1 holds a random mark of the table itself. The analytics read the counters (`data.repository.cycle_changes`) to read again only the cycles whose
frame or responses changed since they last read them, however the write was made (the app, an import, a
restore, plain SQL). On SQLite (one writer at a time) a counter is one row per cycle; on PostgreSQL each
statement adds a row numbered from a sequence instead, so concurrent writers never wait on one counter row,
and the counter is the largest number of the cycle.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: Tables whose rows carry `cycle_year`, and the agency columns the frame reads.
CYCLE_TABLES = ("responses", "cycle_frame")
AGENCY_COLUMNS = "id, ministry_id, agency_type, province"


def _sqlite() -> list[str]:
    def bump(year: str) -> str:
        return (f"INSERT OR IGNORE INTO cycle_changes (cycle_year, changes) VALUES ({year}, 0); "
                f"UPDATE cycle_changes SET changes = changes + 1 WHERE cycle_year = {year};")

    out = []
    for table in CYCLE_TABLES:
        out += [f"CREATE TRIGGER {table}_changes_insert AFTER INSERT ON {table} BEGIN {bump('NEW.cycle_year')} END",
                f"CREATE TRIGGER {table}_changes_delete AFTER DELETE ON {table} BEGIN {bump('OLD.cycle_year')} END",
                f"CREATE TRIGGER {table}_changes_update AFTER UPDATE ON {table} BEGIN {bump('OLD.cycle_year')} "
                f"{bump('NEW.cycle_year')} END"]
    out += [f"CREATE TRIGGER agencies_changes_insert AFTER INSERT ON agencies BEGIN {bump('0')} END",
            f"CREATE TRIGGER agencies_changes_delete AFTER DELETE ON agencies BEGIN {bump('0')} END",
            f"CREATE TRIGGER agencies_changes_update AFTER UPDATE OF {AGENCY_COLUMNS} ON agencies BEGIN {bump('0')} END"]
    return out


def _postgresql() -> list[str]:
    out = [
        "CREATE SEQUENCE cycle_changes_seq",
        # One row per statement and cycle it wrote: no row is ever updated, so writers never wait on each other here.
        """CREATE FUNCTION cycle_changes_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO cycle_changes (cycle_year, changes)
              SELECT y, nextval('cycle_changes_seq') FROM (SELECT DISTINCT cycle_year AS y FROM new_rows) d;
          END IF;
          IF TG_OP IN ('DELETE', 'UPDATE') THEN
            INSERT INTO cycle_changes (cycle_year, changes)
              SELECT y, nextval('cycle_changes_seq') FROM (SELECT DISTINCT cycle_year AS y FROM old_rows) d;
          END IF;
          RETURN NULL;
        END $$""",
        """CREATE FUNCTION cycle_changes_agencies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO cycle_changes (cycle_year, changes) VALUES (0, nextval('cycle_changes_seq'));
          RETURN NULL;
        END $$""",
    ]
    for table in CYCLE_TABLES:
        out += [f"CREATE TRIGGER {table}_changes_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION cycle_changes_rows()",
                f"CREATE TRIGGER {table}_changes_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
                f"FOR EACH STATEMENT EXECUTE FUNCTION cycle_changes_rows()",
                f"CREATE TRIGGER {table}_changes_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
                f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cycle_changes_rows()"]
    out += [f"CREATE TRIGGER agencies_changes AFTER INSERT OR DELETE OR UPDATE OF {AGENCY_COLUMNS} ON agencies "
            f"FOR EACH STATEMENT EXECUTE FUNCTION cycle_changes_agencies()"]
    return out


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.create_table("cycle_changes", sa.Column("cycle_year", sa.Integer(), nullable=False),
                        sa.Column("changes", sa.BigInteger(), nullable=False))
        op.create_index("ix_cycle_changes_cycle_year_changes", "cycle_changes", ["cycle_year", "changes"])
        statements = _postgresql()
    else:
        op.create_table("cycle_changes", sa.Column("cycle_year", sa.Integer(), primary_key=True),
                        sa.Column("changes", sa.BigInteger(), nullable=False))
        statements = _sqlite()
    for statement in statements:
        op.execute(statement)
    # Row -1 marks this table with a random number: counters of a table made again (a schema dropped and migrated
    # again) start over, and whoever kept what it read under the old marker never takes it for the new counters.
    op.execute(sa.text("INSERT INTO cycle_changes (cycle_year, changes) VALUES (-1, :mark)").bindparams(
        mark=secrets.randbelow(2**62)))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in CYCLE_TABLES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changes_{event}" + (f" ON {table}" if dialect == "postgresql"
                                                                           else ""))
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS agencies_changes ON agencies")
        op.execute("DROP FUNCTION IF EXISTS cycle_changes_rows()")
        op.execute("DROP FUNCTION IF EXISTS cycle_changes_agencies()")
        op.drop_table("cycle_changes")
        op.execute("DROP SEQUENCE IF EXISTS cycle_changes_seq")
    else:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS agencies_changes_{event}")
        op.drop_table("cycle_changes")
