"""User administration: accounts, roles and their scopes, the identity provider's claim-to-role rules, CSV import,
the first administrator. Passwords and tokens are in `usecases.sessions`, signing in in `usecases.sign_in`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.audit import AccessAction, record
from data.config import AccountPolicy
from data.models import Agency, Ministry, OidcRoleMapping, User, UserRole, utcnow
from survey import files
from survey.workflow import Channel
from usecases.access import ROLE_NAMES, ROLE_SCOPE, AccessDenied, Grant, Principal, Role
from usecases.sessions import (
    AccountError,
    aware_or_none,
    check_password,
    find_user,
    grants_of,
    hash_password,
    revoke_all_sessions,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,99}$")
CSV_COLUMNS = ("username", "display_name", "email", "role", "scope")
#: The CSV column an import problem is about (scope problems are the rest).
_PROBLEM_COLUMN = {"bad_username": "username", "username_taken": "username", "unknown_role": "role"}
#: `user_roles.granted_by` of the roles given from identity-provider claims; they go when the claim goes.
OIDC_GRANTOR = "oidc"
#: Names the audit trail uses for the system itself, never a person's username.
RESERVED_USERNAMES = frozenset({OIDC_GRANTOR, "cli", "web", "system", "excel"})


# Identity provider (OIDC) -----------------------------------------------------------------------





def map_oidc_claim(session: Session, claim: str, value: str, role: str, scope: str | None = None, *,
                   actor: str, channel: str = Channel.CLI) -> OidcRoleMapping:
    """Give `role` to identity-provider users whose `claim` holds `value` (from the CLI or `add_oidc_mapping`)."""
    if not claim.strip() or not value.strip():
        raise AccountError("claim_required")
    grant = _grant(session, role, scope)
    mapping = OidcRoleMapping(claim=claim.strip(), value=value.strip(), role=grant.role, agency_id=grant.agency_id,
                              ministry_id=grant.ministry_id)
    session.add(mapping)
    session.flush()
    record(session, actor, channel, AccessAction.ROLE_CHANGE,
           detail=f"oidc mapping {claim.strip()}={value.strip()} -> {_describe(grant)}")
    return mapping


def add_oidc_mapping(session: Session, admin: Principal, claim: str, value: str, role: str,
                     scope: str | None = None, channel: str = Channel.WEB) -> OidcRoleMapping:
    """Give `role` to identity-provider users whose `claim` holds `value` (administrators only)."""
    _require_admin(admin)
    return map_oidc_claim(session, claim, value, role, scope, actor=admin.username, channel=channel)


def oidc_mappings(session: Session, admin: Principal) -> pd.DataFrame:
    """Return the claim-to-role rules (administrators only)."""
    _require_admin(admin)
    rows = session.execute(select(OidcRoleMapping.id, OidcRoleMapping.claim, OidcRoleMapping.value,
                                  OidcRoleMapping.role, OidcRoleMapping.agency_id, OidcRoleMapping.ministry_id)
                           .order_by(OidcRoleMapping.id)).all()
    frame = pd.DataFrame.from_records(rows, columns=["mapping_id", "claim", "value", "role", "agency_id",
                                                     "ministry_id"])
    frame["scope"] = frame["agency_id"].fillna(frame["ministry_id"])
    return frame.drop(columns=["agency_id", "ministry_id"])


def remove_oidc_mapping(session: Session, admin: Principal, mapping_id: int, channel: str = Channel.WEB) -> None:
    """Delete a claim-to-role rule (administrators only); roles it gave go at each holder's next sign-in."""
    _require_admin(admin)
    mapping = session.get(OidcRoleMapping, mapping_id)
    if mapping is None:
        raise AccountError("unknown_mapping", str(mapping_id))
    session.delete(mapping)
    record(session, admin.username, channel, AccessAction.ROLE_CHANGE,
           detail=f"oidc mapping removed: {mapping.claim}={mapping.value} -> {mapping.role}")


# Administration ---------------------------------------------------------------------------------

def _require_admin(principal: Principal) -> None:
    if not principal.has(Role.ADMINISTRATOR):
        raise AccessDenied()


def _grant(session: Session, role: str, scope: str | None) -> Grant:
    """Return the grant for a role and its scope id, checking that the scope fits the role and exists."""
    if role not in ROLE_NAMES:
        raise AccountError("unknown_role", role)
    kind = ROLE_SCOPE[Role(role)]
    scope = (scope or "").strip() or None
    if kind is None:
        if scope:
            raise AccountError("scope_not_expected", role)
        return Grant(Role(role))
    if not scope:
        raise AccountError("scope_required", role)
    if kind == "agency":
        if session.get(Agency, scope) is None:
            raise AccountError("unknown_agency", scope)
        return Grant(Role(role), agency_id=scope)
    if session.get(Ministry, scope) is None:
        raise AccountError("unknown_ministry", scope)
    return Grant(Role(role), ministry_id=scope)


