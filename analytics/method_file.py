"""Index methods written as YAML files, for the command-line scorer (format: docs/METHOD.md)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analytics.index import (
    BandSpec,
    GroupSpec,
    IndexMethod,
    IndicatorSpec,
    MethodError,
    MethodProblem,
    closest,
    composite_index,
)

DATA_COLUMNS = ("unit", "indicator", "value")
METHOD_FIELDS = ("version", "scale", "normalisation", "aggregation", "min_coverage", "groups", "indicators", "bands")
GROUP_FIELDS = ("id", "parent", "weight")
INDICATOR_FIELDS = ("id", "parent", "weight", "polarity", "goalposts", "normalisation")
BAND_FIELDS = ("level", "min", "label")


class _Reader:
    """Collects every problem while reading a method file, so one load reports them all, each with node and field."""

    def __init__(self) -> None:
        self.problems: list[MethodProblem] = []
        #: Nodes in the order the file lists them, so problems can be reported in that order.
        self.order: list[str] = ["method"]

    def fail(self, node: str, field: str, message: str) -> None:
        self.problems.append(MethodProblem(node, field, message))

    def fields(self, node: str, raw: Mapping[Any, Any], known: Sequence[str]) -> None:
        """Report every key of `raw` that is not one of `known`, with the nearest known field."""
        for key in raw:
            if str(key) not in known:
                near = closest(str(key), known)
                hint = f"did you mean {' or '.join(near)}? " if near else ""
                self.fail(node, str(key), f"unknown field {str(key)!r}; {hint}fields: {', '.join(known)}")

    def number(self, node: str, field: str, raw: Any, default: float) -> float:
        """Return `raw` as a number: 0.6, 2/3 (a fraction, as YAML leaves it a string), 1e-3; else report it."""
        if raw is None:
            return default
        value: float | None = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw)
        elif isinstance(raw, str):
            try:
                value = float(raw)
            except ValueError:
                try:
                    value = float(Fraction(raw.replace(" ", "")))
                except (ValueError, ZeroDivisionError):
                    value = None
        if value is None or not math.isfinite(value):
            self.fail(node, field, f"{field} {raw!r} is not a number; write it like 0.5, 2/3 or 1")
            return default
        return value

    def items(self, raw: Mapping[Any, Any], key: str) -> list[Any]:
        """Return the list under `key` (empty when absent), reporting anything else."""
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail("method", key, f"{key} must be a list, got {value!r}")
            return []
        return value

    def entry(self, what: str, n: int, raw: Any, known: Sequence[str], needed: Sequence[str]) -> str | None:
        """Return the id of list entry `raw` (`what` item n + 1), or None when it cannot be read as a node."""
        where = f"{what} item {n + 1}"
        if not isinstance(raw, Mapping):
            self.fail(where, "id", f"each of the {what} must be a mapping like {{id: X, ...}}, got {raw!r}")
            return None
        node = str(raw["id"]) if raw.get("id") is not None else where
        self.order.append(node)
        self.fields(node, raw, known)
        missing = [f for f in needed if raw.get(f) is None]
        for f in missing:
            self.fail(node, f, f"{f} is missing")
        return None if missing else node

    def group(self, n: int, raw: Any) -> GroupSpec | None:
        gid = self.entry("groups", n, raw, GROUP_FIELDS, ("id",))
        if gid is None:
            return None
        parent = raw.get("parent")
        return GroupSpec(gid, None if parent is None else str(parent), self.number(gid, "weight", raw.get("weight"), 1.0))

    def indicator(self, n: int, raw: Any) -> IndicatorSpec | None:
        iid = self.entry("indicators", n, raw, INDICATOR_FIELDS, ("id", "parent"))
        if iid is None:
            return None
        gp = raw.get("goalposts")
        goalposts: tuple[float, float] | None = None
        if gp is not None:
            if isinstance(gp, list) and len(gp) == 2:
                low, high = (self.number(iid, "goalposts", v, math.nan) for v in gp)
                goalposts = (low, high) if math.isfinite(low) and math.isfinite(high) else None
            else:
                self.fail(iid, "goalposts", f"goalposts must be [low, high], got {gp!r}")
        polarity = raw.get("polarity", 1)
        if polarity not in (1, -1) or isinstance(polarity, bool):
            self.fail(iid, "polarity", f"polarity must be 1 or -1, got {polarity!r}")
            polarity = 1
        norm = raw.get("normalisation")
        return IndicatorSpec(id=iid, parent=str(raw["parent"]), weight=self.number(iid, "weight", raw.get("weight"), 1.0),
                             polarity=int(polarity), goalposts=goalposts,
                             normalisation=None if norm is None else str(norm))

    def band(self, n: int, raw: Any) -> BandSpec | None:
        where = f"bands item {n + 1}"
        if not isinstance(raw, Mapping):
            self.fail(where, "min", f"each band must be a mapping like {{level: A, min: 0}}, got {raw!r}")
            return None
        level = self.level(where, raw.get("level", n + 1))
        node = where if level is None else f"band {level}"
        self.order.append(node)
        self.fields(node, raw, BAND_FIELDS)
        if raw.get("min") is None:
            self.fail(node, "min", "min is missing")
            return None
        low = self.number(node, "min", raw["min"], math.nan)
        label = raw.get("label")
        if level is None or not math.isfinite(low):
            return None
        return BandSpec(level, low, str(level) if label is None else str(label))

    def in_file_order(self, problems: Sequence[MethodProblem]) -> list[MethodProblem]:
        """Return `problems` in the order of their nodes in the file (the file's own problems first for each)."""
        position = {node: n for n, node in reversed(list(enumerate(self.order)))}
        return sorted(problems, key=lambda p: position.get(p.node, len(self.order)))

    def level(self, where: str, raw: Any) -> int | str | None:
        """Return a band level: a whole number (1, 2...) or a name ("A"); anything else is reported (None)."""
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        self.fail(where, "level", f"level must be a whole number or a name such as A, got {raw!r}")
        return None


def parse_method(raw: Any) -> IndexMethod:
    """Build an IndexMethod from a parsed method file, or raise MethodError naming every problem's node and field.

    The file is read whole first (a weight that is not a number is reported and taken as 1), then
    the method's own checks (`analytics.index.check_method`: parents, loops, goalposts, bands...)
    run on what was read; a node and field already reported are not reported twice.
    """
    if not isinstance(raw, Mapping):
        raise MethodError([MethodProblem("method", "file", "a method file must be a mapping (version, groups, ...)")],
                          "method file")
    rd = _Reader()
    rd.fields("method", raw, METHOD_FIELDS)
    groups = [g for n, item in enumerate(rd.items(raw, "groups")) if (g := rd.group(n, item)) is not None]
    indicators = [i for n, item in enumerate(rd.items(raw, "indicators")) if (i := rd.indicator(n, item)) is not None]
    bands = [b for n, item in enumerate(rd.items(raw, "bands")) if (b := rd.band(n, item)) is not None]
    try:
        method = IndexMethod(
            version=str(raw.get("version") or ""), indicators=tuple(indicators), groups=tuple(groups),
            normalisation=str(raw.get("normalisation") or "goalposts"),
            aggregation=str(raw.get("aggregation") or "arithmetic"),
            min_coverage=rd.number("method", "min_coverage", raw.get("min_coverage"), 1.0),
            scale=rd.number("method", "scale", raw.get("scale"), 100.0), bands=tuple(bands),
        )
    except MethodError as exc:
        reported = {(p.node, p.field) for p in rd.problems}
        more = [p for p in exc.problems if (p.node, p.field) not in reported]
        raise MethodError(rd.in_file_order([*rd.problems, *more]), "method file") from None
    if rd.problems:
        raise MethodError(rd.in_file_order(rd.problems), "method file")
    return method


def load_method(path: Path | str) -> IndexMethod:
    """Load and check a method file."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"method file: not valid YAML ({exc})") from exc
    return parse_method(raw)


def score_table(data: pd.DataFrame, method: IndexMethod) -> pd.DataFrame:
    """Return every unit's score at every level, with band, from long data (unit, indicator, value).

    The same computation as `composite_index`; output columns: unit, node, kind, depth, parent,
    value, score, coverage, band, band_label, method_version. An indicator the method does not
    know is refused, with the closest known ids (`analytics.index.closest`).
    """
    missing = [c for c in DATA_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}; it needs {', '.join(DATA_COLUMNS)}")
    known = method.indicator_ids()
    unknown = sorted(set(data["indicator"].astype(str)) - set(known))
    if unknown:
        named = []
        for name in unknown:
            near = closest(name, known)
            named.append(f"{name!r}" + (f" (closest known: {' or '.join(near)})" if near else ""))
        raise ValueError(f"data names indicators the method does not know: {', '.join(named)}")
    clean = data.assign(unit=data["unit"].astype(str), indicator=data["indicator"].astype(str),
                        value=pd.to_numeric(data["value"], errors="coerce"))
    return composite_index(clean[list(DATA_COLUMNS)], method, unit="unit", indicator="indicator", value="value")
