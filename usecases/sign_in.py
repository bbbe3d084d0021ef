"""Signing in: with a password (lockout after failures), through the identity provider (OpenID Connect), and
changing one's own password."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.audit import AccessAction, record
from data.config import AccountPolicy
from data.models import OidcRoleMapping, User, utcnow
from survey.workflow import Channel
from usecases import sessions
from usecases.access import AccessDenied, Grant, Principal, Role
from usecases.accounts import add_grant, new_user
from usecases.sessions import (
    AccountError,
    aware_or_none,
    check_password,
    find_user,
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
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.token is not None






def sign_in(session: Session, username: str, password: str, secret: bytes, policy: AccountPolicy,
            channel: str = Channel.WEB, now: dt.datetime | None = None) -> SignInResult:
    """Check a username and password; lock the account for `policy.lockout` after `policy.max_failures` failures.

    Unknown users, wrong passwords and deactivated accounts get the same message; a locked account
    is refused even with the right password until the lock ends. Every attempt is audited.
    """
    now = now or utcnow()
    user = find_user(session, username)
    actor = username.strip().lower()[:100] or "?"
    if user is None or not user.active:
        verify_password(None, password)
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="unknown or inactive user", at=now)
        return SignInResult(problem="sign_in_failed")
    locked_until = aware_or_none(user.locked_until)
    if locked_until is not None and locked_until > now:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="account locked", at=now)
        return SignInResult(problem="account_locked", locked_until=locked_until)
    if locked_until is not None:
        user.locked_until, user.failed_attempts = None, 0
    if not verify_password(user.password_hash, password):
        user.failed_attempts += 1
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED,
               detail=f"wrong password ({user.failed_attempts}/{policy.max_failures})", at=now)
        if user.failed_attempts >= policy.max_failures:
            user.locked_until, user.failed_attempts = now + policy.lockout, 0
            record(session, actor, channel, AccessAction.LOCKED_OUT, detail=f"until {user.locked_until:%Y-%m-%d %H:%M} UTC",
                   at=now)
            return SignInResult(problem="account_locked", locked_until=user.locked_until)
        return SignInResult(problem="sign_in_failed")
    if user.password_hash and sessions.HASHER.check_needs_rehash(user.password_hash):
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
            user = new_user(session, email, str(claims.get("name") or email), email)
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
            add_grant(session, user, grant, "oidc", channel)
            held = held | {grant}
    if not held:
        record(session, actor, channel, AccessAction.SIGN_IN_FAILED, detail="oidc: no roles", at=now)
        return SignInResult(problem="no_roles")
    return _open_session(session, user, secret, policy, "oidc", channel, now)
