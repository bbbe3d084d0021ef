"""Survey commands: `python -m survey template | import | import-services | import-organisations | cycle | recompute`.

See docs/INTAKE.md and docs/ADMIN.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import make_engine, session_scope
from data.models import Agency, Response
from survey import excel
from survey.answers import answers_from_table
from survey.catalogue import Catalogue, default_catalogue
from survey.files import read_table
from survey.validation import Problem
from survey.workflow import Channel
from survey.years import cycle_argument, display_year, to_be
from usecases import administration, answer_import, cycles, import_reports, intake, organisation_import, register
from usecases.answer_import import ImportResult
from usecases.cycles import CycleError
from usecases.jobs import cli_progress


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
    result = answer_import.apply_workbook(session, parsed, args.actor, catalogue, dry_run=args.dry_run)
    return result.accepted, _report(path.name, result, args.lang, args.dry_run)


def _import_csv(session: Session, path: Path, args: argparse.Namespace, catalogue: Catalogue) -> tuple[bool, list[str]]:
    try:
        groups = answers_from_table(register.read_table(path))
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        return False, [f"{path.name}: REJECTED - {exc}"]
    ok, lines = True, []
    for (agency_id, cycle), answers in sorted(groups.items()):
        result = answer_import.import_answers(session, agency_id, cycle, answers, None, args.actor, Channel.CLI,
                                       dry_run=args.dry_run, catalogue=catalogue)
        ok &= result.accepted
        lines += _report(path.name, result, args.lang, args.dry_run)
    return ok, lines


def cmd_import(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Import each file in its own transaction; a refused agency or file writes nothing, the others are saved."""
    engine = make_engine()
    all_ok = True
    progress = cli_progress(sys.stderr)
    for done, name in enumerate(args.files):
        progress(done, len(args.files), Path(name).name)
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
    progress(len(args.files), len(args.files), "done")
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0 if all_ok else 1


def _mapping(args: argparse.Namespace, catalogue: Catalogue, services: bool) -> register.RegisterMapping | None:
    try:
        return register.load_mapping(args.mapping, catalogue, services)
    except (ValueError, OSError) as exc:
        print(f"{args.mapping}: {exc}", file=sys.stderr)
        return None


def _file_bytes(name: str) -> bytes | None:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return None


