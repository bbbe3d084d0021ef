"""Index methods written as YAML files, for the command-line scorer (format: docs/METHOD.md)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analytics.index import BandSpec, GroupSpec, IndexMethod, IndicatorSpec, composite_index

DATA_COLUMNS = ("unit", "indicator", "value")


def parse_method(raw: Any) -> IndexMethod:
    """Build an IndexMethod from a parsed method file, or raise ValueError naming every problem."""
    if not isinstance(raw, Mapping):
        raise ValueError("method file: must be a mapping")
    problems: list[str] = []
    groups: list[GroupSpec] = []
    for g in raw.get("groups") or []:
        if not isinstance(g, Mapping) or "id" not in g:
            problems.append(f"groups: each group needs an id, got {g!r}")
            continue
        parent = g.get("parent")
        groups.append(GroupSpec(str(g["id"]), None if parent is None else str(parent), float(g.get("weight", 1))))
    indicators: list[IndicatorSpec] = []
    for i in raw.get("indicators") or []:
        if not isinstance(i, Mapping) or "id" not in i or "parent" not in i:
            problems.append(f"indicators: each indicator needs an id and a parent, got {i!r}")
            continue
        gp = i.get("goalposts")
        if gp is not None and not (isinstance(gp, list) and len(gp) == 2):
            problems.append(f"{i['id']}: goalposts must be [low, high]")
            gp = None
        indicators.append(IndicatorSpec(
            id=str(i["id"]), parent=str(i["parent"]), weight=float(i.get("weight", 1)),
            polarity=int(i.get("polarity", 1)),
            goalposts=None if gp is None else (float(gp[0]), float(gp[1])),
            normalisation=None if i.get("normalisation") is None else str(i["normalisation"]),
        ))
    if not indicators:
        problems.append("method file: lists no indicators")
    bands = []
    for n, b in enumerate(raw.get("bands") or []):
        if not isinstance(b, Mapping) or "min" not in b:
            problems.append(f"bands: each band needs a min, got {b!r}")
            continue
        bands.append(BandSpec(int(b.get("level", n + 1)), float(b["min"]), str(b.get("label", n + 1))))
    version = str(raw.get("version") or "")
    if not version:
        problems.append("method file: version is missing")
    if problems:
        raise ValueError("method file is invalid:\n- " + "\n- ".join(problems))
    return IndexMethod(
        version=version, indicators=tuple(indicators), groups=tuple(groups),
        normalisation=str(raw.get("normalisation", "goalposts")), aggregation=str(raw.get("aggregation", "arithmetic")),
        min_coverage=float(raw.get("min_coverage", 1.0)), scale=float(raw.get("scale", 100)), bands=tuple(bands),
    )


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
    value, score, coverage, band, band_label, method_version.
    """
    missing = [c for c in DATA_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"data lacks columns {missing}; it needs {', '.join(DATA_COLUMNS)}")
    known = set(method.indicator_ids())
    unknown = sorted(set(data["indicator"].astype(str)) - known)
    if unknown:
        raise ValueError(f"data names indicators the method does not know: {unknown}")
    clean = data.assign(unit=data["unit"].astype(str), indicator=data["indicator"].astype(str),
                        value=pd.to_numeric(data["value"], errors="coerce"))
    return composite_index(clean[list(DATA_COLUMNS)], method, unit="unit", indicator="indicator", value="value")
