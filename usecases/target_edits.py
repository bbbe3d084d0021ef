"""Planners' edits of plan targets, kept in the database over `survey/targets.yaml`, with their history.

The file stays the starting point; an edited target is stored whole (in the file's shape) in
`target_overrides`, and every changed field is a row of `target_changes` (who, when, old, new).
`effective_targets` merges the two and checks the result with the same rules as the file
(`survey.targets.parse_targets`). A sourced target keeps its source; any other target stays marked
as an assumption, and becomes sourced only when the planner names a source.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.audit import record
from data.models import TargetChange, TargetOverride, utcnow
from data.repository import bump_data_version
from survey.catalogue import Catalogue, default_catalogue
from survey.errors import DomainError
from survey.i18n import LANGS, TEXTS, t
from survey.targets import BASES, TARGETS_PATH, Target, TargetsError, parse_targets
from survey.workflow import Channel
from survey.years import display_year, to_be
from usecases import tables
from usecases.access import AccessDenied, Principal, Role

#: Roles that edit targets.
TARGET_ROLES = (Role.PLANNER, Role.ADMINISTRATOR)


class TargetEditError(DomainError, ValueError):
    """A target edit that cannot be saved."""


@dataclass(frozen=True)
class TargetEdit:
    """What a planner changes in a target; None leaves a field as it is. Years: >= 2400 B.E., else C.E."""

    basis: str | None = None
    source: str | None = None
    note_th: str | None = None
    note_en: str | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    goal_year: int | None = None
    goal_value: float | None = None
    milestones: Mapping[int, float] | str | None = None  # text as `parse_milestones` reads it
    at_risk_margin: float | None = None


def require_target_editor(principal: Principal) -> None:
    if not principal.has(*TARGET_ROLES):
        raise AccessDenied()


def file_definitions(path: Path | str = TARGETS_PATH) -> list[dict[str, Any]]:
    """Return the targets of the file as YAML-shaped dicts, in file order."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [dict(t) for t in raw.get("targets") or []]


def _decode(definition: str) -> dict[str, Any]:
    """Read a stored target; JSON keeps milestone years as text, the file's shape has them as numbers."""
    raw = json.loads(definition)
    if isinstance(raw.get("milestones"), dict):
        raw["milestones"] = {int(y): v for y, v in raw["milestones"].items()}
    return dict(raw)


def effective_definitions(session: Session, path: Path | str = TARGETS_PATH) -> list[dict[str, Any]]:
    """Return the file's targets with every stored edit laid over them (edited ones replace the file's)."""
    stored = {o.target_id: _decode(o.definition) for o in session.scalars(select(TargetOverride))}
    out = [stored.pop(str(t.get("id")), t) for t in file_definitions(path)]
    return out + [stored[k] for k in sorted(stored)]


def effective_targets(session: Session, catalogue: Catalogue | None = None,
                      path: Path | str = TARGETS_PATH) -> tuple[Target, ...]:
    """Return the targets every page uses: the file's, with the planners' edits, checked like the file."""
    return parse_targets({"targets": effective_definitions(session, path)}, catalogue or default_catalogue())


def edited_ids(session: Session) -> set[str]:
    return set(session.scalars(select(TargetOverride.target_id)))


def last_edited(session: Session) -> pd.Timestamp | None:
    """Return when a planner last edited a target, in UTC (None when no target was ever edited)."""
    at = session.scalar(select(func.max(TargetOverride.updated_at)))
    if at is None:
        return None
    # SQLite hands back the stored UTC moment without its zone; PostgreSQL hands back an aware one.
    stamp = pd.Timestamp(at)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def parse_milestones(text: str) -> dict[int, float]:
    """Read milestones written as `2567: 80, 2568: 85` (years B.E., or C.E. below 2400)."""
    out: dict[int, float] = {}
    for part in (p.strip() for p in re.split(r"[,;\n]", text or "")):
        if not part:
            continue
        year, sep, value = part.partition(":")
        try:
            if not sep:
                raise ValueError(part)
            out[to_be(int(year.strip()))] = float(value.strip())
        except ValueError:
            raise TargetEditError("target_bad_milestone", part=repr(part)) from None
    return out


def _apply(current: Mapping[str, Any], edit: TargetEdit) -> dict[str, Any]:
    new = copy.deepcopy(dict(current))
    basis = edit.basis or str(new.get("basis"))
    if basis not in BASES:
        raise TargetEditError("target_bad_basis", basis=repr(basis))
    if edit.source is not None:
        shown = new.get("source")
        # The form shows the source in the reader's language: unchanged there, its other language stays.
        unchanged = isinstance(shown, Mapping) and edit.source.strip() in (shown.get("th"), shown.get("en"))
        if not unchanged:
            new["source"] = edit.source.strip() or None
    if basis == "sourced" and not new.get("source"):
        raise TargetEditError("target_source_required")
    new["basis"] = basis
    if basis == "assumption":
        note = dict(new.get("note") or {lang: t("target_default_note", lang) for lang in LANGS})
        for lang, value in (("th", edit.note_th), ("en", edit.note_en)):
            if value is not None and value.strip():
                note[lang] = value.strip()
        new["note"] = note
    else:
        new.pop("note", None)
    if new.get("source") is None:
        new.pop("source", None)
    baseline, goal = dict(new.get("baseline") or {}), dict(new.get("goal") or {})
    if edit.baseline_year is not None:
        baseline["year"] = to_be(edit.baseline_year)
    if edit.baseline_value is not None:
        baseline["value"] = float(edit.baseline_value)
    if edit.goal_year is not None:
        goal["year"] = to_be(edit.goal_year)
    if edit.goal_value is not None:
        goal["value"] = float(edit.goal_value)
    new["baseline"], new["goal"] = baseline, goal
    if edit.milestones is not None:
        chosen = parse_milestones(edit.milestones) if isinstance(edit.milestones, str) else edit.milestones
        new["milestones"] = {to_be(int(y)): float(v) for y, v in sorted(chosen.items())}
    if edit.at_risk_margin is not None:
        new["at_risk_margin"] = float(edit.at_risk_margin)
    return new


