"""Demo accounts, one per role, so a newcomer can sign in to the demo database.

They get one random password per seeding (never a password written in the code), printed by
`python -m data seed --demo` and kept in `var/demo-accounts.txt` (git-ignored, readable by the
owner only). `READINESS_DEMO_PASSWORD` fixes it instead, for scripted demos.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.config import PROJECT_ROOT, AccountPolicy
from data.models import Agency, User
from usecases import accounts, sessions
from usecases.access import Role

CREDENTIALS_FILE = PROJECT_ROOT / "var" / "demo-accounts.txt"


def demo_password() -> str:
    return os.environ.get("READINESS_DEMO_PASSWORD", "").strip() or secrets.token_urlsafe(12)


def create_demo_accounts(session: Session, password: str, policy: AccountPolicy | None = None
                         ) -> list[tuple[str, str, str | None]]:
    """Create demo-admin, demo-planner, demo-executive, demo-coordinator and demo-respondent; return (user, role, scope)."""
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
    admin_user = None
    if "demo-admin" not in existing:
        admin_user = accounts.create_first_admin(session, "demo-admin", password, policy,
                                                 display_name="Demo administrator")
        session.flush()
    admin = sessions.load_principal(session, admin_user.id if admin_user else
                                    session.scalars(select(User.id).where(User.username == "demo-admin")).one())
    if admin is None:
        raise ValueError("the demo administrator is inactive")
    for username, role, scope in wanted:
        if username not in existing:
            accounts.create_user(session, admin, username, username.replace("-", " ").title(), password=password,
                                 roles=[(role, scope)], policy=policy)
    session.flush()
    return [("demo-admin", Role.ADMINISTRATOR, None), *wanted]


def write_credentials(rows: list[tuple[str, str, str | None]], password: str, path: Path = CREDENTIALS_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Demo accounts of the demo database (demo data only; re-seeding makes a new password)",
             *(f"{user}\t{role}\t{scope or '-'}" for user, role, scope in rows), f"password\t{password}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
