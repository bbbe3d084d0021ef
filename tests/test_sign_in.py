"""Signing in under attack (issue 14): parallel wrong passwords, username discovery, identity-provider takeover."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.config import AccountPolicy
from data.models import Agency, AuditEntry, Ministry, OidcRoleMapping, User
from tests.conftest import PASSWORD, SECRET, T0
from usecases import accounts, sessions, sign_in
from usecases.access import Grant, Principal, Role

ATTEMPTS = 20


@pytest.fixture
def session(any_engine: Engine) -> Iterator[Session]:
    """A session on SQLite and on PostgreSQL (this module's tests run on both)."""
    with Session(any_engine, expire_on_commit=False) as s:
        yield s
        s.commit()


@pytest.fixture
def policy() -> AccountPolicy:
    return AccountPolicy()


def make_user(s: Session, roles: list[tuple[str, str | None]] | None = None, **fields: Any) -> User:
    n = s.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0
    password = fields.pop("password", PASSWORD)
    values: dict[str, Any] = {"username": f"person{n + 1}", "display_name": f"Person {n + 1}", "active": True,
                              "failed_attempts": 0, "email": f"person{n + 1}@example.go.th",
                              "password_hash": sessions.hash_password(password) if password else None}
    user = User(**(values | fields))
    s.add(user)
    s.flush()
    for role, scope in roles or []:
        accounts.add_grant(s, user, accounts._grant(s, role, scope), "test", "cli")
    return user


def principal_of(s: Session, user: User) -> Principal:
    principal = sessions.load_principal(s, user.id)
    assert principal is not None
    return principal


def test_twenty_parallel_wrong_passwords_lock_the_account(any_engine: Engine) -> None:
    """20 wrong passwords sent at once, each in its own session and connection, on SQLite (a file) and PostgreSQL.

    With the default policy (5 failures, 15 minutes) the account must end locked until T0 + 15 min.
    Each attempt either counted a failure (audited "wrong password (n/5)") or found the lock already
    set ("account locked"): 20 audit rows in all. The counts come from one atomic UPDATE, so the n
    of the counted attempts are 1, 2, ..., k with no repeat, k >= 5, and exactly one attempt (the
    one whose count reached 5 first) locked the account. Before the fix every thread read 0 and
    wrote 1 or 2: the counter ended at 2 and nothing was locked.
    """
    policy = AccountPolicy()
    with Session(any_engine) as s:
        user = User(username="target", display_name="Target", active=True, failed_attempts=0,
                    password_hash=sessions.hash_password(PASSWORD))
        s.add(user)
        s.commit()
        user_id = user.id
    barrier = threading.Barrier(ATTEMPTS)
    problems: list[str | None] = []
    crashes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            with Session(any_engine) as s:
                barrier.wait()
                result = sign_in.sign_in(s, "target", "not the password", SECRET, policy, now=T0)
                s.commit()
            with lock:
                problems.append(result.problem)
        except Exception as exc:  # any crash fails the test below, with its text
            with lock:
                crashes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert crashes == []
    assert problems == ["sign_in_failed"] * ATTEMPTS
    with Session(any_engine) as s:
        stored = s.get(User, user_id)
        assert stored is not None
        assert sessions.aware_or_none(stored.locked_until) == T0 + dt.timedelta(minutes=15)
        rows = s.execute(select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.actor == "target")).all()
        failed = [d for a, d in rows if a == "sign_in_failed"]
        assert len(failed) == ATTEMPTS
        counted = sorted(int(m.group(1)) for d in failed if (m := re.fullmatch(r"wrong password \((\d+)/5\)", d or "")))
        assert len(counted) >= 5 and counted == list(range(1, len(counted) + 1))
        assert len(failed) - len(counted) == sum(d == "account locked" for d in failed)
        assert [a for a, _ in rows].count("locked_out") == 1
        # Locked: even the right password is refused, until the 15 minutes are over.
        assert sign_in.sign_in(s, "target", PASSWORD, SECRET, policy, now=T0 + dt.timedelta(minutes=14)).problem \
            == "sign_in_failed"
        assert sign_in.sign_in(s, "target", PASSWORD, SECRET, policy, now=T0 + dt.timedelta(minutes=16)).ok
        s.commit()