def _describe(grant: Grant) -> str:
    scope = grant.agency_id or grant.ministry_id
    return f"{grant.role}:{scope}" if scope else str(grant.role)


def add_grant(session: Session, user: User, grant: Grant, actor: str, channel: str) -> None:
    session.add(UserRole(user_id=user.id, role=grant.role, agency_id=grant.agency_id, ministry_id=grant.ministry_id,
                         granted_by=actor))
    session.flush()
    record(session, actor, channel, AccessAction.ROLE_CHANGE, agency_id=grant.agency_id,
           detail=f"grant {_describe(grant)} to {user.username}")


def remove_grant(session: Session, user: User, row: UserRole, actor: str, channel: str) -> None:
    grant = Grant(Role(row.role), row.agency_id, row.ministry_id)
    session.delete(row)
    session.flush()
    record(session, actor, channel, AccessAction.ROLE_CHANGE, agency_id=grant.agency_id,
           detail=f"revoke {_describe(grant)} from {user.username}")


def new_user(session: Session, username: str, display_name: str, email: str | None) -> User:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username) or username in RESERVED_USERNAMES:
        raise AccountError("bad_username", username)
    if find_user(session, username) is not None:
        raise AccountError("username_taken", username)
    user = User(username=username, display_name=display_name.strip() or username,
                email=(email or "").strip().lower() or None, active=True, failed_attempts=0)
    session.add(user)
    session.flush()
    return user


def create_user(session: Session, admin: Principal, username: str, display_name: str, *, email: str | None = None,
                password: str | None = None, roles: Iterable[tuple[str, str | None]] = (),
                policy: AccountPolicy | None = None, channel: str = Channel.WEB) -> User:
    """Create an account (administrators only); without a password the person signs in through the identity provider."""
    _require_admin(admin)
    policy = policy or AccountPolicy()
    grants = [_grant(session, role, scope) for role, scope in roles]
    if password:
        check_password(password, username.strip().lower(), policy)
    user = new_user(session, username, display_name, email)
    if password:
        user.password_hash, user.password_changed_at = hash_password(password), utcnow()
    record(session, admin.username, channel, AccessAction.USER_CREATE, detail=user.username)
    for grant in dict.fromkeys(grants):
        add_grant(session, user, grant, admin.username, channel)
    return user


def grant_role(session: Session, admin: Principal, user_id: int, role: str, scope: str | None = None,
               channel: str = Channel.WEB) -> bool:
    """Give a user a role (administrators only); False when they already hold it."""
    _require_admin(admin)
    user = _user(session, user_id)
    grant = _grant(session, role, scope)
    if grant in grants_of(session, user.id):
        return False
    add_grant(session, user, grant, admin.username, channel)
    return True


def revoke_role(session: Session, admin: Principal, user_id: int, role: str, scope: str | None = None,
                channel: str = Channel.WEB) -> bool:
    """Take a role from a user (administrators only); an administrator cannot drop their own last admin role."""
    _require_admin(admin)
    user = _user(session, user_id)
    grant = _grant(session, role, scope)
    if grant.role == Role.ADMINISTRATOR and user.id == admin.user_id:
        raise AccountError("cannot_remove_own_admin")
    rows = session.scalars(select(UserRole).where(
        UserRole.user_id == user.id, UserRole.role == grant.role,
        UserRole.agency_id.is_(None) if grant.agency_id is None else UserRole.agency_id == grant.agency_id,
        UserRole.ministry_id.is_(None) if grant.ministry_id is None else UserRole.ministry_id == grant.ministry_id,
    )).all()
    for row in rows:
        session.delete(row)
    if rows:
        record(session, admin.username, channel, AccessAction.ROLE_CHANGE, agency_id=grant.agency_id,
               detail=f"revoke {_describe(grant)} from {user.username}")
    session.flush()
    return bool(rows)


def set_active(session: Session, admin: Principal, user_id: int, active: bool, channel: str = Channel.WEB) -> None:
    """Deactivate (ending every session) or reactivate an account (administrators only)."""
    _require_admin(admin)
    user = _user(session, user_id)
    if not active and user.id == admin.user_id:
        raise AccountError("cannot_deactivate_self")
    user.active = active
    if not active:
        revoke_all_sessions(session, user.id)
    action = AccessAction.USER_REACTIVATE if active else AccessAction.USER_DEACTIVATE
    record(session, admin.username, channel, action, detail=user.username)


def set_password(session: Session, admin: Principal, user_id: int, password: str, policy: AccountPolicy,
                 channel: str = Channel.WEB) -> None:
    """Set a user's password and end their sessions (administrators only), e.g. for a first sign-in."""
    _require_admin(admin)
    user = _user(session, user_id)
    check_password(password, user.username, policy)
    user.password_hash, user.password_changed_at = hash_password(password), utcnow()
    user.failed_attempts, user.locked_until = 0, None
    revoke_all_sessions(session, user.id)
    record(session, admin.username, channel, AccessAction.PASSWORD_CHANGE, detail=f"set for {user.username}")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("unknown_user", str(user_id))
    return user


