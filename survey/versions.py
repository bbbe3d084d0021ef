"""Instrument editions over time: what changed, what is comparable, and ids that never change meaning.

An indicator's meaning is its signature: answer type, options, polarity, range and how it is
computed. Wording may be polished under the same id; a change of signature needs a new id, and
an id that leaves the instrument is retired for good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from survey.catalogue import Catalogue, CatalogueError, Indicator, default_catalogue, load_catalogue

VERSIONS_DIR = Path(__file__).with_name("versions")


def signature(ind: Indicator) -> tuple[object, ...]:
    """Return what an indicator measures; two editions agree on an id only if this is equal."""
    ratio = (ind.ratio.numerator, ind.ratio.denominator, ind.ratio.factor) if ind.ratio else None
    return (ind.type, ind.option_ids(), ind.polarity, ind.minimum, ind.maximum, ind.measure, ratio)


@dataclass(frozen=True)
class VersionDiff:
    old: str
    new: str
    added: tuple[str, ...]
    retired: tuple[str, ...]
    reworded: tuple[str, ...]
    reweighted: tuple[str, ...]
    comparable: tuple[str, ...]


def compare(old: Catalogue, new: Catalogue) -> VersionDiff:
    """Return what changed from one edition to the next."""
    old_ids = {i.id: i for i in old.indicators()}
    new_ids = {i.id: i for i in new.indicators()}
    both = [i for i in new_ids if i in old_ids]
    return VersionDiff(
        old=old.version, new=new.version,
        added=tuple(i for i in new_ids if i not in old_ids),
        retired=tuple(i for i in old_ids if i not in new_ids),
        reworded=tuple(i for i in both if old_ids[i].question != new_ids[i].question),
        reweighted=tuple(i for i in both if (old_ids[i].weight, old_ids[i].goalposts)
                         != (new_ids[i].weight, new_ids[i].goalposts)),
        comparable=tuple(i for i in both if signature(old_ids[i]) == signature(new_ids[i])),
    )


def comparable_indicators(editions: Sequence[Catalogue]) -> list[str]:
    """Return the ids that mean the same in every edition: the ones a trend across them may use."""
    if not editions:
        return []
    first = {i.id: signature(i) for i in editions[0].indicators()}
    keep = set(first)
    for ed in editions[1:]:
        sig = {i.id: signature(i) for i in ed.indicators()}
        keep = {i for i in keep if sig.get(i) == first[i]}
    return [i.id for i in editions[0].indicators() if i.id in keep]


def check_lineage(editions: Sequence[Catalogue]) -> None:
    """Refuse a history of editions (oldest first) in which an id changed meaning or came back.

    Raises CatalogueError naming each offending id.
    """
    problems: list[str] = []
    retired: dict[str, str] = {}
    seen: dict[str, tuple[tuple[object, ...], str]] = {}
    previous: Catalogue | None = None
    for ed in editions:
        ids = {i.id: i for i in ed.indicators()}
        for iid in ids:
            if iid in retired:
                problems.append(f"indicator {iid}: retired in {retired[iid]} and reused in {ed.version}; "
                                "a retired id can never be reused, give the question a new id")
        if previous is not None:
            for iid in (i.id for i in previous.indicators()):
                if iid not in ids and iid not in ed.retired:
                    problems.append(f"indicator {iid}: dropped in {ed.version} without being listed as retired")
        for iid, ind in ids.items():
            if iid in seen and seen[iid][0] != signature(ind):
                problems.append(f"indicator {iid}: its meaning changed between {seen[iid][1]} and {ed.version} "
                                "(type, options, polarity, range or formula); a new meaning needs a new id")
            seen.setdefault(iid, (signature(ind), ed.version))
        for iid in ed.retired:
            retired.setdefault(iid, ed.version)
        previous = ed
    if problems:
        raise CatalogueError(problems)


def editions(directory: Path = VERSIONS_DIR) -> list[Catalogue]:
    """Return every stored edition and the current one, oldest first."""
    past = [load_catalogue(p) for p in sorted(directory.glob("*.yaml"))]
    current = default_catalogue()
    return [c for c in past if c.version != current.version] + [current]


@dataclass(frozen=True)
class LineageCheck:
    """The result of `check_lineage` as data: ok, or every problem naming its id."""

    ok: bool
    problems: tuple[str, ...]


def lineage_check(editions: Sequence[Catalogue]) -> LineageCheck:
    """Return whether a history of editions keeps every id's meaning, and the problems when it does not."""
    try:
        check_lineage(editions)
    except CatalogueError as exc:
        return LineageCheck(False, tuple(exc.problems))
    return LineageCheck(True, ())


def edition_summary(editions: Sequence[Catalogue]) -> pd.DataFrame:
    """Return one row per edition: version, method version, indicators, scored indicators, retired ids."""
    return pd.DataFrame([{"version": ed.version, "method_version": ed.method.version,
                          "indicators": sum(1 for _ in ed.indicators()), "scored": len(ed.scored_indicators()),
                          "retired": ", ".join(sorted(ed.retired))} for ed in editions],
                        columns=["version", "method_version", "indicators", "scored", "retired"])


CHANGES = ("added", "retired", "reworded", "reweighted", "comparable")


def diff_rows(diff: VersionDiff) -> pd.DataFrame:
    """Return a diff as rows (change, indicator id), in the order added, retired, reworded, reweighted, comparable."""
    return pd.DataFrame([{"change": change, "indicator_id": iid} for change in CHANGES for iid in getattr(diff, change)],
                        columns=["change", "indicator_id"])
