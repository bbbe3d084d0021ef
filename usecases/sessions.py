"""Passwords and signed sessions: argon2id hashes, the password rules, session tokens checked against the database.

A token is `v1.<user id>.<random>.<HMAC>`; only the SHA-256 of its random part is stored, so a
copy of the database gives no usable token. `verify_token` checks the signature, the row, the
user's state and the idle and absolute lifetimes on every page run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.audit import AccessAction, record
from data.config import AccountPolicy
from data.models import User, UserRole, UserSession, utcnow
from survey.errors import DomainError
from survey.workflow import Channel
from usecases.access import ROLE_NAMES, Grant, Principal, Role

#: argon2id with the library's defaults (RFC 9106 low-memory profile); tests swap in a cheaper one.
HASHER = PasswordHasher()



TOKEN_VERSION = "v1"



class AccountError(DomainError, ValueError):
    """A request about an account that cannot be done; `key` names its message, `detail` fills it in."""

    def __init__(self, key: str, detail: str = "") -> None:
        self.detail = detail
        super().__init__(key, detail=detail)



def as_utc(value: dt.datetime) -> dt.datetime:
    """Return `value` in UTC; SQLite hands back naive datetimes for timezone-aware columns."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value



def aware_or_none(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value)



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



def check_password(password: str, username: str, policy: AccountPolicy) -> None:
    problems = password_problems(password, username, policy)
    if problems:
        raise AccountError(problems[0], str(policy.min_password_length))



def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        HASHER.hash(password)  # spend the same time as a real check, so timing reveals nothing
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False



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



def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")



def _signature(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())



def id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()



def issue_token(session: Session, user_id: int, secret: bytes, method: str = "password",
                now: dt.datetime | None = None) -> str:
    """Open a server-side session for the user and return its signed token."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(id_hash=id_hash(session_id), user_id=user_id, method=method, created_at=now,
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
    row = session.get(UserSession, id_hash(session_id))
    if row is None or row.user_id != user_id:
        return None
    last_seen, created = as_utc(row.last_seen_at), as_utc(row.created_at)
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
    row = session.get(UserSession, id_hash(session_id))
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


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))
