"""Signing in: with a password (lockout after failures), through the identity provider (OpenID Connect), and
changing one's own password."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from data.audit import AccessAction, record
from data.config import AccountPolicy
from data.models import OidcRoleMapping, User, UserRole, utcnow
from survey.errors import Message, message
from survey.workflow import Channel
from usecases import sessions
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.accounts import OIDC_GRANTOR, add_grant, new_user, remove_grant
from usecases.sessions import (
    AccountError,
    aware_or_none,
    check_password,
    grants_of,
    hash_password,
    issue_token,
    load_principal,
    purge_sessions,
    revoke_all_sessions,
    verify_password,
)


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in: a token and principal, or the key of the message to show."""

    token: str | None = None
    principal: Principal | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.token is not None

    def message(self, policy: AccountPolicy) -> Message | None:
        """Return what to tell the person: None when signed in."""
        if self.problem is None:
            return None
        if self.problem == "sign_in_failed":
            return message("sign_in_failed", attempts=policy.max_failures,
                           minutes=f"{policy.lockout.total_seconds() / 60:g}")
        return message(self.problem)






def sign_in(session: Session, username: str, password: str, secret: bytes, policy: AccountPolicy,
            channel: str = Channel.WEB, now: dt.datetime | None = None) -> SignInResult:
    """Check a username and password; lock the account for `policy.lockout` after `policy.max_failures` failures.

    Unknown users, wrong passwords, deactivated and locked accounts all get the one message
    "sign_in_failed" (which says that repeated failures lock an account), and take the time of a
    password check, so neither the answer nor its timing tells whether a username exists. A locked
    account is refused even with the right password until the lock ends. Failures are counted by
    one atomic UPDATE in the database, so attempts sent in parallel each count. Every attempt is audited.
    """
    now = now or utcnow()
    # populate_existing: the failure count and lock are changed by UPDATE statements, never through the object.
    user = session.scalar(select(User).where(User.username == username.strip().lower())
                          .execution_options(populate_existing=True))
    actor = username.strip().lower()[:100] or "?"
    if user is None or not user.active:
        verify_password(None, password)
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="unknown or inactive user", at=now)
        return SignInResult(problem="sign_in_failed")
    right = verify_password(user.password_hash, password)
    locked_until = aware_or_none(user.locked_until)
    if locked_until is not None and locked_until > now:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="account locked", at=now)
        return SignInResult(problem="sign_in_failed")
    if locked_until is not None:
        _end_lock(session, user.id, now)
    if not right:
        _count_failure(session, user.id, actor, channel, policy, now)
        return SignInResult(problem="sign_in_failed")
    if user.password_hash and sessions.HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _open_session(session, user, secret, policy, "password", channel, now)


_USERS = cast(Table, User.__table__)


def _end_lock(session: Session, user_id: int, now: dt.datetime) -> None:
    """Clear a lock that has ended, with its failure count (only if no one locked the account again meanwhile)."""
    session.execute(update(_USERS).where(_USERS.c.id == user_id, _USERS.c.locked_until <= now)
                    .values(locked_until=None, failed_attempts=0))


def _count_failure(session: Session, user_id: int, actor: str, channel: str, policy: AccountPolicy,
                   now: dt.datetime) -> None:
    """Add one failure in the database and lock the account when the count reaches the limit.

    The count is `failed_attempts + 1` computed by the database (UPDATE ... RETURNING), never read,
    incremented and written back in Python, so parallel attempts cannot overwrite each other's count;
    the lock is set once, by the attempt whose count reached the limit first.
    """
    count = session.execute(update(_USERS).where(_USERS.c.id == user_id)
                            .values(failed_attempts=_USERS.c.failed_attempts + 1)
                            .returning(_USERS.c.failed_attempts)).scalar_one()
    record(session, actor, channel, AccessAction.SIGN_IN_FAILED,
           detail=f"wrong password ({count}/{policy.max_failures})", at=now)
    if count < policy.max_failures:
        return
    until = now + policy.lockout
    locked = session.execute(update(_USERS).where(_USERS.c.id == user_id, _USERS.c.locked_until.is_(None))
                             .values(locked_until=until))
    if getattr(locked, "rowcount", 0) == 1:
        record(session, actor, channel, AccessAction.LOCKED_OUT, detail=f"until {until:%Y-%m-%d %H:%M} UTC", at=now)



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
    if not verify_password(user.password_hash, old_password):
        raise AccountError("old_password_wrong")
    check_password(new_password, user.username, policy)
    user.password_hash, user.password_changed_at = hash_password(new_password), utcnow()
    revoke_all_sessions(session, user.id)
    record(session, user.username, channel, AccessAction.PASSWORD_CHANGE)
    return issue_token(session, user.id, secret, "password")



