"""Database commands: `python -m data migrate | downgrade | seed --demo | backup FILE | restore FILE |
create-admin --username U | map-oidc`.

`backup` and `restore` print a refusal in English (`--lang th` for Thai) and exit with status 2 (3: a restore
whose commit failed, so that the database holds the old or the new contents and which is not known).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from data import repository
from data.backup import BackupError, RestoreUncertain, backup, restore
from data.config import account_policy
from data.db import make_engine, session_scope
from data.migrate import downgrade, upgrade
from survey import clock
from survey.catalogue import default_catalogue
from survey.errors import message
from survey.i18n import LANGS
from usecases import accounts, sessions
from usecases.access import ROLE_NAMES
from usecases.demo import DemoSpec, seed_demo
from usecases.demo_accounts import create_demo_accounts, write_credentials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data", description="Database commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the schema up to date")
    down = sub.add_parser("downgrade", help="take the schema down (default: remove everything)")
    down.add_argument("revision", nargs="?", default="base")
    seed = sub.add_parser("seed", help="fill the database with demo data (replaces its contents)")
    seed.add_argument("--demo", action="store_true", required=True, help="generate labelled demo data")
    seed.add_argument("--agencies", type=int, default=320, help="number of agencies (default 320)")
    seed.add_argument("--provincial", type=int, default=0, help="number of provincial units to add")
    seed.add_argument("--seed", type=int, default=2565, help="random seed (default 2565)")
    seed.add_argument("--today", type=dt.date.fromisoformat, default=None,
                      help="the day the demo is alive on, YYYY-MM-DD (default: today in Thailand); its fiscal "
                           "year's cycle is open, the earlier ones are closed")
    seed.add_argument("--if-empty", action="store_true", help="only when the database holds no cycles yet")
    seed.add_argument("--no-accounts", action="store_true", help="do not create the demo accounts")
    bk = sub.add_parser("backup", help="write the whole database to a portable file")
    bk.add_argument("file")
    rs = sub.add_parser("restore", help="replace the database's contents with a backup file (checked whole first)")
    rs.add_argument("file")
    for command in (bk, rs):
        command.add_argument("--lang", choices=LANGS, default="en", help="language of messages (default en)")
    admin = sub.add_parser("create-admin", help="create an administrator (password from READINESS_ADMIN_PASSWORD "
                                                 "or a prompt)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--display-name", default=None)
    oidc = sub.add_parser("map-oidc", help="give a role to identity-provider users whose claim has a value")
    oidc.add_argument("--claim", required=True, help="claim name, e.g. groups or email")
    oidc.add_argument("--value", required=True, help="value the claim must hold")
    oidc.add_argument("--role", required=True, choices=sorted(ROLE_NAMES))
    oidc.add_argument("--scope", default=None, help="agency id (respondent) or ministry id (coordinator)")
    args = parser.parse_args(argv)

    engine = make_engine()
    if args.command == "migrate":
        upgrade(engine)
        print(f"schema up to date at {engine.url.render_as_string(hide_password=True)}")
    elif args.command == "downgrade":
        downgrade(engine, args.revision)
        print(f"schema at {args.revision}")
    elif args.command == "backup":
        try:
            counts = backup(engine, args.file)
        except (OSError, SQLAlchemyError) as exc:
            print(message("backup_failed", error=f"{type(exc).__name__}: {exc}"[:300]).get(args.lang), file=sys.stderr)
            return 2
        print(json.dumps({"backup": args.file, **counts}))
    elif args.command == "restore":
        try:
            counts = restore(engine, args.file)
        except BackupError as err:
            print(err.message(args.lang), file=sys.stderr)
            return 2
        except RestoreUncertain as err:
            print(err.message(args.lang), file=sys.stderr)
            return 3
        print(json.dumps({"restored": args.file, **counts}))
    elif args.command == "seed":
        if args.agencies < 1 or args.provincial < 0:
            parser.error("--agencies must be at least 1 and --provincial at least 0")
        upgrade(engine)
        if args.if_empty:
            with session_scope(engine) as session:
                if not repository.cycles(session).empty:
                    print("the database already holds data; not seeding")
                    return 0
        started = time.perf_counter()
        spec = DemoSpec.live(args.today or clock.today(), args.agencies, args.provincial, args.seed)
        counts = seed_demo(engine, default_catalogue(), spec)
        counts["seconds"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
        print(json.dumps({"demo": True, **counts}))
        if not args.no_accounts:
            with session_scope(engine) as session:
                rows = create_demo_accounts(session, account_policy())
            path = write_credentials(rows)
            print(f"Demo accounts (demo data only; each has its own password, also in {path}):")
            for row in rows:
                print(f"  {row.username:<18} {row.role:<14} {row.scope or '-':<10} {row.password or '(unchanged)'}")
    elif args.command == "create-admin":
        return _create_admin(engine, args.username, args.display_name)
    elif args.command == "map-oidc":
        upgrade(engine)
        with session_scope(engine) as session:
            mapping = accounts.map_oidc_claim(session, args.claim, args.value, args.role, args.scope, actor="cli")
            print(f"mapping {mapping.id}: {args.claim} = {args.value} -> {args.role} {args.scope or ''}".strip())
    return 0


def _create_admin(engine, username: str, display_name: str | None) -> int:  # type: ignore[no-untyped-def]
    password = os.environ.get("READINESS_ADMIN_PASSWORD", "")
    if not password:
        password = getpass.getpass("Password for the new administrator: ")
        if password != getpass.getpass("Repeat the password: "):
            print("the two passwords differ", file=sys.stderr)
            return 2
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            accounts.create_first_admin(session, username, password, account_policy(), display_name=display_name)
    except sessions.AccountError as exc:
        print(f"cannot create the administrator: {exc.message('en')}", file=sys.stderr)
        return 2
    print(f"administrator {username.strip().lower()} created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
