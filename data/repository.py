"""Reads and writes that pages, analytics commands and imports share; each takes a session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from data.models import Agency, Answer, AppState, Cycle, FrameEntry, Ministry, Response, Service

#: Rows turned into columns at a time by `_frame`.
CHUNK_ROWS = 50_000


def _frame(session: Session, stmt: Select[*tuple[Any, ...]], columns: Sequence[str], bools: Sequence[str] = (),
           datetimes: Sequence[str] = (), dates: Sequence[str] = ()) -> pd.DataFrame:
    """Run a SELECT straight on the DB-API cursor of the session's connection, into a DataFrame.

    Bulk reads of a cycle (a million answers at local-government scale) skip SQLAlchemy's per-row
    result processing, which cost about 4x the cursor read itself; the few typed columns are
    converted column-wise instead.
    """
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    parts: list[pd.DataFrame] = []
    try:
        cursor.execute(str(compiled), params)
        # In chunks: a million answers as Python tuples took ~400 MB at once; a chunk's tuples are freed as soon
        # as its columns are built.
        while rows := cursor.fetchmany(CHUNK_ROWS):
            parts.append(pd.DataFrame(rows, columns=list(columns)))
            del rows
    finally:
        cursor.close()
    if not parts:
        df = pd.DataFrame({c: [] for c in columns})
    else:
        df = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        # A chunk whose column is empty throughout comes out as objects: infer the column again as a whole read would.
        for col in [c for c in df.columns if df[c].dtype == object and any(p[c].dtype != object for p in parts)]:
            df[col] = df[col].infer_objects()
    del parts
    for col in bools:
        df[col] = df[col].astype(bool)
    for col in datetimes:
        df[col] = pd.to_datetime(df[col], utc=True, format="ISO8601")
    for col in dates:
        df[col] = pd.to_datetime(df[col], format="ISO8601").dt.date
    return df


def get_state(session: Session, key: str, default: str | None = None) -> str | None:
    row = session.get(AppState, key)
    return row.value if row else default


def is_demo(session: Session) -> bool:
    """True when the database holds generated demo data."""
    return get_state(session, "dataset") == "demo"


def schema_name(session: Session) -> str:
    """Return the schema the session reads on PostgreSQL (several can share one URL), "" elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        return ""
    return str(session.execute(text("SELECT current_schema()")).scalar_one())


def data_version(session: Session) -> int:
    """Return the counter that every change to responses bumps (the cache key of computed results)."""
    return int(get_state(session, "data_version", "0") or 0)


def bump_data_version(session: Session) -> int:
    row = session.get(AppState, "data_version")
    if row is None:
        row = AppState(key="data_version", value="0")
        session.add(row)
    row.value = str(int(row.value) + 1)
    session.flush()
    return int(row.value)


def cycle_changes(session: Session) -> dict[int, int]:
    """Return each cycle's change counter (0: the agencies' ministry, type or province, for every cycle; -1: the
    random mark of the counters' table, new whenever the table is made again).

    The database moves a cycle's counter on every write to its responses or frame entries, however made
    (migration 0009's triggers); a cycle without a counter has had no write since the migration.
    """
    rows = session.execute(text("SELECT cycle_year, MAX(changes) FROM cycle_changes GROUP BY cycle_year")).all()
    return {int(year): int(changes) for year, changes in rows}


def cycles(session: Session) -> pd.DataFrame:
    """Return the survey cycles, oldest first."""
    cols = ("year_be", "year_ce", "opens_on", "closes_on", "catalogue_version", "status")
    stmt = select(*(getattr(Cycle, c) for c in cols)).order_by(Cycle.year_be)
    return _frame(session, stmt, cols, dates=("opens_on", "closes_on"))


def ministries(session: Session) -> pd.DataFrame:
    return _frame(session, select(Ministry.id, Ministry.name_th, Ministry.name_en).order_by(Ministry.id),
                  ("ministry_id", "name_th", "name_en"))


