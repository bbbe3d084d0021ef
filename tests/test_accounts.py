"""Local accounts: argon2id storage, lockout, signed and revocable sessions, administration, CSV import, OIDC mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.audit import AccessAction
from data.config import AccountPolicy, account_policy, session_secret
from data.migrate import downgrade, upgrade
from data.models import AuditEntry, OidcRoleMapping, User, UserSession
from tests.conftest import PASSWORD, SECRET, T0
from usecases import accounts, sessions, sign_in
from usecases.access import AccessDenied, Grant, Principal, Role


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_password_is_stored_as_argon2id_never_in_clear(make_user: Callable[..., User]) -> None:
    user = make_user()
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert sessions.hash_password(PASSWORD) != user.password_hash  # salted


def test_production_hasher_is_argon2id() -> None:
    from argon2 import PasswordHasher, Type
    assert PasswordHasher().type is Type.ID


def test_right_password_signs_in_and_is_audited(session: Session, make_user: Callable[..., User],
                                                policy: AccountPolicy) -> None:
    user = make_user([("planner", None)])
    result = sign_in.sign_in(session, user.username.upper(), PASSWORD, SECRET, policy, now=T0)
    assert result.ok and result.principal is not None
    assert result.principal.roles == {Role.PLANNER}
    assert sessions.verify_token(session, result.token, SECRET, policy, now=T0) == result.principal
    assert actions(session) == ["sign_in"]


def test_unknown_user_and_wrong_password_get_the_same_message(session: Session, make_user: Callable[..., User],
                                                               policy: AccountPolicy) -> None:
    user = make_user()
    wrong = sign_in.sign_in(session, user.username, "not the password", SECRET, policy, now=T0)
    unknown = sign_in.sign_in(session, "nobody-here", PASSWORD, SECRET, policy, now=T0)
    assert wrong.problem == unknown.problem == "sign_in_failed"
    assert not wrong.ok and not unknown.ok
    assert actions(session) == ["sign_in_failed", "sign_in_failed"]


def test_deactivated_user_cannot_sign_in(session: Session, make_user: Callable[..., User], policy: AccountPolicy) -> None:
    user = make_user(active=False)
    assert sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).problem == "sign_in_failed"


def test_lockout_after_five_failures_and_unlock_after_the_window(session: Session, make_user: Callable[..., User],
                                                                  policy: AccountPolicy) -> None:
    user = make_user()
    for i in range(4):
        assert sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=i)
                                ).problem == "sign_in_failed"
    fifth = sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0 + dt.timedelta(seconds=5))
    assert fifth.problem == "sign_in_failed"  # the same words as for an unknown user (issue 14)
    session.refresh(user)
    assert sessions.aware_or_none(user.locked_until) == T0 + dt.timedelta(seconds=5, minutes=15)
    during = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(minutes=15))
    assert during.problem == "sign_in_failed" and not during.ok  # even the right password
    after = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(minutes=16))
    assert after.ok
    assert actions(session).count("locked_out") == 1


def test_lockout_is_configurable(session: Session, make_user: Callable[..., User]) -> None:
    policy = account_policy({"READINESS_LOCKOUT_ATTEMPTS": "2", "READINESS_LOCKOUT_MINUTES": "1"})
    user = make_user()
    sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0)
    assert sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0).problem == "sign_in_failed"
    assert not sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(seconds=59)).ok
    assert sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(seconds=61)).ok


def test_success_resets_the_failure_count(session: Session, make_user: Callable[..., User], policy: AccountPolicy) -> None:
    user = make_user()
    for _ in range(4):
        sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0)
    assert sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).ok
    assert sign_in.sign_in(session, user.username, "wrong", SECRET, policy, now=T0).problem == "sign_in_failed"


def test_session_expires_when_idle_and_activity_keeps_it(session: Session, make_user: Callable[..., User],
                                                         policy: AccountPolicy) -> None:
    user = make_user([("executive", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    assert sessions.verify_token(session, token, SECRET, policy, now=T0 + dt.timedelta(hours=7)) is not None
    assert sessions.verify_token(session, token, SECRET, policy, now=T0 + dt.timedelta(hours=14)) is not None
    assert sessions.verify_token(session, token, SECRET, policy, now=T0 + dt.timedelta(hours=22, minutes=1)) is None
    assert session.scalars(select(UserSession)).all() == []  # the expired row is gone


def test_session_has_a_maximum_age_even_when_active(session: Session, make_user: Callable[..., User],
                                                     policy: AccountPolicy) -> None:
    user = make_user([("executive", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    for hours in range(1, 24, 4):
        assert sessions.verify_token(session, token, SECRET, policy, now=T0 + dt.timedelta(hours=hours)) is not None
    assert sessions.verify_token(session, token, SECRET, policy, now=T0 + dt.timedelta(hours=24, minutes=1)) is None


def test_expired_sessions_are_purged_at_the_next_sign_in(session: Session, make_user: Callable[..., User],
                                                         policy: AccountPolicy) -> None:
    user = make_user([("executive", None)])
    sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0)
    sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(hours=7))
    sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0 + dt.timedelta(hours=9))
    assert len(session.scalars(select(UserSession)).all()) == 2  # the first, idle for 9 h, is gone


def test_sign_out_revokes_the_token(session: Session, make_user: Callable[..., User], policy: AccountPolicy) -> None:
    user = make_user([("executive", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    sessions.revoke_token(session, token, SECRET)
    assert sessions.verify_token(session, token, SECRET, policy, now=T0) is None
    assert actions(session)[-1] == "sign_out"


@pytest.mark.parametrize("tamper", [
    lambda tok: tok[:-2] + ("AA" if not tok.endswith("AA") else "BB"),   # signature changed
    lambda tok: tok.replace("v1.", "v1.9", 1),                            # another user id
    lambda tok: ".".join(tok.split(".")[:3]),                             # signature dropped
    lambda tok: "",                                                        # empty
    lambda tok: "garbage",                                                 # not a token
    lambda tok: tok + "é",                                                 # not ASCII
    lambda tok: tok.replace("v1.", "v1.١", 1),                             # a non-ASCII digit
])
def test_tampered_token_is_refused(session: Session, make_user: Callable[..., User], policy: AccountPolicy,
                                   tamper: Callable[[str], str]) -> None:
    user = make_user([("executive", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    assert token is not None
    assert sessions.verify_token(session, tamper(token), SECRET, policy, now=T0) is None


def test_token_signed_with_another_secret_is_refused(session: Session, make_user: Callable[..., User],
                                                     policy: AccountPolicy) -> None:
    user = make_user([("executive", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    assert sessions.verify_token(session, token, b"x" * 40, policy, now=T0) is None


def test_deactivation_ends_sessions_and_sign_in(session: Session, make_user: Callable[..., User],
                                                principal_of: Callable[[User], Principal], policy: AccountPolicy) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    user = make_user([("planner", None)])
    token = sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).token
    accounts.set_active(session, admin, user.id, False)
    assert sessions.verify_token(session, token, SECRET, policy, now=T0) is None
    assert not sign_in.sign_in(session, user.username, PASSWORD, SECRET, policy, now=T0).ok
    with pytest.raises(sessions.AccountError, match="your own account"):
        accounts.set_active(session, admin, admin.user_id, False)


def test_change_password_needs_the_old_one_and_follows_the_rules(session: Session, make_user: Callable[..., User],
                                                                 principal_of: Callable[[User], Principal],
                                                                 policy: AccountPolicy) -> None:
    user = make_user([("planner", None)], username="somchai")
    me = principal_of(user)
    with pytest.raises(sessions.AccountError, match="current password is wrong"):
        sign_in.change_password(session, me, "wrong", "a long new passphrase", policy, SECRET)
    with pytest.raises(sessions.AccountError, match="at least 12"):
        sign_in.change_password(session, me, PASSWORD, "short", policy, SECRET)
    with pytest.raises(sessions.AccountError, match="must not contain the username"):
        sign_in.change_password(session, me, PASSWORD, "my name is SOMCHAI ok", policy, SECRET)
    before = sign_in.sign_in(session, "somchai", PASSWORD, SECRET, policy).token
    after = sign_in.change_password(session, me, PASSWORD, "a long new passphrase", policy, SECRET)
    assert sessions.verify_token(session, before, SECRET, policy) is None  # other sessions end
    assert sessions.verify_token(session, after, SECRET, policy) == me
    assert sign_in.sign_in(session, "somchai", "a long new passphrase", SECRET, policy, now=T0).ok
    assert not sign_in.sign_in(session, "somchai", PASSWORD, SECRET, policy, now=T0).ok


def test_administrator_creates_users_and_changes_roles(session: Session, make_user: Callable[..., User],
                                                       make_agency: Callable, principal_of: Callable[[User], Principal],
                                                       policy: AccountPolicy) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    agency = make_agency()
    user = accounts.create_user(session, admin, "Malee", "มาลี", email="malee@example.go.th",
                                password="a long enough password", roles=[("respondent", agency.id)], policy=policy)
    assert user.username == "malee"
    assert accounts.grant_role(session, admin, user.id, "coordinator", agency.ministry_id)
    assert not accounts.grant_role(session, admin, user.id, "coordinator", agency.ministry_id)
    assert accounts.revoke_role(session, admin, user.id, "respondent", agency.id)
    assert principal_of(user).grants == {Grant(Role.COORDINATOR, ministry_id=agency.ministry_id)}
    assert actions(session).count(AccessAction.ROLE_CHANGE) == 3
    table = accounts.users(session, admin)
    assert table.loc[table["username"] == "malee", "roles"].item() == f"coordinator:{agency.ministry_id}"


@pytest.mark.parametrize(("role", "scope", "key"), [
    ("respondent", None, "scope_required"), ("respondent", "NO_SUCH", "unknown_agency"),
    ("coordinator", "NO_SUCH", "unknown_ministry"), ("planner", "A1", "scope_not_expected"),
    ("superuser", None, "unknown_role"),
])
def test_role_scopes_are_checked(session: Session, make_user: Callable[..., User],
                                 principal_of: Callable[[User], Principal], role: str, scope: str | None,
                                 key: str) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    user = make_user()
    with pytest.raises(sessions.AccountError) as caught:
        accounts.grant_role(session, admin, user.id, role, scope)
    assert caught.value.key == key


def test_only_administrators_administer(session: Session, make_user: Callable[..., User],
                                        principal_of: Callable[[User], Principal], policy: AccountPolicy) -> None:
    planner = principal_of(make_user([("planner", None)]))
    other = make_user()
    for attempt in (lambda: accounts.create_user(session, planner, "x-user", "X"),
                    lambda: accounts.grant_role(session, planner, other.id, "administrator"),
                    lambda: accounts.set_active(session, planner, other.id, False),
                    lambda: accounts.users(session, planner),
                    lambda: accounts.import_users_csv(session, planner, "username\n"),
                    lambda: accounts.set_password(session, planner, other.id, "a long enough password", policy)):
        with pytest.raises(AccessDenied):
            attempt()


def test_csv_import_reports_problems_per_row(session: Session, make_user: Callable[..., User], make_agency: Callable,
                                             principal_of: Callable[[User], Principal]) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    agency = make_agency()
    text = ("\ufeffusername,display_name,email,role,scope\n"
            f"nok,นก,nok@example.go.th,respondent,{agency.id}\n"
            f"nok,นก,nok@example.go.th,coordinator,{agency.ministry_id}\n"
            "x,Too short,,planner,\n"
            "dao,ดาว,,respondent,NO_SUCH\n"
            "fah,ฟ้า,,wizard,\n"
            "mek,เมฆ,,executive,\n")
    report = accounts.import_users_csv(session, admin, text)
    assert report.created == ["nok", "mek"]
    assert len(report.granted) == 3
    assert [(p.row, p.field, p.key) for p in report.problems] == [
        (3, "username", "bad_username"), (4, "scope", "unknown_agency"), (5, "role", "unknown_role")]
    assert list(report.problems_frame().columns) == ["row", "field", "key", "value"]


def test_csv_without_the_columns_is_refused(session: Session, make_user: Callable[..., User],
                                            principal_of: Callable[[User], Principal]) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    report = accounts.import_users_csv(session, admin, "name,mail\nx,y\n")
    assert [p.key for p in report.problems] == ["csv_missing_columns"]
    assert report.created == []


def test_bootstrap_admin_only_when_none_exists(session: Session, policy: AccountPolicy) -> None:
    assert accounts.bootstrap_admin(session, None, policy) is None
    with pytest.raises(sessions.AccountError, match="at least 12"):
        accounts.bootstrap_admin(session, ("root-admin", "short"), policy)
    created = accounts.bootstrap_admin(session, ("root-admin", "a very long admin secret"), policy)
    assert created is not None and accounts.has_admin(session)
    assert accounts.bootstrap_admin(session, ("second-admin", "a very long admin secret"), policy) is None
    assert sign_in.sign_in(session, "root-admin", "a very long admin secret", SECRET, policy, now=T0).ok


def test_oidc_maps_by_subject_then_email_and_adds_mapped_roles(session: Session, make_user: Callable[..., User],
                                                               make_agency: Callable, policy: AccountPolicy) -> None:
    agency = make_agency()
    user = make_user([], email="Kanya@Example.go.th", password=None)
    session.add(OidcRoleMapping(claim="groups", value="respondents-a", role="respondent", agency_id=agency.id))
    claims = {"is_logged_in": True, "sub": "sub-123", "email": "kanya@example.go.th", "email_verified": True,
              "groups": ["respondents-a"]}
    result = sign_in.sign_in_oidc(session, claims, SECRET, policy, now=T0)
    assert result.ok and result.principal is not None
    assert result.principal.user_id == user.id
    assert result.principal.grants == {Grant(Role.RESPONDENT, agency_id=agency.id)}
    assert session.get(User, user.id).oidc_subject == "sub-123"  # type: ignore[union-attr]
    again = sign_in.sign_in_oidc(session, {"sub": "sub-123", "email": "changed@example.go.th",
                                           "groups": ["respondents-a"]}, SECRET, policy, now=T0)
    assert again.ok and again.principal is not None and again.principal.user_id == user.id


def test_oidc_mapping_rules_are_administered(session: Session, make_user: Callable[..., User],
                                             principal_of: Callable[[User], Principal], make_agency: Callable) -> None:
    admin = principal_of(make_user([("administrator", None)]))
    agency = make_agency()
    rule = accounts.add_oidc_mapping(session, admin, "groups", "coordinators", "coordinator", agency.ministry_id)
    table = accounts.oidc_mappings(session, admin)
    assert table.to_dict("records") == [{"mapping_id": rule.id, "claim": "groups", "value": "coordinators",
                                         "role": "coordinator", "scope": agency.ministry_id}]
    with pytest.raises(sessions.AccountError, match="needs an agency or ministry id"):
        accounts.add_oidc_mapping(session, admin, "groups", "x", "respondent")
    with pytest.raises(sessions.AccountError, match="claim and its value"):
        accounts.add_oidc_mapping(session, admin, "groups", " ", "planner")
    accounts.remove_oidc_mapping(session, admin, rule.id)
    assert accounts.oidc_mappings(session, admin).empty
    with pytest.raises(AccessDenied):
        accounts.oidc_mappings(session, principal_of(make_user([("planner", None)])))


def test_oidc_does_not_trust_unverified_or_already_linked_emails(session: Session, make_user: Callable[..., User],
                                                                policy: AccountPolicy) -> None:
    make_user([("planner", None)], email="somsak@example.go.th")
    make_user([("planner", None)], email="linked@example.go.th", oidc_subject="original-sub")
    unverified = {"sub": "attacker", "email": "somsak@example.go.th", "email_verified": False}
    assert sign_in.sign_in_oidc(session, unverified, SECRET, policy, now=T0).problem == "oidc_unknown_user"
    other_identity = {"sub": "someone-else", "email": "linked@example.go.th", "email_verified": True}
    assert sign_in.sign_in_oidc(session, other_identity, SECRET, policy, now=T0).problem == "oidc_unknown_user"
    assert sign_in.sign_in_oidc(session, {"sub": "original-sub"}, SECRET, policy, now=T0).ok


def test_oidc_unknown_user_is_refused_or_created_without_roles(session: Session) -> None:
    claims = {"sub": "new-1", "email": "new@example.go.th", "email_verified": "true", "name": "ใหม่"}
    refused = sign_in.sign_in_oidc(session, claims, SECRET, AccountPolicy(), now=T0)
    assert refused.problem == "oidc_unknown_user"
    assert session.scalars(select(User)).all() == []
    created = sign_in.sign_in_oidc(session, claims, SECRET, AccountPolicy(oidc_auto_create=True), now=T0)
    assert created.problem == "no_roles" and not created.ok
    assert session.scalar(select(User.username)) == "new@example.go.th"


def test_settings_from_the_environment() -> None:
    assert account_policy({}) == AccountPolicy()
    assert account_policy({"READINESS_SESSION_IDLE_HOURS": "0.5"}).idle_timeout == dt.timedelta(minutes=30)
    with pytest.raises(ValueError, match="READINESS_LOCKOUT_ATTEMPTS"):
        account_policy({"READINESS_LOCKOUT_ATTEMPTS": "many"})
    with pytest.raises(ValueError, match="at least 32"):
        session_secret({"READINESS_SESSION_SECRET": "short"})
    assert session_secret({"READINESS_SESSION_SECRET": "s" * 32}) == b"s" * 32
    assert session_secret({}) == session_secret({})  # one random key per process


@pytest.mark.postgres
def test_postgres_sign_in_and_row_access(pg_engine: Engine) -> None:
    from sqlalchemy.orm import sessionmaker

    from data.models import Agency, Cycle, Ministry, Response, UserRole
    from usecases import access
    policy = AccountPolicy()
    with sessionmaker(bind=pg_engine)() as session:
        session.add(Ministry(id="M1", name_th="ก", name_en="M1"))
        session.flush()
        session.add_all([Agency(id="A", ministry_id="M1", name_th="ก", name_en="A"),
                         Agency(id="B", ministry_id="M1", name_th="ข", name_en="B"),
                         Cycle(year_be=2568, year_ce=2025, opens_on=dt.date(2024, 10, 1),
                               closes_on=dt.date(2025, 3, 31), catalogue_version="t")])
        session.flush()
        session.add_all([Response(cycle_year=2568, agency_id="A", catalogue_version="t"),
                         Response(cycle_year=2568, agency_id="B", catalogue_version="t")])
        user = User(username="resp", display_name="R", password_hash=sessions.hash_password(PASSWORD),
                    active=True, failed_attempts=0)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role="respondent", agency_id="A"))
        session.commit()
        result = sign_in.sign_in(session, "resp", PASSWORD, SECRET, policy, now=T0)
        assert result.ok and result.principal is not None
        for _ in range(5):
            sign_in.sign_in(session, "resp", "wrong", SECRET, policy, now=T0 + dt.timedelta(hours=1))
        assert sign_in.sign_in(session, "resp", PASSWORD, SECRET, policy, now=T0 + dt.timedelta(hours=1)
                                ).problem == "sign_in_failed"  # locked: the right password is refused too
        assert sessions.verify_token(session, result.token, SECRET, policy, now=T0 + dt.timedelta(hours=2)) is not None
        assert set(access.authorised_responses(session, result.principal)["agency_id"]) == {"A"}
        response_b = session.scalar(select(Response.id).where(Response.agency_id == "B"))
        with pytest.raises(AccessDenied):
            access.require_read_response(session, result.principal, response_b)  # type: ignore[arg-type]
        assert sessions.purge_sessions(session, policy, now=T0 + dt.timedelta(days=2)) == 1
        session.commit()


def test_migration_0002_goes_down_and_up_on_sqlite(engine: Engine) -> None:
    from sqlalchemy import inspect
    downgrade(engine, "0001")
    assert not inspect(engine).has_table("users")
    upgrade(engine)
    assert {"users", "user_roles", "sessions", "oidc_role_mappings"} <= set(inspect(engine).get_table_names())


@pytest.mark.postgres
def test_migration_0002_goes_down_and_up_on_postgres(pg_engine: Engine) -> None:
    from sqlalchemy import inspect
    downgrade(pg_engine, "0001")
    assert not inspect(pg_engine).has_table("users")
    downgrade(pg_engine, "base")
    upgrade(pg_engine)
    assert {"users", "user_roles", "sessions", "oidc_role_mappings"} <= set(inspect(pg_engine).get_table_names())


def test_cli_creates_the_first_admin_from_the_environment(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from data.__main__ import main
    from data.db import make_engine
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("READINESS_ADMIN_PASSWORD", "short")
    assert main(["create-admin", "--username", "Boss"]) == 2
    assert "at least 12" in capsys.readouterr().err
    monkeypatch.setenv("READINESS_ADMIN_PASSWORD", "a long admin passphrase")
    assert main(["create-admin", "--username", "Boss"]) == 0
    assert main(["create-admin", "--username", "boss"]) == 2
    with Session(make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")) as session:
        assert accounts.has_admin(session)
        assert sign_in.sign_in(session, "boss", "a long admin passphrase", SECRET, AccountPolicy(), now=T0).ok