def cmd_import_services(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Load a register; exit 1 when a row or an agency was refused or nothing matched, 2 when it could not run."""
    mapping = _mapping(args, catalogue, services=True)
    data = _file_bytes(args.file)
    if mapping is None or data is None:
        return 2
    cycle = to_be(args.cycle)
    with session_scope(make_engine()) as session:
        report = register.import_register(session, data, Path(args.file).name, mapping, cycle, args.actor,
                                          args.create_organisations, cli_progress(sys.stderr), catalogue)
        if args.dry_run or (report.problems and not report.placed):
            session.rollback()
    print("\n".join(import_reports.register_lines(report, args.lang)))
    if args.dry_run:
        print("dry run: nothing was changed")
    if report.unusable:
        return 2
    return 0 if report.ok else 1


def cmd_import_organisations(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Create and update ministries and agencies from a list; exit 1 when one was refused, 2 when it could not run."""
    mapping = _mapping(args, catalogue, services=False)
    data = _file_bytes(args.file)
    if mapping is None or data is None:
        return 2
    table = read_table(data, Path(args.file).name, mapping.sheet)
    if isinstance(table, list):
        print(f"{args.file}: " + "; ".join(p.message.get(args.lang) for p in table), file=sys.stderr)
        return 2
    with session_scope(make_engine()) as session:
        report = organisation_import.import_organisations(session, table, mapping, args.actor, Channel.CLI,
                                                          progress=cli_progress(sys.stderr))
        if args.dry_run:
            session.rollback()
    where = f"sheet {table.sheet}, " if table.sheet else ""
    print(f"{args.file}: {where}{len(table.rows)} rows")
    print("\n".join(import_reports.organisation_lines(report, args.lang)))
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0 if report.ok else 1


def _date(text: str) -> dt.date:
    """Read a date written YYYY-MM-DD; a year of 2400 or more is B.E. (2569-08-31 is 2026-08-31)."""
    day = dt.date.fromisoformat(text)
    return day.replace(year=day.year - 543) if day.year >= 2400 else day


def cmd_cycle(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Open, edit the frame of, extend, close or list survey cycles; every change is audited (channel cli)."""
    with session_scope(make_engine()) as session:
        try:
            if args.action == "list":
                for c in cycles.list_cycles(session):
                    print(f"{display_year(c.year_be, args.lang)}  {c.status:6}  {c.opens_on} .. {c.closes_on}  "
                          f"version {c.catalogue_version}  {c.expected} agencies")
                return 0
            year, admin = to_be(args.year), administration.operator(args.actor)
            if args.action == "open":
                source = to_be(args.copy_from) if args.copy_from else None
                cycle = administration.open_cycle(session, admin, year, _date(args.opens), _date(args.closes),
                                                  args.version or catalogue.version, source, args.add, args.remove,
                                                  Channel.CLI)
                print(f"opened cycle {display_year(cycle.year_be, args.lang)}: "
                      f"{len(cycles.frame_ids(session, year))} agencies, closes {cycle.closes_on}")
            elif args.action == "frame":
                frame = administration.set_frame(session, admin, year, args.add, args.remove, Channel.CLI)
                print(f"cycle {display_year(year, args.lang)}: {len(frame)} agencies in the frame")
            elif args.action == "extend":
                administration.extend_deadline(session, admin, year, _date(args.date), args.agency, Channel.CLI)
                who = f"agency {args.agency}" if args.agency else "the whole cycle"
                print(f"cycle {display_year(year, args.lang)}: deadline of {who} is now {_date(args.date)}")
            else:
                administration.close_cycle(session, admin, year, Channel.CLI)
                print(f"closed cycle {display_year(year, args.lang)}")
        except CycleError as err:
            session.rollback()
            print(err.text.get(args.lang), file=sys.stderr)
            return 2
    return 0


def cmd_recompute(args: argparse.Namespace, catalogue: Catalogue) -> int:
    """Recompute every cycle under the current method, with a progress bar."""
    from usecases.recompute import recompute_cycles  # the analytics stack loads only for this command

    with session_scope(make_engine()) as session:
        result = recompute_cycles(session, cli_progress(sys.stderr), catalogue)
    for year, figures in result["cycles"].items():
        index = figures["readiness_index"]
        print(f"{display_year(int(year), args.lang)}: readiness index "
              f"{'-' if index is None else f'{index:.2f}'} (method {figures['method_version']})")
    return 0


def _cycle_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cyc = sub.add_parser("cycle", help="open, edit the frame of, extend, close or list survey cycles")
    acts = cyc.add_subparsers(dest="action", required=True)
    year_help = "fiscal year; 2400 and above is B.E., else C.E."
    for name, helptext in (("open", "open a cycle from last year's frame"), ("frame", "add or remove agencies"),
                           ("extend", "extend the deadline of the cycle or one agency"), ("close", "close a cycle"),
                           ("list", "list the cycles")):
        p = acts.add_parser(name, help=helptext)
        p.add_argument("--lang", choices=("th", "en"), default="en")
        p.add_argument("--actor", default="cli", help="user name recorded in the audit trail")
        if name == "list":
            continue
        p.add_argument("--year", required=True, type=cycle_argument, help=year_help)
        if name in ("open", "frame"):
            p.add_argument("--add", nargs="*", default=[], metavar="AGENCY", help="agency ids to add to the frame")
            p.add_argument("--remove", nargs="*", default=[], metavar="AGENCY", help="agency ids to leave out")
        if name == "open":
            p.add_argument("--opens", required=True, help="opening date YYYY-MM-DD (C.E. or B.E.)")
            p.add_argument("--closes", required=True, help="closing date YYYY-MM-DD (C.E. or B.E.)")
            p.add_argument("--version", help="instrument version (default: the current catalogue's)")
            p.add_argument("--from", dest="copy_from", type=int, help="copy the frame of this cycle (default: last year)")
        if name == "extend":
            p.add_argument("--date", required=True, help="the new deadline YYYY-MM-DD (C.E. or B.E.)")
            p.add_argument("--agency", help="extend only this agency's deadline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m survey", description="Self-assessment templates and imports.")
    sub = parser.add_subparsers(dest="command", required=True)
    tpl = sub.add_parser("template", help="write an agency's Excel workbook for a cycle")
    tpl.add_argument("--agency", required=True, help="agency id")
    tpl.add_argument("--cycle", required=True, type=cycle_argument, help="fiscal year; 2400 and above is B.E., else C.E.")
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
    svc.add_argument("--cycle", required=True, type=cycle_argument, help="fiscal year; 2400 and above is B.E., else C.E.")
    svc.add_argument("--create-organisations", action="store_true",
                     help="create the ministries and agencies the register names (and update those matched by code)")
    svc.add_argument("--dry-run", action="store_true", help="check and show what would change; store nothing")
    svc.add_argument("--actor", default="cli")
    svc.add_argument("--lang", choices=("th", "en"), default="en")
    org = sub.add_parser("import-organisations", help="create and update ministries and agencies from a list")
    org.add_argument("file", help="the list (.xlsx or .csv): an agencies or ministries sheet, or a register")
    org.add_argument("--mapping", required=True, help="YAML mapping of columns and agency types (docs/INTAKE.md)")
    org.add_argument("--dry-run", action="store_true", help="check and show what would change; store nothing")
    org.add_argument("--actor", default="cli")
    org.add_argument("--lang", choices=("th", "en"), default="en")
    _cycle_parser(sub)
    rec = sub.add_parser("recompute", help="recompute every cycle under the current method (progress bar)")
    rec.add_argument("--lang", choices=("th", "en"), default="en")
    args = parser.parse_args(argv)
    catalogue = default_catalogue()
    commands = {"template": cmd_template, "import": cmd_import, "import-services": cmd_import_services,
                "import-organisations": cmd_import_organisations,
                "cycle": cmd_cycle, "recompute": cmd_recompute}
    return commands[args.command](args, catalogue)


if __name__ == "__main__":
    sys.exit(main())