def users(session: Session, admin: Principal) -> pd.DataFrame:
    """Return every account with its roles as text (administrators only)."""
    _require_admin(admin)
    held: dict[int, list[str]] = {}
    for user_id, role, agency_id, ministry_id in session.execute(
            select(UserRole.user_id, UserRole.role, UserRole.agency_id, UserRole.ministry_id)):
        held.setdefault(user_id, []).append(_describe(Grant(Role(role), agency_id, ministry_id)))
    rows = []
    for user in session.scalars(select(User).order_by(User.username)):
        roles = sorted(held.get(user.id, []))
        rows.append((user.id, user.username, user.display_name, user.email, ", ".join(roles), user.active,
                     user.password_hash is not None, user.oidc_subject is not None, aware_or_none(user.locked_until),
                     aware_or_none(user.last_sign_in_at)))
    return pd.DataFrame.from_records(rows, columns=["user_id", "username", "display_name", "email", "roles", "active",
                                                    "has_password", "has_sso", "locked_until", "last_sign_in_at"])


# CSV import -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One problem in an imported row: its row number (1 = first data row), the field and the message key."""

    row: int
    field: str
    key: str
    value: str = ""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    granted: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(p) for p in self.problems], columns=["row", "field", "key", "value"])


def import_users_csv(session: Session, admin: Principal, text: str, channel: str = Channel.WEB) -> ImportReport:
    """Create accounts and roles from CSV text (columns username, display_name, email, role, scope).

    A user may appear on several rows to get several roles. Rows with problems are skipped and
    reported; the others are imported. Imported accounts have no password: they sign in through the
    identity provider, or an administrator sets a first password.
    """
    _require_admin(admin)
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.problems.append(Problem(0, ",".join(missing), "csv_missing_columns"))
        return report
    for number, raw in enumerate(reader, start=1):
        row = {k: (raw.get(k) or "").strip() for k in CSV_COLUMNS}
        username = row["username"].lower()
        try:
            grant = _grant(session, row["role"], row["scope"]) if row["role"] else None
            user = find_user(session, username)
            if user is None:
                user = new_user(session, username, row["display_name"], row["email"])
                record(session, admin.username, channel, AccessAction.USER_CREATE, detail=f"{username} (csv)")
                report.created.append(username)
            if grant is not None and grant not in grants_of(session, user.id):
                add_grant(session, user, grant, admin.username, channel)
                report.granted.append(f"{username}: {_describe(grant)}")
        except AccountError as exc:
            report.problems.append(Problem(number, _PROBLEM_COLUMN.get(exc.key, "scope"), exc.key, exc.detail))
    record(session, admin.username, channel, AccessAction.USER_IMPORT,
           detail=f"{len(report.created)} created, {len(report.granted)} roles, {len(report.problems)} problems")
    return report


def import_users_file(session: Session, admin: Principal, filename: str, content: bytes,
                      channel: str = Channel.WEB) -> ImportReport:
    """Import users from an uploaded CSV (or .xlsx) file, read through the upload gate; see `import_users_csv`.

    Raises `FileRefused` (nothing changed) for a file the gate refuses, or whose header renames,
    repeats, merges or lacks one of `CSV_COLUMNS`.
    """
    _require_admin(admin)
    table = files.table_or_raise(content, filename)
    problems = files.check_header(table, CSV_COLUMNS)
    if problems:
        raise files.FileRefused(problems)
    return import_users_csv(session, admin, str(files.frame_of(table).to_csv(index=False)), channel)


# First administrator ----------------------------------------------------------------------------

def has_admin(session: Session) -> bool:
    stmt = (select(User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMINISTRATOR, User.active.is_(True)).limit(1))
    return session.scalar(stmt) is not None


def create_first_admin(session: Session, username: str, password: str, policy: AccountPolicy,
                       channel: str = Channel.CLI, display_name: str | None = None) -> User:
    """Create an administrator account with a password; refuses a taken username."""
    username = username.strip().lower()
    check_password(password, username, policy)
    user = new_user(session, username, display_name or username, None)
    user.password_hash, user.password_changed_at = hash_password(password), utcnow()
    record(session, channel, channel, AccessAction.USER_CREATE, detail=f"{username} (first administrator)")
    add_grant(session, user, Grant(Role.ADMINISTRATOR), channel, channel)
    return user


def bootstrap_admin(session: Session, credentials: tuple[str, str] | None, policy: AccountPolicy) -> User | None:
    """Create the administrator named in the environment when no active administrator exists yet."""
    if credentials is None or has_admin(session):
        return None
    username, password = credentials
    if find_user(session, username) is not None:
        return None
    return create_first_admin(session, username, password, policy, channel=Channel.SYSTEM)