def test_locked_and_unknown_users_get_the_same_answer(session: Session, policy: AccountPolicy) -> None:
    """Issue 14: a real user got "account locked" after five tries, an unknown user always "sign-in failed".

    After 5 wrong passwords for a real user and 5 for a name that does not exist, the 6th answer
    is the same object for both: same problem, same message in both languages.
    """
    user = make_user(session)
    for i in range(5):
        sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=i))
        sign_in.sign_in(session, "no-such-user", "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=i))
    real = sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=6))
    unknown = sign_in.sign_in(session, "no-such-user", "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=6))
    assert real == unknown == sign_in.SignInResult(problem="sign_in_failed")
    text = real.message(policy)
    assert text is not None
    assert text.en == "Wrong username or password. After 5 failed attempts an account is locked for 15 minutes."
    assert text.th == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง เมื่อใส่รหัสผ่านผิด 5 ครั้ง บัญชีจะถูกระงับชั่วคราว 15 นาที"
    session.refresh(user)
    assert user.locked_until is not None  # the lock is real, only not announced


def test_oidc_email_without_email_verified_takes_over_nothing(session: Session, policy: AccountPolicy) -> None:
    """Issue 14: claims carrying a known user's e-mail but no `email_verified` signed in as that user, and the
    first subject to do so stayed linked, locking the real owner out. Now such claims are refused, the
    account stays unlinked, and the owner (verified e-mail) links it; a later verified claim from
    another subject with the same e-mail does not re-link it."""
    owner = make_user(session, [("planner", None)], email="somsak@example.go.th", password=None)
    for claims in ({"sub": "attacker", "email": "somsak@example.go.th"},
                   {"sub": "attacker", "email": "somsak@example.go.th", "email_verified": "yes"},
                   {"sub": "attacker", "email": "somsak@example.go.th", "email_verified": None}):
        assert sign_in.sign_in_oidc(session, claims, SECRET, policy, now=T0).problem == "oidc_unknown_user"
    session.refresh(owner)
    assert owner.oidc_subject is None
    mine = sign_in.sign_in_oidc(session, {"sub": "owner", "email": "somsak@example.go.th", "email_verified": True},
                                SECRET, policy, now=T0)
    assert mine.ok and mine.principal is not None and mine.principal.user_id == owner.id
    later = {"sub": "attacker", "email": "somsak@example.go.th", "email_verified": True}
    assert sign_in.sign_in_oidc(session, later, SECRET, policy, now=T0).problem == "oidc_unknown_user"
    session.refresh(owner)
    assert owner.oidc_subject == "owner"


def test_oidc_auto_create_needs_a_verified_email(session: Session) -> None:
    policy = AccountPolicy(oidc_auto_create=True)
    unverified = {"sub": "new-2", "email": "new2@example.go.th"}
    assert sign_in.sign_in_oidc(session, unverified, SECRET, policy, now=T0).problem == "oidc_unknown_user"
    assert session.scalars(select(User)).all() == []


def test_roles_from_claims_go_when_the_claim_goes(session: Session, policy: AccountPolicy) -> None:
    """Issue 14: roles mapped from claims were added but never removed.

    groups=planners maps to planner. The user also holds respondent for an agency, granted by an
    administrator. Signed in with the claim: planner + respondent. Signed in without it: the
    planner role is gone (audited as a revoke by "oidc"), the administrator's grant stays.
    """
    session.add(Ministry(id="M1", name_th="ก", name_en="M1"))
    session.flush()
    agency = Agency(id="A1", ministry_id="M1", name_th="ก", name_en="A1")
    session.add(agency)
    session.flush()
    admin = principal_of(session, make_user(session, [("administrator", None)]))
    user = make_user(session, [], email="malee@example.go.th", password=None, oidc_subject="idp-malee")
    accounts.grant_role(session, admin, user.id, "respondent", agency.id)
    session.add(OidcRoleMapping(claim="groups", value="planners", role="planner"))
    session.flush()
    with_claim = sign_in.sign_in_oidc(session, {"sub": "idp-malee", "groups": ["planners", "staff"]}, SECRET, policy,
                                      now=T0)
    assert with_claim.principal is not None
    assert with_claim.principal.grants == {Grant(Role.PLANNER), Grant(Role.RESPONDENT, agency_id=agency.id)}
    without = sign_in.sign_in_oidc(session, {"sub": "idp-malee", "groups": ["staff"]}, SECRET, policy, now=T0)
    assert without.principal is not None
    assert without.principal.grants == {Grant(Role.RESPONDENT, agency_id=agency.id)}
    revokes = session.scalars(select(AuditEntry.detail).where(AuditEntry.actor == "oidc",
                                                              AuditEntry.action == "role_change")).all()
    assert revokes == [f"grant planner to {user.username}", f"revoke planner from {user.username}"]
    # With no role left at all, the person is refused as having no roles.
    accounts.revoke_role(session, admin, user.id, "respondent", agency.id)
    assert sign_in.sign_in_oidc(session, {"sub": "idp-malee"}, SECRET, policy, now=T0).problem == "no_roles"


def test_system_names_cannot_be_usernames(session: Session) -> None:
    """"oidc" marks roles from claims; a person called "oidc" would make their grants look like claims."""
    admin = principal_of(session, make_user(session, [("administrator", None)]))
    for name in ("oidc", "system"):
        try:
            accounts.create_user(session, admin, name, "Someone")
        except sessions.AccountError as exc:
            assert exc.key == "bad_username"
        else:
            raise AssertionError(f"{name} was accepted as a username")
