"""Demo accounts, one per role, so a newcomer can sign in to the demo database.

Each account gets its own random password per seeding (never a password written in the code, and
never one shared between accounts, so knowing the respondent's password gives nothing of the
administrator's), printed by `python -m data seed --demo` and kept in `var/demo-accounts.txt`
(git-ignored, readable by the owner only).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.config import PROJECT_ROOT, AccountPolicy
from data.models import Agency, User
from usecases import accounts, sessions
from usecases.access import Role

CREDENTIALS_FILE = PROJECT_ROOT / "var" / "demo-accounts.txt"


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: its username, role and scope, and the password made for it (None when it existed already)."""

    username: str
    role: str
    scope: str | None
    password: str | None


def demo_password() -> str:
    """Return a new random password (16 URL-safe characters, 96 bits)."""
    return secrets.token_urlsafe(12)


def create_demo_accounts(session: Session, policy: AccountPolicy | None = None) -> list[DemoAccount]:
    """Create demo-admin, demo-planner, demo-executive, demo-coordinator and demo-respondent, each with a password
    of its own; return them (an account that existed keeps its password, and its `password` here is None)."""
    policy = policy or AccountPolicy()
    first = session.scalars(select(Agency).where(Agency.is_demo.is_(True)).order_by(Agency.id)).first()
    if first is None:
        raise ValueError("seed the demo agencies first")
    wanted: list[tuple[str, str, str | None]] = [
        ("demo-planner", Role.PLANNER, None),
        ("demo-executive", Role.EXECUTIVE, None),
        ("demo-coordinator", Role.COORDINATOR, first.ministry_id),
        ("demo-respondent", Role.RESPONDENT, first.id),
    ]
    existing = set(session.scalars(select(User.username)))
    made: list[DemoAccount] = []
    admin_user = None
    if "demo-admin" not in existing:
        admin_password = demo_password()
        admin_user = accounts.create_first_admin(session, "demo-admin", admin_password, policy,
                                                 display_name="Demo administrator")
        session.flush()
        made.append(DemoAccount("demo-admin", Role.ADMINISTRATOR, None, admin_password))
    else:
        made.append(DemoAccount("demo-admin", Role.ADMINISTRATOR, None, None))
    admin = sessions.load_principal(session, admin_user.id if admin_user else
                                    session.scalars(select(User.id).where(User.username == "demo-admin")).one())
    if admin is None:
        raise ValueError("the demo administrator is inactive")
    for username, role, scope in wanted:
        password: str | None = None
        if username not in existing:
            password = demo_password()
            accounts.create_user(session, admin, username, username.replace("-", " ").title(), password=password,
                                 roles=[(role, scope)], policy=policy)
        made.append(DemoAccount(username, role, scope, password))
    session.flush()
    return made


def write_credentials(rows: list[DemoAccount], path: Path = CREDENTIALS_FILE) -> Path:
    """Write the accounts and their passwords to an owner-only file; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Demo accounts of the demo database (demo data only; re-seeding makes new passwords)",
             "# username\trole\tscope\tpassword",
             *(f"{r.username}\t{r.role}\t{r.scope or '-'}\t{r.password or '(unchanged)'}" for r in rows)]
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
