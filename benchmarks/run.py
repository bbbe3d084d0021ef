"""Benchmark at national and local-government scale; prints a table and writes docs/PERFORMANCE.md.

Each figure stands beside the floor it is measured against in the same run: reading a cycle is
compared with the same SELECTs through a plain DB-API cursor. Ratios, not seconds, are what
carry from one (shared, noisy) machine to another.

    .venv/bin/python -m benchmarks.run [--scales 320 1900 8000] [--url-template sqlite:///{dir}/bench-{n}.sqlite3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from analytics.index import method_from_catalogue
from analytics.kpis import national_kpis
from analytics.pipeline import cycle_results
from analytics.uncertainty import monte_carlo
from benchmarks import register
from data import repository
from data.db import make_engine
from data.migrate import upgrade
from survey.catalogue import default_catalogue
from survey.targets import load_targets
from usecases import accounts, base_store, runtime, sessions, sign_in
from usecases.demo import DemoSpec, seed_demo
from usecases.views import results as kept

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
YEAR = 2568


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Return the best wall time of `repeat` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def load_cycle(engine: Engine) -> tuple[Any, ...]:
    with Session(engine) as s:
        return (repository.frame(s, [YEAR]), repository.responses(s, [YEAR]),
                repository.services(s, [YEAR]), repository.answers(s, [YEAR]))


def read_floor(engine: Engine) -> int:
    """Read the same rows as load_cycle with a plain DB-API cursor: the floor."""
    queries = (
        "SELECT f.cycle_year, f.agency_id, a.ministry_id, a.agency_type, a.province, f.deadline "
        "FROM cycle_frame f JOIN agencies a ON a.id = f.agency_id WHERE f.cycle_year = :y",
        "SELECT id, cycle_year, agency_id, status, catalogue_version, version, submitted_at, updated_at "
        "FROM responses WHERE cycle_year = :y",
        "SELECT s.id, s.response_id, r.cycle_year, r.agency_id, s.code, s.name, s.digital_level, s.annual_volume, "
        "s.paper_required, s.uses_digital_id, s.uses_e_payment, s.uses_e_signature, s.uses_e_certificate "
        "FROM services s JOIN responses r ON r.id = s.response_id WHERE r.cycle_year = :y",
        "SELECT a.response_id, r.cycle_year, r.agency_id, a.indicator_id, a.value_num, a.value_text, a.evidence "
        "FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.cycle_year = :y",
    )
    rows = 0
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for q in queries:
            sql = q.replace(":y", str(YEAR))
            cur.execute(sql)
            rows += len(cur.fetchall())
        cur.close()
    finally:
        raw.close()
    return rows


def touch_response(session: Session) -> None:
    """Change one counted response of the measured cycle as the app does: a new version, a new data version."""
    rid = session.execute(text("SELECT id FROM responses WHERE cycle_year = :y AND status = 'approved' "
                               "ORDER BY id LIMIT 1"), {"y": YEAR}).scalar_one()
    session.execute(text("UPDATE answers SET value_num = COALESCE(value_num, 0) + 1 WHERE response_id = :r "
                         "AND indicator_id = 'DAT.02'"), {"r": rid})
    session.execute(text("UPDATE responses SET version = version + 1, updated_at = :t WHERE id = :r"),
                    {"r": rid, "t": dt.datetime.now(dt.UTC)})
    repository.bump_data_version(session)


def planner_token(url: str) -> str:
    """Create a planner account on the benchmark database and return a signed-in session token."""
    from data.config import account_policy, session_secret
    from usecases.access import Role

    engine = make_engine(url)
    password = secrets.token_urlsafe(16)
    with Session(engine) as s:
        admin = accounts.create_first_admin(s, f"bench-admin-{secrets.token_hex(3)}", password, account_policy())
        s.flush()
        principal = sessions.load_principal(s, admin.id)
        assert principal is not None
        accounts.create_user(s, principal, "bench-planner", "Bench planner", password=password,
                             roles=[(Role.PLANNER, None)], policy=account_policy())
        s.commit()
        result = sign_in.sign_in(s, "bench-planner", password, session_secret(), account_policy())
        s.commit()
    engine.dispose()
    if result.token is None:
        raise RuntimeError(f"benchmark sign-in failed: {result.problem}")
    return result.token


def render_overview(url: str) -> tuple[float, float, float]:
    """Return cold and warm server-side renders of the Overview page, and submission-to-visible time."""
    from streamlit.testing.v1 import AppTest

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("READINESS_SESSION_SECRET", secrets.token_hex(32))
    token = planner_token(url)
    started = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["_auth_token"] = token
    at.run()
    cold = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception)
    warm, _ = timed(lambda: at.run(), repeat=3)
    before = at.dataframe[0].value.to_csv()
    # A new submission: one more service fully online in the latest cycle, then the overview again.
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as s:
        rid = s.execute(text("SELECT id FROM responses WHERE cycle_year = :y AND status = 'approved' LIMIT 1"),
                        {"y": YEAR}).scalar_one()
        s.execute(text("INSERT INTO services (response_id, code, name, digital_level, paper_required, "
                       "uses_digital_id, uses_e_payment, uses_e_signature, uses_e_certificate) "
                       "VALUES (:r, 'BENCH', 'bench service', 4, false, true, true, false, false)"), {"r": rid})
        # As every write does: the response moves to a new version, and the data version moves on.
        s.execute(text("UPDATE responses SET version = version + 1, updated_at = :t WHERE id = :r"),
                  {"r": rid, "t": dt.datetime.now(dt.UTC)})
        repository.bump_data_version(s)
        s.commit()
    at.run()
    fresh = time.perf_counter() - started
    if at.dataframe[0].value.to_csv() == before:
        after = at.dataframe[0].value.to_csv()
        raise RuntimeError(f"the overview did not change after a submission: {before} -> {after}")
    engine.dispose()
    return cold, warm, fresh


def bench_workbook(engine: Engine, draws: int) -> tuple[float, float, int]:
    """Return the best times of build_workbook (from precomputed results) and of its write floor, and the cells.

    The floor writes exactly the workbook's cells (same sheets, values and order) with xlsxwriter in
    constant-memory mode and nothing else (`analytics.workbook.write_floor`).
    """
    from analytics.pipeline import cycle_results
    from analytics.workbook import late_or_missing
    from benchmarks.workbook_floor import workbook_cells, write_floor
    from survey.targets import load_targets
    from usecases.workbook.build import build_workbook

    cat = default_catalogue()
    targets = load_targets(cat)
    with Session(engine) as s:  # as usecases.exports.executive_workbook does: earlier cycles from kept bases
        rows = kept.cycle_rows(s, sorted(int(y) for y in repository.cycles(s)["year_be"]), cat, read=(YEAR,))
        fr, rs = rows.frame, rows.responses
        with threadpool_limits(limits=1):
            results = cycle_results(YEAR, fr, rs, rows.services, rows.answers, cat, targets, draws=draws,
                                    bases=rows.bases)
        agencies, ministries = repository.agencies(s), repository.ministries(s)
    date = dt.date(2025, 10, 1)
    timeliness = late_or_missing(fr, rs, YEAR, date, dt.date(2025, 8, 31))
    book_s, data = timed(lambda: build_workbook(results, cat, targets, "th", agencies=agencies, ministries=ministries,
                                                demo=True, data_date=date, timeliness=timeliness))
    cells = workbook_cells(data)
    floor_s, _ = timed(lambda: write_floor(cells))
    return book_s, floor_s, sum(len(c) for _, c in cells)


def bench_schema(url: str) -> str | None:
    """Return the PostgreSQL schema the benchmark URL reads (its search_path option), None on SQLite."""
    if not url.startswith("postgresql"):
        return None
    options = make_url(url).query.get("options", "")
    found = [o.split("=", 1)[1] for o in str(options).split() if o.startswith("-csearch_path=")]
    if not found or not found[0].startswith("bench_"):
        raise ValueError("on PostgreSQL the benchmark needs a schema of its own: options=-csearch_path=bench_...")
    return found[0]


def with_bench_schema(url: str, n: int, cycles: int) -> str:
    """Return `url` reading the schema `bench_<agencies>_<cycles>` (PostgreSQL); SQLite URLs as they are."""
    if not url.startswith("postgresql"):
        return url
    return make_url(url).update_query_dict({"options": f"-csearch_path=bench_{n}_{cycles}"}).render_as_string(
        hide_password=False)


def first_request(url: str) -> float:
    """Return how long a new process takes to compute the measured cycle's results (detail on, no Monte Carlo)."""
    child = subprocess.run([sys.executable, "-m", "benchmarks.run", "--first-request", "--url", url], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"first request failed:\n{child.stderr[-4000:]}")
    return float(json.loads(child.stdout.strip().splitlines()[-1])["seconds"])


