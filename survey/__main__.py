"""Survey commands: `python -m survey template | import | import-services` (see docs/INTAKE.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import make_engine, session_scope
from data.models import Agency, Response
from survey import excel, intake, register
from survey.catalogue import Catalogue, default_catalogue
from survey.intake import ImportResult
from survey.validation import Problem
from survey.workflow import Channel
from survey.years import display_year, to_be


def _problem_lines(problems: Sequence[Problem], lang: str, limit: int = 30) -> list[str]:
    """Errors first, then warnings; questions still unanswered in a draft are counted, not listed."""
    unanswered = [p for p in problems if p.code == "required" and not p.is_error]
    shown = [p for p in problems if p.is_error] + [p for p in problems if not p.is_error and p not in unanswered]
    lines = [f"    {p.severity:7} {p.where()}: {p.message.get(lang)}" for p in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"    ... {len(shown) - limit} more")
    if unanswered:
        lines.append(f"    {len(unanswered)} required questions not answered yet (needed before submitting)")
    return lines


def _report(label: str, result: ImportResult, lang: str, dry_run: bool) -> list[str]:
    verdict = "accepted" if result.accepted else "REJECTED"
    lines = [f"{label}: agency {result.agency_id} cycle {display_year(result.cycle_year, lang)}: {verdict}"
             + (f" - {result.message.get(lang)}" if result.message else "")]
    if result.saved is not None and result.saved.conflict is not None:
        for item in result.saved.conflict.items:
            lines.append(f"    conflict {item.field}: theirs={item.theirs!r} (by {item.changed_by}) yours={item.yours!r}")
    if dry_run or not result.accepted:
        for rec in result.diff.to_dict("records"):
            lines.append(f"    change {rec['indicator']}: {rec['old']!r} -> {rec['new']!r}")
    lines.extend(_problem_lines(result.problems, lang))
    return lines


def cmd_template(args: argparse.Namespace, catalogue: Catalogue) -> int:
    cycle = to_be(args.cycle)
    with session_scope(make_engine()) as session:
        agency = session.get(Agency, args.agency)
        if agency is None:
            print(f"no agency with id {args.agency}", file=sys.stderr)
            return 2
        resp = session.scalar(select(Response).where(Response.agency_id == agency.id, Response.cycle_year == cycle))
        current, services = intake.current_answers(session, resp.id, catalogue) if resp else ({}, [])
        previous, previous_services = intake.previous_answers(session, agency.id, cycle, catalogue)
        data = excel.build_template(catalogue, agency, cycle, args.lang, current, previous,
                                    services or previous_services, resp.version if resp else 0)
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out} for agency {agency.id} cycle {display_year(cycle, args.lang)} ({len(data)} bytes)")
    return 0


def _import_xlsx(session: Session, path: Path, args: argparse.Namespace, catalogue: Catalogue) -> tuple[bool, list[str]]:
    parsed = excel.read_workbook(path.read_bytes(), catalogue)
    if isinstance(parsed, list):
        return False, [f"{path.name}: REJECTED", *_problem_lines(parsed, args.lang)]
    result = excel.apply(session, parsed, args.actor, catalogue, dry_run=args.dry_run)
    return result.accepted, _report(path.name, result, args.lang, args.dry_run)


def _import_csv(session: Session, path: Path, args: argparse.Namespace, catalogue: Catalogue) -> tuple[bool, list[str]]:
    try:
        groups = intake.answers_from_table(register.read_table(path))
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        return False, [f"{path.name}: REJECTED - {exc}"]
    ok, lines = True, []
    for (agency_id, cycle), answers in sorted(groups.items()):
        result = intake.import_answers(session, agency_id, cycle, answers, None, args.actor, Channel.CLI,
                                       dry_run=args.dry_run, catalogue=catalogue)
        ok &= result.accepted
        lines += _report(path.name, result, args.lang, args.dry_run)
    return ok, lines


def cmd_import(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Import each file in its own transaction; a refused agency or file writes nothing, the others are saved."""
    engine = make_engine()
    all_ok = True
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}: REJECTED - no such file")
            all_ok = False
            continue
        reader = _import_xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else _import_csv
        with session_scope(engine) as session:
            ok, lines = reader(session, path, args, catalogue)
            if args.dry_run:
                session.rollback()
        all_ok &= ok
        print("\n".join(lines))
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0 if all_ok else 1


def cmd_import_services(args: argparse.Namespace, catalogue: Catalogue) -> int:
    try:
        mapping = register.load_mapping(args.mapping, catalogue)
    except (ValueError, OSError) as exc:
        print(f"{args.mapping}: {exc}", file=sys.stderr)
        return 2
    cycle = to_be(args.cycle)
    with session_scope(make_engine()) as session:
        try:
            report = register.import_register(session, args.file, mapping, cycle, args.actor, args.dry_run, catalogue)
        except (ValueError, OSError) as exc:
            print(f"{args.file}: {exc}", file=sys.stderr)
            return 2
        if args.dry_run:
            session.rollback()
    placed = sum(len(r.diff) for r in report.results)
    print(f"{args.file}: {report.rows} rows, {len(report.results)} agencies, {placed} inventory changes, "
          f"{len(report.unmatched)} rows not matched")
    for r in report.results:
        print("\n".join(_report(Path(args.file).name, r, args.lang, args.dry_run)))
    for u in report.unmatched:
        print(f"    row {u.row} not matched: {u.reason.get(args.lang)}")
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0 if all(r.accepted for r in report.results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey", description="Self-assessment templates and imports.")
    sub = parser.add_subparsers(dest="command", required=True)
    tpl = sub.add_parser("template", help="write an agency's Excel workbook for a cycle")
    tpl.add_argument("--agency", required=True, help="agency id")
    tpl.add_argument("--cycle", required=True, type=int, help="fiscal year; 2400 and above is B.E., else C.E.")
    tpl.add_argument("--out", required=True, help="the .xlsx file to write")
    tpl.add_argument("--lang", choices=("th", "en"), default="th")
    imp = sub.add_parser("import", help="import filled workbooks or a CSV of answers (agency_id,cycle,indicator_id,value,evidence)")
    imp.add_argument("files", nargs="+")
    imp.add_argument("--dry-run", action="store_true", help="check and show the changes; store nothing")
    imp.add_argument("--actor", default="cli", help="user name recorded in the audit trail")
    imp.add_argument("--lang", choices=("th", "en"), default="en", help="language of the report")
    svc = sub.add_parser("import-services", help="load a national services register into agencies' inventories")
    svc.add_argument("file", help="the register (.xlsx or .csv)")
    svc.add_argument("--mapping", required=True, help="YAML mapping of columns and status codes (docs/INTAKE.md)")
    svc.add_argument("--cycle", required=True, type=int, help="fiscal year; 2400 and above is B.E., else C.E.")
    svc.add_argument("--dry-run", action="store_true")
    svc.add_argument("--actor", default="cli")
    svc.add_argument("--lang", choices=("th", "en"), default="en")
    args = parser.parse_args(argv)
    catalogue = default_catalogue()
    commands = {"template": cmd_template, "import": cmd_import, "import-services": cmd_import_services}
    return commands[args.command](args, catalogue)


if __name__ == "__main__":
    sys.exit(main())
