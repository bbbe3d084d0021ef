"""Analytics commands: `python -m analytics kpis --cycle YEAR [--format json|text]`."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.kpis import national_kpis
from data import repository
from data.db import make_engine, session_scope
from survey.catalogue import default_catalogue
from survey.years import to_be


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Analytics commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    kp = sub.add_parser("kpis", help="national figures for a cycle")
    kp.add_argument("--cycle", type=int, required=True, help="fiscal year; >= 2400 is B.E., else C.E.")
    kp.add_argument("--format", choices=("json", "text"), default="text")
    args = parser.parse_args(argv)

    if args.command == "kpis":
        year = to_be(args.cycle)
        with session_scope(make_engine()) as session:
            known = set(repository.cycles(session)["year_be"].tolist())
            if year not in known:
                print(f"no survey cycle {year} B.E. in the database; cycles: {sorted(known)}", file=sys.stderr)
                return 2
            result = national_kpis(year, repository.frame(session, [year]), repository.responses(session, [year]),
                                   repository.services(session, [year]), default_catalogue().online_level)
            result["demo"] = repository.is_demo(session)
        if args.format == "json":
            print(json.dumps(result, ensure_ascii=False))
        else:
            for key, value in result.items():
                print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
