"""Local accounts and sign-in: argon2id passwords, lockout, signed and revocable session tokens, user administration.

A session token is `v1.<user id>.<session id>.<signature>`: the signature is HMAC-SHA256 over the
rest with the server secret (`READINESS_SESSION_SECRET`), and the session id's SHA-256 must be a row
of the `sessions` table that has been used within the idle timeout. Signing out or deactivating a
user deletes the rows, so a copied token stops working at once.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data.audit import AccessAction, record
from data.config import AccountPolicy
from data.models import Agency, Ministry, OidcRoleMapping, User, UserRole, UserSession, utcnow
from survey.i18n import t
from survey.workflow import Channel
from usecases.access import ROLE_NAMES, ROLE_SCOPE, AccessDenied, Grant, Principal, Role

#: argon2id with the library's defaults (RFC 9106 low-memory profile); tests swap in a cheaper one.
HASHER = PasswordHasher()
TOKEN_VERSION = "v1"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,99}$")
CSV_COLUMNS = ("username", "display_name", "email", "role", "scope")
#: The CSV column an import problem is about (scope problems are the rest).
_PROBLEM_COLUMN = {"bad_username": "username", "username_taken": "username", "unknown_role": "role"}


class AccountError(ValueError):
    """A request about an account that cannot be done; `key` names its message in Thai and English."""

    def __init__(self, key: str, detail: str = "") -> None:
        self.key = key
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return t(self.key, lang).format(detail=self.detail)


def _utc(value: dt.datetime) -> dt.datetime:
    """Return `value` in UTC; SQLite hands back naive datetimes for timezone-aware columns."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _utc(value)


# Passwords --------------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """Return the argon2id hash of `password` (salted; the password itself is never stored)."""
    return HASHER.hash(password)


def password_problems(password: str, username: str, policy: AccountPolicy) -> list[str]:
    """Return the keys of the password rules `password` breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < policy.min_password_length:
        problems.append("password_too_short")
    if username and username.lower() in password.lower():
        problems.append("password_has_username")
    return problems


def _check_password(password: str, username: str, policy: AccountPolicy) -> None:
    problems = password_problems(password, username, policy)
    if problems:
        raise AccountError(problems[0], str(policy.min_password_length))


def _verify(stored: str | None, password: str) -> bool:
    if not stored:
        HASHER.hash(password)  # spend the same time as a real check, so timing reveals nothing
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# Principals -------------------------------------------------------------------------------------

def grants_of(session: Session, user_id: int) -> frozenset[Grant]:
    rows = session.execute(select(UserRole.role, UserRole.agency_id, UserRole.ministry_id)
                           .where(UserRole.user_id == user_id)).all()
    return frozenset(Grant(Role(role), agency, ministry) for role, agency, ministry in rows if role in ROLE_NAMES)


def load_principal(session: Session, user_id: int) -> Principal | None:
    """Return the principal of an active user, or None."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return Principal(user.id, user.username, user.display_name, grants_of(session, user.id))


# Sessions ---------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _signature(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def issue_token(session: Session, user_id: int, secret: bytes, method: str = "password",
                now: dt.datetime | None = None) -> str:
    """Open a server-side session for the user and return its signed token."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(id_hash=_id_hash(session_id), user_id=user_id, method=method, created_at=now,
                            last_seen_at=now))
    session.flush()
    payload = f"{TOKEN_VERSION}.{user_id}.{session_id}"
    return f"{payload}.{_signature(secret, payload)}"


def _parse_token(token: str, secret: bytes) -> tuple[int, str] | None:
    parts = token.split(".") if token and token.isascii() else []
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not parts[1].isdigit():
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(secret, payload), parts[3]):
        return None
    return int(parts[1]), parts[2]


def verify_token(session: Session, token: str | None, secret: bytes, policy: AccountPolicy,
                 now: dt.datetime | None = None) -> Principal | None:
    """Return the principal of a valid token, else None (bad signature, unknown, expired, revoked, inactive user).

    A valid token's session counts as used now, which moves its idle deadline.
    """
    parsed = _parse_token(token or "", secret)
    if parsed is None:
        return None
    user_id, session_id = parsed
    now = now or utcnow()
    row = session.get(UserSession, _id_hash(session_id))
    if row is None or row.user_id != user_id:
        return None
    last_seen, created = _utc(row.last_seen_at), _utc(row.created_at)
    if now - last_seen > policy.idle_timeout or now - created > policy.max_session_age:
        session.delete(row)
        return None
    principal = load_principal(session, user_id)
    if principal is None:
        session.delete(row)
        return None
    if now - last_seen > dt.timedelta(minutes=1):  # a write per minute, not per rerun
        row.last_seen_at = now
    return principal


def revoke_token(session: Session, token: str | None, secret: bytes, channel: str = Channel.WEB) -> None:
    """Sign out: delete the token's session so it no longer works anywhere."""
    parsed = _parse_token(token or "", secret)
    if parsed is None:
        return
    user_id, session_id = parsed
    row = session.get(UserSession, _id_hash(session_id))
    if row is not None and row.user_id == user_id:
        user = session.get(User, user_id)
        session.delete(row)
        session.flush()
        record(session, user.username if user else str(user_id), channel, AccessAction.SIGN_OUT)