def _flat(definition: Mapping[str, Any]) -> dict[str, str | None]:
    """Return the fields a planner edits, as text for the history; 55 and 55.0 read the same."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    def number(value: Any) -> str | None:
        return str(float(value)) if isinstance(value, int | float) and not isinstance(value, bool) else text(value)

    note = definition.get("note") or {}
    baseline, goal = definition.get("baseline") or {}, definition.get("goal") or {}
    milestones = definition.get("milestones") or {}
    source = definition.get("source")
    if isinstance(source, Mapping):
        source = f"{source.get('th')} / {source.get('en')}"
    return {"basis": text(definition.get("basis")), "source": text(source),
            "note.th": text(note.get("th")), "note.en": text(note.get("en")),
            "baseline.year": text(baseline.get("year")), "baseline.value": number(baseline.get("value")),
            "goal.year": text(goal.get("year")), "goal.value": number(goal.get("value")),
            "milestones": ", ".join(f"{int(y)}: {float(v):g}" for y, v in sorted(milestones.items())) or None,
            "at_risk_margin": number(definition.get("at_risk_margin"))}


def edit_target(session: Session, principal: Principal, target_id: str, edit: TargetEdit,
                catalogue: Catalogue | None = None, path: Path | str = TARGETS_PATH) -> Target:
    """Store a planner's edit of a target after checking it like the file; record each changed field."""
    require_target_editor(principal)
    catalogue = catalogue or default_catalogue()
    definitions = effective_definitions(session, path)
    index = next((i for i, t in enumerate(definitions) if str(t.get("id")) == target_id), None)
    if index is None:
        raise TargetEditError("target_not_found", id=target_id)
    current = definitions[index]
    new = _apply(current, edit)
    definitions[index] = new
    try:
        targets = parse_targets({"targets": definitions}, catalogue)
    except TargetsError as exc:
        detail = "; ".join(exc.problems)
        raise TargetEditError("target_invalid", detail=detail) from exc
    before, after = _flat(current), _flat(new)
    changed = [f for f in after if before[f] != after[f]]
    if changed:
        now = utcnow()
        row = session.get(TargetOverride, target_id)
        if row is None:
            row = TargetOverride(target_id=target_id, definition="", updated_by=principal.username)
            session.add(row)
        row.definition = json.dumps(new, ensure_ascii=False)
        row.updated_by, row.updated_at = principal.username, now
        for f in changed:
            session.add(TargetChange(target_id=target_id, at=now, actor=principal.username, field=f,
                                     old_value=before[f], new_value=after[f]))
        record(session, principal.username, Channel.WEB, "target_edit", detail=f"{target_id}: {', '.join(changed)}",
               at=now)
        session.flush()
        bump_data_version(session)  # cached reads (the Overview's target path) follow the edit
    return next(t for t in targets if t.id == target_id)


def target_history(session: Session, principal: Principal, target_id: str | None = None) -> pd.DataFrame:
    """Return every change to targets (or to one), newest first: at, target, actor, field, old, new."""
    require_target_editor(principal)
    cols = ("at", "target_id", "actor", "field", "old_value", "new_value")
    stmt = select(*(getattr(TargetChange, c) for c in cols))
    if target_id is not None:
        stmt = stmt.where(TargetChange.target_id == target_id)
    rows = session.execute(stmt.order_by(TargetChange.at.desc(), TargetChange.id.desc())).all()
    return pd.DataFrame.from_records(rows, columns=list(cols))


def targets_table(session: Session, principal: Principal, catalogue: Catalogue | None = None,
                  lang: str = "th") -> pd.DataFrame:
    """Return the effective targets, one row each, marking which ones planners edited."""
    require_target_editor(principal)
    edited = edited_ids(session)
    rows = [{"target_id": t.id, "kpi": t.kpi, "basis": t.basis, "source": t.source.get(lang) if t.source else "",
             "baseline_year": t.baseline_year, "baseline_value": t.baseline_value, "goal_year": t.goal_year,
             "goal_value": t.goal_value,
             "milestones": ", ".join(f"{y}: {v:g}" for y, v in sorted(t.milestones.items())),
             "at_risk_margin": t.at_risk_margin, "edited": t.id in edited}
            for t in effective_targets(session, catalogue)]
    return pd.DataFrame(rows)


def shown_targets(session: Session, principal: Principal, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the targets table and their history as the Targets page shows them: the basis and each changed field
    in words, years in the reader's calendar, moments in Thai time, empty cells as "–"."""
    table = targets_table(session, principal, lang=lang)
    table = table.assign(**{c: [display_year(int(y), lang) for y in table[c]] for c in ("baseline_year", "goal_year")})
    history = target_history(session, principal)
    fields = [t(f.replace(".", "_"), lang) if f.replace(".", "_") in TEXTS else f for f in history["field"]]
    return (tables.readable(table, lang, {"basis": "wb_basis"}),
            tables.readable(history.assign(field=fields), lang))