def time_first_request(url: str) -> float:
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as s:
        kept.results(s, YEAR, draws=0, detail=True)
    took = time.perf_counter() - started
    base_store.flush()
    engine.dispose()
    return took


def peak_mb() -> float:
    """This process's largest resident set so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_scale(n: int, url: str, workbook_draws: int = 20, cycles: int = 5) -> dict[str, Any]:
    peaks: dict[str, float] = {"start": peak_mb()}  # the largest resident set after each phase: where the peak is
    engine = make_engine(url)
    schema = bench_schema(url)
    if schema is not None:  # a schema of the benchmark's own: never the tests' schemas or public
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    upgrade(engine)
    cat = default_catalogue()
    started = time.perf_counter()
    counts = seed_demo(engine, cat, DemoSpec(agencies=n, years=tuple(range(YEAR - cycles + 1, YEAR + 1))))
    seed_s = time.perf_counter() - started
    peaks["seed"] = peak_mb()
    load_s, frames = timed(lambda: load_cycle(engine))
    floor_s, floor_rows = timed(lambda: read_floor(engine))
    rows = sum(len(f) for f in frames)
    if rows != floor_rows:
        raise RuntimeError(f"load and floor read different rows: {rows} vs {floor_rows}")
    fr, rs, sv, _ = frames
    kpi_s, _ = timed(partial(national_kpis, YEAR, fr, rs, sv, cat.online_level))
    del frames, fr, rs, sv  # each phase lets go of what it read: peak memory is the largest phase, not their sum
    peaks["load"] = peak_mb()
    # Full analytics of the cycle (every figure of issue 5 except the Monte Carlo), reading every cycle
    # it needs for trends and jumps, against the floor of reading that cycle's rows.
    targets = load_targets(cat)

    def analytics_cold() -> Any:  # every cycle from its rows, nothing kept
        with Session(engine) as s:
            everything = (repository.frame(s), repository.responses(s), repository.services(s), repository.answers(s))
        with threadpool_limits(limits=1):
            return cycle_results(YEAR, *everything, cat, targets, draws=0)

    cold_analytics_s, results = timed(analytics_cold, repeat=1)
    peaks["every cycle from rows"] = peak_mb()
    mc_s, _ = timed(partial(monte_carlo, results.values, method_from_catalogue(cat), draws=1000), repeat=1)
    peaks["Monte Carlo"] = peak_mb()
    del results
    gc.collect()
    # Full analytics of the cycle as the app runs it after a change to that cycle: earlier cycles'
    # bases are kept (their data did not change), this cycle's rows are read and everything of issue 5
    # except the Monte Carlo is computed (results.results, detail on), against the cycle's read floor.
    with Session(engine) as s:
        kept.results(s, YEAR, draws=0, detail=True)  # keeps every cycle's base

    def analytics_after_change() -> Any:
        with Session(engine) as s:
            touch_response(s)
            s.commit()
            return kept.results(s, YEAR, draws=0, detail=True)

    analytics_s, _ = timed(analytics_after_change)
    peaks["after a change"] = peak_mb()
    # A restarted server's first request: a new process, with the bases this one kept on disk.
    base_store.flush()
    first_s = first_request(url)
    book_s, book_floor_s, cells = bench_workbook(engine, workbook_draws)
    peaks["workbook"] = peak_mb()
    cold, warm, fresh = render_overview(url)
    peaks["Overview"] = peak_mb()
    if schema is not None:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()
    return {"agencies": n, "cycles": cycles, "first_s": first_s, "answers": counts["answers"], "services": counts["services"], "seed_s": seed_s,
            "rows": rows, "load_s": load_s, "floor_s": floor_s, "kpis_s": kpi_s, "analytics_s": analytics_s,
            "mc_s": mc_s, "cold_analytics_s": cold_analytics_s, "cold_s": cold, "warm_s": warm, "fresh_s": fresh, "book_s": book_s,
            "book_floor_s": book_floor_s, "cells": cells, "peak_mb": peak_mb(), "peaks": peaks}


def table(results: list[dict[str, Any]], backend: str) -> str:
    head = ("| agencies | cycles | answers | services | seed s | cycle rows | load s | read floor s | load / floor "
            "| national KPIs s | analytics, every cycle from rows s | first request after a restart s "
            "| full analytics after a change s "
            "| analytics / floor | Monte Carlo 1,000 draws s "
            "| Overview cold s | Overview warm s | submission to overview s "
            "| workbook cells | workbook s | write floor s | workbook / floor | peak MB |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        lines.append(
            f"| {r['agencies']:,} | {r['cycles']} | {r['answers']:,} | {r['services']:,} | {r['seed_s']:.1f} "
            f"| {r['rows']:,} | {r['load_s']:.3f} | {r['floor_s']:.3f} | {r['load_s'] / r['floor_s']:.2f} "
            f"| {r['kpis_s']:.3f} | {r['cold_analytics_s']:.2f} | {r['first_s']:.2f} | {r['analytics_s']:.2f} "
            f"| {r['analytics_s'] / r['floor_s']:.1f} "
            f"| {r['mc_s']:.1f} "
            f"| {r['cold_s']:.2f} | {r['warm_s']:.2f} | {r['fresh_s']:.2f} | {r['cells']:,} | {r['book_s']:.2f} "
            f"| {r['book_floor_s']:.2f} | {r['book_s'] / r['book_floor_s']:.2f} | {r['peak_mb']:.0f} |")
    return f"Backend: {backend}\n\n" + "\n".join(lines)


#: Issue 16's goals at 8,000 agencies: (figure, how it is computed from a result, the goal, its unit).
GOALS: tuple[tuple[str, Callable[[dict[str, Any]], float], float, str], ...] = (
    ("full analytics after a change / read floor", lambda r: r["analytics_s"] / r["floor_s"], 2.0, "x"),
    ("submission to Overview", lambda r: r["fresh_s"], 1.0, "s"),
    ("first request after a restart", lambda r: r["first_s"], 2.0, "s"),
    ("peak memory", lambda r: r["peak_mb"], 1000.0, "MB"),
    ("workbook / write floor", lambda r: r["book_s"] / r["book_floor_s"], 1.5, "x"),
)


def goals_table(results: list[dict[str, Any]]) -> str:
    """Each goal of issue 16 beside the figure of every run, the floor it is divided by, and whether it is met."""
    lines = ["| agencies | cycles | figure | measured | floor | goal | met |", "|---|---|---|---|---|---|---|"]
    for r in results:
        floors = {"full analytics after a change / read floor": f"{r['floor_s']:.3f} s read",
                  "workbook / write floor": f"{r['book_floor_s']:.2f} s write"}
        for name, figure, goal, unit in GOALS:
            value = figure(r)
            shown = f"{value:.0f} {unit}" if unit == "MB" else f"{value:.2f} {unit}"
            lines.append(f"| {r['agencies']:,} | {r['cycles']} | {name} | {shown} | {floors.get(name, '')} "
                         f"| {goal:g} {unit} | {'yes' if value <= goal else 'no'} |")
    return "\n".join(lines)


def growth_table(results: list[dict[str, Any]]) -> str:
    """How each figure grows from the fewest to the most cycles at the same number of agencies."""
    figures = (("answers", "answers"), ("read floor s", "floor_s"), ("analytics, every cycle from rows s",
               "cold_analytics_s"), ("first request after a restart s", "first_s"),
               ("full analytics after a change s", "analytics_s"), ("submission to Overview s", "fresh_s"),
               ("Overview cold s", "cold_s"), ("workbook s", "book_s"), ("peak MB", "peak_mb"))
    lines = []
    for n in sorted({r["agencies"] for r in results}):
        runs = sorted((r for r in results if r["agencies"] == n), key=lambda r: r["cycles"])
        if len(runs) < 2:
            continue
        few, many = runs[0], runs[-1]
        lines += [f"| {n:,} agencies | {few['cycles']} cycles | {many['cycles']} cycles | growth |", "|---|---|---|---|"]
        lines += [f"| {name} | {few[k]:,.2f} | {many[k]:,.2f} | {many[k] / few[k]:.2f}x |" for name, k in figures]
    return "\n".join(lines) if lines else "(no run with another number of cycles: `--ten-cycles`)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run")
    parser.add_argument("--scales", type=int, nargs="+", default=[320, 1900, 8000])
    parser.add_argument("--url-template", default="sqlite:///{dir}/bench-{n}.sqlite3",
                        help="database URL per scale; {dir} is a temporary folder, {n} the agency count")
    parser.add_argument("--out", default=str(ROOT / "docs" / "PERFORMANCE.md"))
    parser.add_argument("--workbook-draws", type=int, default=20,
                        help="Monte Carlo draws of the results the workbook is built from (not timed)")
    parser.add_argument("--register", action="store_true",
                        help="only the national services register import (5,000 services); updates its section")
    parser.add_argument("--ten-cycles", type=int, nargs="*", default=[8000],
                        help="agency counts measured again with 10 cycles (B.E. 2559-2568); none: skip")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: measure one scale, print JSON
    parser.add_argument("--cycles", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--first-request", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_request or args.one is not None:  # a server process: set up as `usecases.runtime.prepare` does
        runtime.hand_back_memory()
    if args.first_request:
        print(json.dumps({"seconds": time_first_request(args.url)}))
        return 0
    if args.one is not None:
        print(json.dumps(bench_scale(args.one, args.url, args.workbook_draws, args.cycles)))
        return 0
    if args.register:
        return bench_register(Path(args.out))
    results = []
    runs = [(n, 5) for n in args.scales] + [(n, 10) for n in args.ten_cycles]
    with tempfile.TemporaryDirectory() as tmp:
        for n, cycles in runs:
            url = with_bench_schema(args.url_template.format(dir=tmp, n=f"{n}-{cycles}"), n, cycles)
            # Each scale in a process of its own, so its peak memory is its own; bases kept on disk in its own folder.
            env = {**os.environ, "READINESS_BASES_DIR": str(Path(tmp) / f"bases-{n}-{cycles}")}
            child = subprocess.run([sys.executable, "-m", "benchmarks.run", "--one", str(n), "--url", url,
                                    "--cycles", str(cycles), "--workbook-draws", str(args.workbook_draws)], cwd=ROOT,
                                   capture_output=True, text=True, check=False, env=env)
            if child.returncode != 0:
                raise RuntimeError(f"benchmark at {n} agencies failed:\n{child.stderr[-4000:]}")
            r = json.loads(child.stdout.strip().splitlines()[-1])
            results.append(r)
            print(f"{n} agencies, {cycles} cycles: first request {r['first_s']:.2f}s, after a change "
                  f"{r['analytics_s']:.2f}s ({r['analytics_s'] / r['floor_s']:.1f}x floor); seed {r['seed_s']:.1f}s, load {r['load_s']:.3f}s vs floor {r['floor_s']:.3f}s "
                  f"({r['load_s'] / r['floor_s']:.2f}x), overview warm {r['warm_s']:.2f}s, "
                  f"submission visible in {r['fresh_s']:.2f}s, workbook {r['book_s']:.2f}s vs write floor "
                  f"{r['book_floor_s']:.2f}s ({r['book_s'] / r['book_floor_s']:.2f}x), peak {r['peak_mb']:.0f} MB "
                  f"(after each phase: {', '.join(f'{k} {v:.0f}' for k, v in r.get('peaks', {}).items())})", flush=True)
    backend = args.url_template.split(":")[0]
    body = table(results, backend)
    goals, growth = goals_table(results), growth_table(results)
    draws = args.workbook_draws
    print(body, goals, growth, sep="\n\n")
    section = (f"<!-- {backend} -->\n## {BACKENDS.get(backend, backend)}\n\nWritten on "
               f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}; the results the workbook is built from use {draws} Monte Carlo "
               f"draws.\n\n{body}\n\n### Goals (issue 16)\n\nEvery goal beside the figure of each run and the "
               f"floor it is divided by, all from this one run.\n\n{goals}\n\n### Growth with the number of "
               f"cycles\n\n{growth}\n<!-- /{backend} -->\n")
    write_report(Path(args.out), backend, section)
    return bench_register(Path(args.out)) if backend == "sqlite" else 0


def bench_register(out: Path) -> int:
    """Measure the register import phase (`benchmarks.register`) and write its section of PERFORMANCE.md."""
    r = register.run()
    print(f"register: {r['services']:,} services, first import {r['import_s']:.1f}s ({r['import_cpu_s']:.1f}s CPU), "
          f"again {r['again_s']:.1f}s ({r['again_cpu_s']:.1f}s CPU), load {r['load']:.1f}, peak {r['peak_mb']:.0f} MB",
          flush=True)
    register.write_section(out, register.section(r))
    return 0


#: The section title of each database backend in docs/PERFORMANCE.md.
BACKENDS = {"sqlite": "SQLite", "postgresql+psycopg": "PostgreSQL", "postgresql": "PostgreSQL"}
INTRO = (
    "# Performance\n\nWritten by `make bench` (`python -m benchmarks.run`; on PostgreSQL with `--url-template`), "
    f"one section per database, each from one run. Cycle measured: B.E. {YEAR}. Times are the best of 3 runs "
    "(seeding, cold analytics, first request and cold render: one run). `load / floor` compares reading a cycle "
    "through the repository (SQLAlchemy + pandas) with the same SELECTs through a plain DB-API cursor, in the same "
    "run. `workbook / floor` compares `build_workbook` (Thai, whole country, from precomputed cycle results) with "
    "writing exactly its cells with xlsxwriter in constant-memory mode and nothing else (`write_floor`). "
    "Each scale runs in a process of its own, set up as the app server sets itself up (`usecases.runtime."
    "hand_back_memory`: large freed blocks go back to the system); peak MB is that process's maximum resident set "
    "over all its phases (seeding, analytics, Monte Carlo, workbook and the Overview's AppTest render, one after "
    "the other, each letting go of what it read), and the line printed per scale gives the peak after each phase. "
    "`analytics, every cycle from rows` computes the cycle with nothing kept, in memory or on disk; "
    "`first request after a restart` is a new process asking for the cycle's results (detail on, no Monte Carlo) "
    "at the data version the first process last computed, with what it kept on disk (`usecases/base_store.py`: "
    "cycle bases, the isolation forest and k-means, and the results of that data version); "
    "`full analytics after a change` is what the app does after a change to one response of the cycle: it reads "
    "every cycle's frame and responses and the changed response's rows, patches the cycle's kept base, keeps the "
    "unchanged earlier cycles' bases, and computes all of issue 5 but the Monte Carlo "
    "(`usecases.views.results.results`, detail on); `analytics / floor` divides it by the cycle's read floor. "
    "`submission to overview` is a new service written to the database, then the Overview page run again in "
    "Streamlit's AppTest until it shows it. On PostgreSQL each run uses a schema of its own (`bench_<agencies>_"
    "<cycles>`, dropped at the end), never the tests' schemas.\n\n")


def write_report(out: Path, backend: str, section: str) -> None:
    """Write `section` for `backend` into `out`, keeping the other backends' sections as they are."""
    kept = []
    if out.exists():
        text_now = out.read_text(encoding="utf-8")
        for other in BACKENDS:
            mark, end = f"<!-- {other} -->", f"<!-- /{other} -->"
            if other != backend and mark in text_now and end in text_now:
                kept.append(text_now[text_now.index(mark):text_now.index(end) + len(end)] + "\n")
        span = register.section_span(text_now, "## National services register import")
        if span:  # the register phase's own section (benchmarks/register.py) stays as it was
            kept.append(text_now[span[0]:span[1]].rstrip("\n") + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted([section, *kept], key=lambda part: (part.startswith("## National"),  # last, as register.py puts it
                                                        "postgresql" in part.split("\n", 1)[0]))
    out.write_text(INTRO + "\n".join(ordered), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