def purge_sessions(session: Session, policy: AccountPolicy, now: dt.datetime | None = None) -> int:
    """Delete every session past its idle timeout or maximum age; return how many."""
    now = now or utcnow()
    result = session.execute(delete(UserSession).where(
        (UserSession.last_seen_at < now - policy.idle_timeout) | (UserSession.created_at < now - policy.max_session_age)))
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_all_sessions(session: Session, user_id: int) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


# Sign-in ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in: a token and principal, or the key of the message to show."""

    token: str | None = None
    principal: Principal | None = None
    problem: str | None = None
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.token is not None


def _find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def sign_in(session: Session, username: str, password: str, secret: bytes, policy: AccountPolicy,
            channel: str = Channel.WEB, now: dt.datetime | None = None) -> SignInResult:
    """Check a username and password; lock the account for `policy.lockout` after `policy.max_failures` failures.

    Unknown users, wrong passwords and deactivated accounts get the same message; a locked account
    is refused even with the right password until the lock ends. Every attempt is audited.
    """
    now = now or utcnow()
    user = _find_user(session, username)
    actor = username.strip().lower()[:100] or "?"
    if user is None or not user.active:
        _verify(None, password)
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="unknown or inactive user", at=now)
        return SignInResult(problem="sign_in_failed")
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="account locked", at=now)
        return SignInResult(problem="account_locked", locked_until=locked_until)
    if locked_until is not None:
        user.locked_until, user.failed_attempts = None, 0
    if not _verify(user.password_hash, password):
        user.failed_attempts += 1
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED,
               detail=f"wrong password ({user.failed_attempts}/{policy.max_failures})", at=now)
        if user.failed_attempts >= policy.max_failures:
            user.locked_until, user.failed_attempts = now + policy.lockout, 0
            record(session, actor, channel, AccessAction.LOCKED_OUT, detail=f"until {user.locked_until:%Y-%m-%d %H:%M} UTC",
                   at=now)
            return SignInResult(problem="account_locked", locked_until=user.locked_until)
        return SignInResult(problem="sign_in_failed")
    if user.password_hash and HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _open_session(session, user, secret, policy, "password", channel, now)


def _open_session(session: Session, user: User, secret: bytes, policy: AccountPolicy, method: str, channel: str,
                  now: dt.datetime) -> SignInResult:
    user.failed_attempts, user.locked_until, user.last_sign_in_at = 0, None, now
    purge_sessions(session, policy, now)
    token = issue_token(session, user.id, secret, method, now)
    record(session, user.username, channel, AccessAction.SIGN_IN, detail=method, at=now)
    principal = load_principal(session, user.id)
    return SignInResult(token=token, principal=principal)


def change_password(session: Session, principal: Principal, old_password: str, new_password: str,
                    policy: AccountPolicy, secret: bytes, channel: str = Channel.WEB) -> str:
    """Change the principal's own password (the old one is needed); end every session and return a new token.

    Ending the other sessions means that whoever learnt the old password and signed in with it is out.
    """
    user = session.get(User, principal.user_id)
    if user is None or not user.active:
        raise AccessDenied()
    if not _verify(user.password_hash, old_password):
        raise AccountError("old_password_wrong")
    _check_password(new_password, user.username, policy)
    user.password_hash, user.password_changed_at = hash_password(new_password), utcnow()
    revoke_all_sessions(session, user.id)
    record(session, user.username, channel, AccessAction.PASSWORD_CHANGE)
    return issue_token(session, user.id, secret, "password")


# Identity provider (OIDC) -----------------------------------------------------------------------

def _claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


