"""Analytics commands.

`python -m analytics kpis --cycle YEAR [--format json|text]`: national figures from the database.
`python -m analytics export --cycle YEAR --out FILE.xlsx [--lang th|en] [--ministry ID] [--pdf]`: the executive
workbook (docs/WORKBOOK.md) from the database; with --pdf also its PDF beside it (LibreOffice).
`python -m analytics services --cycle YEAR --by national|ministry|agency [--format csv|json]`: key services
per unit with the online shares (over all services, and over those meant to go online) and the register's statuses.
`python -m analytics score --method METHOD.yaml --data DATA.csv --out SCORES.csv`: score any long
table (unit, indicator, value) with a method file (docs/METHOD.md); no database needed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analytics.method_file import load_method, score_table
from survey.cells import csv_bytes
from survey.years import cycle_argument, to_be

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _cycle_exists(session: Session, year: int) -> bool:
    """True when cycle `year` (B.E.) is in the database; otherwise say which cycles are."""
    from data import repository

    known = set(repository.cycles(session)["year_be"].tolist())
    if year not in known:
        print(f"no survey cycle {year} B.E. in the database; cycles: {sorted(known)}", file=sys.stderr)
    return year in known


def _kpis(cycle: int, fmt: str) -> int:
    from analytics.kpis import national_kpis
    from data import repository
    from data.db import make_engine, session_scope
    from survey.catalogue import default_catalogue

    year = to_be(cycle)
    with session_scope(make_engine()) as session:
        if not _cycle_exists(session, year):
            return 2
        result = national_kpis(year, repository.frame(session, [year]), repository.responses(session, [year]),
                               repository.services(session, [year]), default_catalogue().online_level)
        result["demo"] = repository.is_demo(session)
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


def _export(cycle: int, out: str, lang: str, ministry: str | None, pdf: bool = False) -> int:
    from data import repository
    from data.db import make_engine, session_scope
    from usecases.exports import executive_workbook

    year = to_be(cycle)
    with session_scope(make_engine()) as session:
        if not _cycle_exists(session, year):
            return 2
        if ministry is not None and ministry not in set(repository.ministries(session)["ministry_id"]):
            print(f"no ministry {ministry!r} in the database", file=sys.stderr)
            return 2
        try:
            data = executive_workbook(session, year, lang, ministry)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    with open(out, "wb") as fh:
        fh.write(data)
    scope = f"ministry {ministry}" if ministry else "the whole country"
    print(f"workbook of cycle {year} B.E. for {scope} in {lang} -> {out} ({len(data):,} bytes)")
    if pdf:
        from pathlib import Path

        from usecases.workbook.pdf import PdfError, convert_to_pdf, pdf_pages

        try:
            printed = convert_to_pdf(Path(out))
        except PdfError as exc:
            print(f"no PDF: {exc}", file=sys.stderr)
            return 2
        print(f"PDF -> {printed} ({pdf_pages(printed.read_bytes())} pages)")
    return 0


def _services(cycle: int, by: str, fmt: str, lang: str) -> int:
    """Print the key-service figures per unit (docs/ANALYTICS.md, "Key services by unit")."""
    from analytics.online_services import service_table
    from data import repository
    from data.db import make_engine, session_scope
    from survey.catalogue import default_catalogue
    from survey.cells import csv_bytes
    from survey.i18n import t

    year = to_be(cycle)
    with session_scope(make_engine()) as session:
        if not _cycle_exists(session, year):
            return 2
        table = service_table(repository.frame(session, [year]), repository.responses(session, [year]),
                              repository.services(session, [year]), by, default_catalogue().online_level)
        col = "name_th" if lang == "th" else "name_en"
        names = {"national": t("national", lang)}
        if by == "ministry":
            ministries = repository.ministries(session)
            names = dict(zip(ministries["ministry_id"], ministries[col], strict=True))
        elif by == "agency":
            agencies = repository.agencies(session)
            names = dict(zip(agencies["agency_id"], agencies[col], strict=True))
    table.insert(1, "unit_name", table["unit"].map(names))
    if fmt == "json":
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        print(json.dumps(records, ensure_ascii=False))
    else:
        sys.stdout.write(csv_bytes(table).decode("utf-8-sig"))
    return 0


def _score(method_path: str, data_path: str, out_path: str) -> int:
    try:
        method = load_method(method_path)
        data = pd.read_csv(data_path, dtype={"unit": str, "indicator": str})
        scores = score_table(data, method)
    except (OSError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    Path(out_path).write_bytes(csv_bytes(scores))  # unit names come from the user's file: formula-safe
    units = scores["unit"].nunique()
    print(f"scored {units} units at {scores['node'].nunique()} nodes with method {method.version} -> {out_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Analytics commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    kp = sub.add_parser("kpis", help="national figures for a cycle")
    kp.add_argument("--cycle", type=cycle_argument, required=True, help="fiscal year; >= 2400 is B.E., else C.E.")
    kp.add_argument("--format", choices=("json", "text"), default="text")
    ex = sub.add_parser("export", help="the executive Excel workbook of a cycle")
    ex.add_argument("--cycle", type=int, required=True, help="fiscal year; >= 2400 is B.E., else C.E.")
    ex.add_argument("--out", required=True, help="the .xlsx file to write")
    ex.add_argument("--lang", choices=("th", "en"), default="th")
    ex.add_argument("--ministry", default=None, help="a ministry id: only that ministry's agencies")
    ex.add_argument("--pdf", action="store_true", help="also write the workbook's PDF beside it (needs LibreOffice)")
    sv = sub.add_parser("services", help="key services per unit: counts, online shares, register statuses")
    sv.add_argument("--cycle", type=cycle_argument, required=True, help="fiscal year; >= 2400 is B.E., else C.E.")
    sv.add_argument("--by", choices=("national", "ministry", "agency"), default="national")
    sv.add_argument("--format", choices=("csv", "json"), default="csv")
    sv.add_argument("--lang", choices=("th", "en"), default="th", help="language of unit_name")
    sc = sub.add_parser("score", help="score a long table (unit, indicator, value) with a method file")
    sc.add_argument("--method", required=True, help="method YAML (see docs/METHOD.md)")
    sc.add_argument("--data", required=True, help="CSV with columns unit, indicator, value")
    sc.add_argument("--out", required=True, help="CSV to write the scores to")
    args = parser.parse_args(argv)

    if args.command == "kpis":
        return _kpis(args.cycle, args.format)
    if args.command == "export":
        return _export(args.cycle, args.out, args.lang, args.ministry, args.pdf)
    if args.command == "services":
        return _services(args.cycle, args.by, args.format, args.lang)
    return _score(args.method, args.data, args.out)


if __name__ == "__main__":
    sys.exit(main())