def agencies(session: Session) -> pd.DataFrame:
    cols = ("id", "ministry_id", "name_th", "name_en", "agency_type", "province", "active", "is_demo")
    stmt = select(*(getattr(Agency, c) for c in cols)).order_by(Agency.id)
    return _frame(session, stmt, cols, bools=("active", "is_demo")).rename(columns={"id": "agency_id"})


def frame(session: Session, years: Sequence[int] | None = None) -> pd.DataFrame:
    """Return who is expected to answer, per cycle, with the agency's ministry and type."""
    stmt = select(FrameEntry.cycle_year, FrameEntry.agency_id, Agency.ministry_id, Agency.agency_type,
                  Agency.province, FrameEntry.deadline).join(Agency, Agency.id == FrameEntry.agency_id)
    if years is not None:
        stmt = stmt.where(FrameEntry.cycle_year.in_(list(years)))
    return _frame(session, stmt, ("cycle_year", "agency_id", "ministry_id", "agency_type", "province", "deadline"),
                  dates=("deadline",))


def responses(session: Session, years: Sequence[int] | None = None) -> pd.DataFrame:
    cols = ("id", "cycle_year", "agency_id", "status", "catalogue_version", "version", "submitted_at", "updated_at",
            "inventory_source")
    stmt = select(*(getattr(Response, c) for c in cols))
    if years is not None:
        stmt = stmt.where(Response.cycle_year.in_(list(years)))
    return _frame(session, stmt, cols, datetimes=("submitted_at", "updated_at")).rename(
        columns={"id": "response_id"})


def last_update(session: Session, years: Sequence[int] | None = None) -> pd.Timestamp | None:
    """Return when a response (of `years`, if given) last changed, in UTC; None without responses.

    The same moment as the maximum of `responses(...)["updated_at"]`, without reading every response.
    """
    stmt = select(func.max(Response.updated_at))
    if years is not None:
        stmt = stmt.where(Response.cycle_year.in_(list(years)))
    got = _frame(session, stmt, ("updated_at",))
    if got.empty or got["updated_at"].isna().all():
        return None
    return pd.Timestamp(pd.to_datetime(got["updated_at"], utc=True, format="ISO8601").iloc[0])


def response_states(session: Session, years: Sequence[int]) -> pd.DataFrame:
    """Return the status and inventory source of every response of `years` (what decides whether it counts)."""
    stmt = select(Response.status, Response.inventory_source).where(Response.cycle_year.in_(list(years)))
    return _frame(session, stmt, ("status", "inventory_source"))


def services(session: Session, years: Sequence[int] | None = None,
             response_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Return service inventories with the cycle and agency of their response (of `response_ids` only, if given)."""
    cols = ("digital_level", "annual_volume", "paper_required", "uses_digital_id", "uses_e_payment",
            "uses_e_signature", "uses_e_certificate", "not_applicable")
    lineage = ("register_status", "register_reason", "project")
    stmt = select(Service.id, Service.response_id, Response.cycle_year, Response.agency_id, Service.code,
                  Service.name, *(getattr(Service, c) for c in cols + lineage)).join(Response)
    if years is not None:
        stmt = stmt.where(Response.cycle_year.in_(list(years)))
    if response_ids is not None:
        stmt = stmt.where(Service.response_id.in_([int(r) for r in response_ids]))
    return _frame(session, stmt, ("service_id", "response_id", "cycle_year", "agency_id", "code", "name", *cols,
                                  *lineage), bools=cols[2:])


def answers(session: Session, years: Sequence[int] | None = None,
            response_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Return answers in long form: one row per response and indicator (of `response_ids` only, if given)."""
    stmt = select(Answer.response_id, Response.cycle_year, Response.agency_id, Answer.indicator_id,
                  Answer.value_num, Answer.value_text, Answer.evidence).join(Response)
    if years is not None:
        stmt = stmt.where(Response.cycle_year.in_(list(years)))
    if response_ids is not None:
        stmt = stmt.where(Answer.response_id.in_([int(r) for r in response_ids]))
    return _frame(session, stmt, ("response_id", "cycle_year", "agency_id", "indicator_id", "value_num",
                                  "value_text", "evidence"))
