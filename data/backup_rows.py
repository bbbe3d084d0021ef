"""Read a backup's table files and check every row against the models, before a restore changes anything.

A table file is JSON lines, one object per row, values as `data.backup` wrote them (dates and times
in ISO 8601, binary contents in base64). `read_rows` gives each row converted to what the column
holds, and stops at the first row that does not fit, with a message that names the table, the line,
the column and the value. `check_tables` reads every table in dependency order and also checks
keys: no primary or unique key twice, and every foreign key names a row of the backup itself.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
)

from survey.errors import DomainError, Message, message

#: The widest integers each backend stores (PostgreSQL's integer and bigint).
INT_LIMITS = {Integer: 2**31, BigInteger: 2**63}
#: How much of a bad value a message quotes.
QUOTE = 40


class RowError(DomainError):
    """A row of a backup that cannot be restored (the message names table, line, column and value)."""


class _Misfit(Exception):
    def __init__(self, expected: Message) -> None:
        self.expected = expected


def _integer(limit: int) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not -limit <= value < limit:
            raise _Misfit(message("expect_integer"))
        return value
    return convert


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Misfit(message("expect_number"))
    return value


def _text(length: int | None) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        # PostgreSQL text cannot hold NUL; a length over the column's is refused there too.
        if not isinstance(value, str) or "\x00" in value or (length is not None and len(value) > length):
            raise _Misfit(message("expect_text", length=length if length is not None else "∞"))
        return value
    return convert


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Misfit(message("expect_boolean"))
    return value


def _date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Misfit(message("expect_date")) from None


def _datetime(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Misfit(message("expect_datetime")) from None


def _binary(value: Any) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (TypeError, ValueError, binascii.Error):
        raise _Misfit(message("expect_base64")) from None


def converter(column: Column[Any]) -> Callable[[Any], Any]:
    """Return the function that turns a column's JSON value into what the column holds, or raises `_Misfit`."""
    kind = column.type
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, BigInteger):
        return _integer(INT_LIMITS[BigInteger])
    if isinstance(kind, Integer):
        return _integer(INT_LIMITS[Integer])
    if isinstance(kind, Float):
        return _number
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, LargeBinary):
        return _binary
    if isinstance(kind, String):  # Text too
        return _text(kind.length)
    raise TypeError(f"no backup converter for {table_column(column)} of type {kind!r}")


def table_column(column: Column[Any]) -> str:
    return f"{column.table.name}.{column.name}"


def _quote(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= QUOTE else text[: QUOTE - 1] + "…"


def read_rows(fh: IO[bytes], table: Table) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, row) for each line of a table file, converted per column; raise `RowError` at a misfit."""
    columns = {c.name: (c, converter(c)) for c in table.columns}
    for number, raw in enumerate(fh, start=1):
        where = {"table": table.name, "line": number}
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RowError("backup_not_utf8", **where) from None
        try:
            data = json.loads(line)
        except ValueError:
            raise RowError("backup_bad_line", **where) from None
        if not isinstance(data, dict):
            raise RowError("backup_bad_line", **where)
        for name in data:
            if name not in columns:
                raise RowError("backup_unknown_column", column=_quote(name), **where)
        row: dict[str, Any] = {}
        for name, (column, convert) in columns.items():
            value = data.get(name)
            if value is None:
                if not column.nullable:
                    raise RowError("backup_required", column=name, **where)
                row[name] = None
                continue
            try:
                row[name] = convert(value)
            except _Misfit as misfit:
                raise RowError("backup_bad_value", column=name, value=_quote(value), expected=misfit.expected,
                               **where) from None
        yield number, row


def _keys(table: Table) -> list[tuple[str, ...]]:
    """Return the column sets of the table whose values may not repeat: its primary key, then its unique keys."""
    keys = [tuple(c.name for c in table.primary_key.columns)]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys.append(tuple(c.name for c in constraint.columns))
    keys += [(c.name,) for c in table.columns if c.unique]
    return list(dict.fromkeys(keys))


def check_tables(tables: list[Table], open_table: Callable[[Table], IO[bytes]]) -> dict[str, int]:
    """Read every table (in dependency order) and check each row and its keys; return the rows per table.

    Raises `RowError` at the first row that does not fit its columns, repeats a primary or unique
    key, or has a foreign key naming no row of the backup. Only the key values other tables refer to
    are kept between tables, so memory grows with the referenced tables, not with the largest one.
    """
    wanted: dict[str, set[tuple[str, ...]]] = {}
    for table in tables:
        for fk in table.foreign_key_constraints:
            wanted.setdefault(fk.referred_table.name, set()).add(tuple(e.column.name for e in fk.elements))
    known: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = {}
    counts: dict[str, int] = {}
    for table in tables:
        keys = _keys(table)
        seen: dict[tuple[str, ...], set[tuple[Any, ...]]] = {key: set() for key in keys}
        for cols in wanted.get(table.name, set()):
            seen.setdefault(cols, set())
        refs = [(tuple(c.name for c in fk.columns), fk.referred_table.name, tuple(e.column.name for e in fk.elements))
                for fk in table.foreign_key_constraints]
        pending: list[tuple[int, str, tuple[str, ...], tuple[Any, ...]]] = []  # references within the table
        n = 0
        with open_table(table) as fh:
            for number, row in read_rows(fh, table):
                n += 1
                for cols, values in seen.items():
                    value = tuple(row[c] for c in cols)
                    if None in value:
                        continue  # NULLs never collide in a key
                    if cols in keys and value in values:
                        raise RowError("backup_duplicate_key", table=table.name, line=number, columns=", ".join(cols),
                                       value=_quote(value[0] if len(value) == 1 else list(value)))
                    values.add(value)
                for cols, target, referred in refs:
                    value = tuple(row[c] for c in cols)
                    if None in value:
                        continue
                    if target == table.name:
                        pending.append((number, cols[0], referred, value))
                    elif value not in known[(target, referred)]:
                        raise _dangling(table.name, number, cols[0], value, target)
        for number, column, referred, value in pending:
            if value not in seen[referred]:
                raise _dangling(table.name, number, column, value, table.name)
        for cols in wanted.get(table.name, set()):
            known[(table.name, cols)] = seen[cols]
        counts[table.name] = n
    return counts


def _dangling(table: str, line: int, column: str, value: tuple[Any, ...], target: str) -> RowError:
    shown = value[0] if len(value) == 1 else list(value)
    return RowError("backup_dangling_key", table=table, line=line, column=column, value=_quote(shown), target=target)
