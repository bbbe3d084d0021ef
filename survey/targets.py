"""Plan targets, loaded from `targets.yaml` and checked like the catalogue.

A target is dated: a baseline (year, value), a goal (year, value), optional milestones in between,
and a basis: `sourced` (with its source) or `assumption` (with a note saying so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from survey.catalogue import Catalogue, CatalogueError, Text

TARGETS_PATH = Path(__file__).with_name("targets.yaml")
BASES = ("sourced", "assumption")
MIN_BE_YEAR = 2400


class TargetsError(CatalogueError):
    """A targets file that cannot be used; lists every problem with the target's id."""


@dataclass(frozen=True)
class Observation:
    year: int
    value: float
    source: str


@dataclass(frozen=True)
class Target:
    id: str
    kpi: str
    basis: str
    source: Text | None
    note: Text | None
    baseline_year: int
    baseline_value: float | None
    baseline_source: Text | None
    goal_year: int
    goal_value: float
    milestones: Mapping[int, float]
    at_risk_margin: float
    observations: tuple[Observation, ...]

    @property
    def is_assumption(self) -> bool:
        return self.basis == "assumption"


def parse_targets(raw: Any, catalogue: Catalogue) -> tuple[Target, ...]:
    """Build targets from parsed YAML, or raise TargetsError naming each bad target."""
    problems: list[str] = []
    if not isinstance(raw, Mapping) or not isinstance(raw.get("targets"), list):
        raise TargetsError(["targets: the file must have a `targets:` list"])
    known = {k.id for k in catalogue.kpis} | {i.id for i in catalogue.indicators()}
    out: list[Target] = []
    seen: set[str] = set()
    for t in raw["targets"]:
        tid = str(t.get("id", "?"))
        where = f"target {tid}"

        def fail(msg: str, where: str = where) -> None:
            problems.append(f"{where}: {msg}")

        if tid in seen:
            fail("duplicate target id")
        seen.add(tid)
        kpi = str(t.get("kpi", ""))
        if kpi not in known:
            fail(f"names unknown KPI or indicator {kpi!r}")
        basis = t.get("basis")
        if basis not in BASES:
            fail(f"basis must be one of {', '.join(BASES)}, not {basis!r}")
        source = _source(t.get("source"), fail)
        note = None
        if basis == "sourced" and source is None:
            fail("a sourced target must name its source")
        if basis == "assumption":
            n = t.get("note")
            if not (isinstance(n, Mapping) and n.get("th") and n.get("en")):
                fail("an assumption needs a note in Thai and English saying it is an assumption")
            else:
                note = Text(str(n["th"]), str(n["en"]))
        baseline = t.get("baseline") or {}
        goal = t.get("goal") or {}
        by, gy = baseline.get("year"), goal.get("year")
        if not isinstance(by, int) or by < MIN_BE_YEAR:
            fail(f"baseline year must be a Buddhist-Era year (>= {MIN_BE_YEAR}), not {by!r}")
            by = 0
        if not isinstance(gy, int) or gy < MIN_BE_YEAR:
            fail(f"goal year must be a Buddhist-Era year (>= {MIN_BE_YEAR}), not {gy!r}")
            gy = 0
        if by and gy and gy <= by:
            fail(f"goal year {gy} must come after baseline year {by}")
        if not isinstance(goal.get("value"), int | float):
            fail("goal needs a numeric value")
        milestones: dict[int, float] = {}
        for year, value in (t.get("milestones") or {}).items():
            if not isinstance(year, int) or not (by < year < gy):
                fail(f"milestone year {year!r} must fall between the baseline and goal years")
            elif not isinstance(value, int | float):
                fail(f"milestone {year} needs a numeric value")
            else:
                milestones[year] = float(value)
        margin = t.get("at_risk_margin", 0)
        if not isinstance(margin, int | float) or margin < 0:
            fail("at_risk_margin must be a number >= 0")
            margin = 0
        observations = tuple(
            Observation(int(o["year"]), float(o["value"]), str(o.get("source", "")))
            for o in t.get("observations") or []
        )
        bv = baseline.get("value")
        out.append(Target(
            id=tid, kpi=kpi, basis=str(basis), source=source, note=note,
            baseline_year=by, baseline_value=None if bv is None else float(bv),
            baseline_source=_source(baseline.get("source"), fail),
            goal_year=gy, goal_value=float(goal.get("value") or 0),
            milestones=milestones, at_risk_margin=float(margin), observations=observations,
        ))
    if problems:
        raise TargetsError(problems)
    return tuple(out)


def _source(raw: Any, fail: Any) -> Text | None:
    """Return a source as Thai and English: a mapping {th, en}, or one text (a planner's) for both languages."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        return Text(raw, raw)
    if isinstance(raw, Mapping) and all(isinstance(raw.get(lang), str) and raw[lang].strip() for lang in ("th", "en")):
        return Text(str(raw["th"]), str(raw["en"]))
    fail("a source is a text, or a Thai (th) and an English (en) text")
    return None


def load_targets(catalogue: Catalogue, path: Path | str = TARGETS_PATH) -> tuple[Target, ...]:
    """Load and check a targets file against the catalogue."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TargetsError([f"targets: not valid YAML ({exc})"]) from exc
    return parse_targets(raw, catalogue)


def target_for(targets: tuple[Target, ...], kpi: str) -> Target | None:
    """Return the target set on a KPI or indicator, if any."""
    return next((t for t in targets if t.kpi == kpi), None)