def _claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}



def email_verified(claims: Mapping[str, Any]) -> bool:
    """True only when the provider says the e-mail is verified (`email_verified` true); missing means no."""
    flag = claims.get("email_verified")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")



def sign_in_oidc(session: Session, claims: Mapping[str, Any], secret: bytes, policy: AccountPolicy,
                 channel: str = Channel.WEB, now: dt.datetime | None = None) -> SignInResult:
    """Map an identity-provider user (`st.user` claims) to an account, bring its mapped roles up to date, open a session.

    The account is found by `sub` (remembered after the first sign-in), then by e-mail, but only
    when the provider says `email_verified: true` and exactly one account has that e-mail and is
    not linked to any `sub` yet: an account linked to one identity is never re-linked to another.
    An unknown person is refused, or, with `policy.oidc_auto_create` and a verified e-mail, gets
    an account without roles. Roles from `oidc_role_mappings` whose claim matches are added; roles
    that came from claims (granted by "oidc") and whose claim no longer matches are removed.
    """
    now = now or utcnow()
    subject = str(claims.get("sub") or "").strip()
    email = str(claims.get("email") or "").strip().lower()
    actor = (email or subject or "?")[:100]
    user = session.scalar(select(User).where(User.oidc_subject == subject)) if subject else None
    email_trusted = bool(email) and email_verified(claims)
    if user is None and email_trusted:
        matches = session.scalars(select(User).where(func.lower(User.email) == email,
                                                     User.oidc_subject.is_(None))).all()
        user = matches[0] if len(matches) == 1 else None
    if user is None and policy.oidc_auto_create and email_trusted:
        try:
            user = new_user(session, email, str(claims.get("name") or email), email)
        except AccountError:
            user = None
        else:
            record(session, OIDC_GRANTOR, channel, AccessAction.USER_CREATE, detail=email, at=now)
    if user is None or not user.active:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="oidc: unknown or inactive user", at=now)
        return SignInResult(problem="oidc_unknown_user")
    if subject and user.oidc_subject is None:
        user.oidc_subject = subject
    _sync_claim_roles(session, user, claims, channel)
    if not grants_of(session, user.id):
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="oidc: no roles", at=now)
        return SignInResult(problem="no_roles")
    return _open_session(session, user, secret, policy, "oidc", channel, now)



def _sync_claim_roles(session: Session, user: User, claims: Mapping[str, Any], channel: str) -> None:
    """Give the user every role its claims map to, and take back roles from claims that no longer map.

    Roles an administrator granted (`granted_by` is their name) are never touched here.
    """
    wanted = {Grant(Role(m.role), m.agency_id, m.ministry_id) for m in session.scalars(select(OidcRoleMapping))
              if m.value in _claim_values(claims, m.claim)}
    held = grants_of(session, user.id)
    for grant in sorted(wanted - held, key=str):
        add_grant(session, user, grant, OIDC_GRANTOR, channel)
    from_claims = session.scalars(select(UserRole).where(UserRole.user_id == user.id,
                                                        UserRole.granted_by == OIDC_GRANTOR)).all()
    for row in from_claims:
        grant = Grant(Role(row.role), row.agency_id, row.ministry_id)
        if grant not in wanted:
            remove_grant(session, user, row, OIDC_GRANTOR, channel)