def sign_in_oidc(session: Session, claims: Mapping[str, Any], secret: bytes, policy: AccountPolicy,
                 channel: str = Channel.WEB, now: dt.datetime | None = None) -> SignInResult:
    """Map an identity-provider user (`st.user` claims) to an account, add mapped roles, and open a session.

    The account is found by `sub` (remembered after the first sign-in), then by e-mail. An unknown
    person is refused, or, with `policy.oidc_auto_create`, gets an account without roles. Roles
    from `oidc_role_mappings` whose claim matches are added (never removed) at each sign-in.
    """
    now = now or utcnow()
    subject = str(claims.get("sub") or "").strip()
    email = str(claims.get("email") or "").strip().lower()
    actor = (email or subject or "?")[:100]
    user = session.scalar(select(User).where(User.oidc_subject == subject)) if subject else None
    # An e-mail the provider has not verified could be anyone's; an account already linked to
    # another `sub` belongs to that identity.
    email_trusted = bool(email) and str(claims.get("email_verified", True)).lower() != "false"
    if user is None and email_trusted:
        matches = session.scalars(select(User).where(func.lower(User.email) == email,
                                                     User.oidc_subject.is_(None))).all()
        user = matches[0] if len(matches) == 1 else None
    if user is None and policy.oidc_auto_create and email_trusted:
        try:
            user = _new_user(session, email, str(claims.get("name") or email), email)
        except AccountError:
            user = None
        else:
            record(session, "oidc", channel, AccessAction.USER_CREATE, detail=email, at=now)
    if user is None or not user.active:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="oidc: unknown or inactive user", at=now)
        return SignInResult(problem="oidc_unknown_user")
    if subject and user.oidc_subject is None:
        user.oidc_subject = subject
    held = grants_of(session, user.id)
    for mapping in session.scalars(select(OidcRoleMapping)):
        grant = Grant(Role(mapping.role), mapping.agency_id, mapping.ministry_id)
        if mapping.value in _claim_values(claims, mapping.claim) and grant not in held:
            _add_grant(session, user, grant, "oidc", channel)
            held = held | {grant}
    if not held:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="oidc: no roles", at=now)
        return SignInResult(problem="no_roles")
    return _open_session(session, user, secret, policy, "oidc", channel, now)


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
    """Delete a claim-to-role rule (administrators only); roles already given stay."""
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


def _add_grant(session: Session, user: User, grant: Grant, actor: str, channel: str) -> None:
    session.add(UserRole(user_id=user.id, role=grant.role, agency_id=grant.agency_id, ministry_id=grant.ministry_id,
                         granted_by=actor))
    session.flush()
    record(session, actor, channel, AccessAction.ROLE_CHANGE, agency_id=grant.agency_id,
           detail=f"grant {_describe(grant)} to {user.username}")


def _new_user(session: Session, username: str, display_name: str, email: str | None) -> User:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("bad_username", username)
    if _find_user(session, username) is not None:
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
        _check_password(password, username.strip().lower(), policy)
    user = _new_user(session, username, display_name, email)
    if password:
        user.password_hash, user.password_changed_at = hash_password(password), utcnow()
    record(session, admin.username, channel, AccessAction.USER_CREATE, detail=user.username)
    for grant in dict.fromkeys(grants):
        _add_grant(session, user, grant, admin.username, channel)
    return user


def grant_role(session: Session, admin: Principal, user_id: int, role: str, scope: str | None = None,
               channel: str = Channel.WEB) -> bool:
    """Give a user a role (administrators only); False when they already hold it."""
    _require_admin(admin)
    user = _user(session, user_id)
    grant = _grant(session, role, scope)
    if grant in grants_of(session, user.id):
        return False
    _add_grant(session, user, grant, admin.username, channel)
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
    _check_password(password, user.username, policy)
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
                     user.password_hash is not None, user.oidc_subject is not None, _aware(user.locked_until),
                     _aware(user.last_sign_in_at)))
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
            user = _find_user(session, username)
            if user is None:
                user = _new_user(session, username, row["display_name"], row["email"])
                record(session, admin.username, channel, AccessAction.USER_CREATE, detail=f"{username} (csv)")
                report.created.append(username)
            if grant is not None and grant not in grants_of(session, user.id):
                _add_grant(session, user, grant, admin.username, channel)
                report.granted.append(f"{username}: {_describe(grant)}")
        except AccountError as exc:
            report.problems.append(Problem(number, _PROBLEM_COLUMN.get(exc.key, "scope"), exc.key, exc.detail))
    record(session, admin.username, channel, AccessAction.USER_IMPORT,
           detail=f"{len(report.created)} created, {len(report.granted)} roles, {len(report.problems)} problems")
    return report


# First administrator ----------------------------------------------------------------------------

def has_admin(session: Session) -> bool:
    stmt = (select(User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMINISTRATOR, User.active.is_(True)).limit(1))
    return session.scalar(stmt) is not None


def create_first_admin(session: Session, username: str, password: str, policy: AccountPolicy,
                       channel: str = Channel.CLI, display_name: str | None = None) -> User:
    """Create an administrator account with a password; refuses a taken username."""
    username = username.strip().lower()
    _check_password(password, username, policy)
    user = _new_user(session, username, display_name or username, None)
    user.password_hash, user.password_changed_at = hash_password(password), utcnow()
    record(session, channel, channel, AccessAction.USER_CREATE, detail=f"{username} (first administrator)")
    _add_grant(session, user, Grant(Role.ADMINISTRATOR), channel, channel)
    return user


def bootstrap_admin(session: Session, credentials: tuple[str, str] | None, policy: AccountPolicy) -> User | None:
    """Create the administrator named in the environment when no active administrator exists yet."""
    if credentials is None or has_admin(session):
        return None
    username, password = credentials
    if _find_user(session, username) is not None:
        return None
    return create_first_admin(session, username, password, policy, channel=Channel.SYSTEM)

