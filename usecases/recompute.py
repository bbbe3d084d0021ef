"""Long analytics work as jobs: recompute every cycle under the current method, or one cycle's uncertainty.

Both run through `usecases.jobs.run_job`, so a page shows a progress bar and a user can leave and find
the job finished; the command line passes `usecases.jobs.cli_progress` instead.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from analytics.pipeline import cycle_results
from data import repository
from data.db import session_scope
from survey.catalogue import Catalogue, default_catalogue
from survey.years import to_be
from usecases.access import AccessDenied, Principal, can_open
from usecases.jobs import Progress, run_job
from usecases.target_edits import effective_targets


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def recompute_cycles(session: Session, progress: Progress, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Return every cycle's headline results recomputed under the catalogue's current method.

    Each cycle goes through `analytics.pipeline.cycle_results` (uncertainty skipped); the result
    names the method version every score was computed with.
    """
    catalogue = catalogue or default_catalogue()
    targets = effective_targets(session, catalogue)
    frame, responses = repository.frame(session), repository.responses(session)
    services, answers = repository.services(session), repository.answers(session)
    years = sorted(int(y) for y in repository.cycles(session)["year_be"])
    out: dict[str, Any] = {}
    method_version = catalogue.method.version
    for i, year in enumerate(years):
        progress(i, len(years), f"cycle {year}")
        res = cycle_results(year, frame, responses, services, answers, catalogue, targets, draws=0)
        figures = res.national.set_index("figure")["value"]
        method_version = res.method_version
        out[str(year)] = {"method_version": res.method_version,
                          "readiness_index": _number(figures.get("readiness_index")),
                          "online_service_ratio": _number(figures.get("online_service_ratio")),
                          "agencies_scored": _number(figures.get("agencies_scored"))}
    progress(len(years), len(years), "done")
    return {"method_version": method_version, "cycles": out}


def uncertainty_summary(session: Session, year: int, progress: Progress, draws: int = 1000,
                        catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Return one cycle's uncertainty analysis in brief: draws, agencies, share of stable pairs."""
    catalogue = catalogue or default_catalogue()
    year = to_be(year)
    progress(0, 1, f"cycle {year}")
    res = cycle_results(year, repository.frame(session), repository.responses(session), repository.services(session),
                        repository.answers(session), catalogue, effective_targets(session, catalogue), draws=draws)
    progress(1, 1, "done")
    if res.uncertainty is None:
        return {"cycle": year, "draws": 0, "agencies": 0, "stable_pair_share": None}
    return {"cycle": year, "draws": res.uncertainty.draws, "agencies": len(res.uncertainty.scores),
            "stable_pair_share": _number(res.uncertainty.stable_pair_share), "method_version": res.method_version}


def _require(principal: Principal) -> None:
    if not can_open(principal, "instrument"):
        raise AccessDenied()


def start_recompute(engine: Engine, principal: Principal, background: bool = True) -> int:
    """Start recomputing every cycle under the current method as a job; return the job's id."""
    _require(principal)

    def work(progress: Progress) -> dict[str, Any]:
        with session_scope(engine) as session:
            return recompute_cycles(session, progress)

    return run_job(engine, "recompute", principal.username, work, background)


def start_uncertainty(engine: Engine, principal: Principal, year: int, draws: int = 1000,
                      background: bool = True) -> int:
    """Start one cycle's uncertainty analysis as a job; return the job's id."""
    _require(principal)

    def work(progress: Progress) -> dict[str, Any]:
        with session_scope(engine) as session:
            return uncertainty_summary(session, year, progress, draws)

    return run_job(engine, "uncertainty", principal.username, work, background)
