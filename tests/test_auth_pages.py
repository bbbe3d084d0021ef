"""The app through AppTest: sign-in form, lockout message, navigation per role, refresh via cookie, OIDC users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data.models import AuditEntry, User
from tests.conftest import PASSWORD

APP = str(Path(__file__).resolve().parent.parent / "app.py")
#: The one sign-in refusal, with the default policy (5 attempts, 15 minutes).
WRONG = "Wrong username or password. After 5 failed attempts an account is locked for 15 minutes."
AUTH_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
                         "client_id": "readiness", "client_secret": "not-a-real-secret",
                         "server_metadata_url": "https://idp.example.go.th/.well-known/openid-configuration"}}


@pytest.fixture(autouse=True)
def app_env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app at the test's database, with a fixed session secret and empty Streamlit caches."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", "s" * 40)
    monkeypatch.delenv("READINESS_ADMIN_USERNAME", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def app(cookie: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "en"
    if monkeypatch is not None:
        monkeypatch.setattr("pages._auth.read_cookie", lambda: cookie)
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="sign_in_submit").click().run()


def titles(at: AppTest) -> list[str]:
    return [e.value for e in at.title]


def test_signed_out_visitor_sees_only_the_sign_in_page() -> None:
    at = app().run()
    assert not at.exception
    assert titles(at) == ["Sign in"]
    with pytest.raises(ValueError):
        at.switch_page("pages/users.py")


def test_wrong_password_shows_the_message(session: Session, make_user: Callable[..., User]) -> None:
    user = make_user([("planner", None)])
    session.commit()
    at = sign_in(app().run(), user.username, "wrong password")
    assert [e.value for e in at.error] == [WRONG]
    assert titles(at) == ["Sign in"]


def test_lockout_message_after_five_failures(session: Session, make_user: Callable[..., User]) -> None:
    user = make_user([("planner", None)])
    session.commit()
    at = app().run()
    for _ in range(5):
        at = sign_in(at, user.username, "wrong password")
    assert "locked" in at.error[0].value
    at = sign_in(at, user.username, PASSWORD)
    assert "locked" in at.error[0].value and titles(at) == ["Sign in"]
    # A locked account reads exactly as a username that does not exist (issue 14: no username discovery).
    locked = at.error[0].value
    assert sign_in(at, "nobody-by-this-name", "wrong password").error[0].value == locked == WRONG


def test_thai_messages_by_default(session: Session, make_user: Callable[..., User]) -> None:
    user = make_user([("planner", None)])
    session.commit()
    at = AppTest.from_file(APP, default_timeout=30).run()
    at = sign_in(at, user.username, "wrong password")
    assert at.error[0].value == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง เมื่อใส่รหัสผ่านผิด 5 ครั้ง บัญชีจะถูกระงับชั่วคราว 15 นาที"


@pytest.mark.parametrize(("role", "scope", "allowed", "refused"), [
    ("respondent", "agency", ["pages/overview.py", "pages/account.py"], ["pages/users.py", "pages/access_log.py"]),
    ("coordinator", "ministry", ["pages/overview.py", "pages/account.py"], ["pages/users.py", "pages/access_log.py"]),
    ("planner", None, ["pages/overview.py", "pages/account.py"], ["pages/users.py", "pages/access_log.py"]),
    ("executive", None, ["pages/overview.py", "pages/account.py"], ["pages/users.py", "pages/access_log.py"]),
    ("administrator", None, ["pages/overview.py", "pages/account.py", "pages/users.py", "pages/access_log.py"], []),
])
def test_right_password_shows_the_pages_the_role_allows(session: Session, make_user: Callable[..., User],
                                                        make_agency: Callable, role: str, scope: str | None,
                                                        allowed: list[str], refused: list[str]) -> None:
    agency = make_agency()
    scope_id = {"agency": agency.id, "ministry": agency.ministry_id, None: None}[scope]
    user = make_user([(role, scope_id)])
    session.commit()
    at = sign_in(app().run(), user.username, PASSWORD)
    assert not at.exception
    assert titles(at) == ["Overview"]
    for page in allowed:  # a smoke test of every page for every role that may open it
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
    for page in refused:
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_refresh_keeps_the_sign_in_through_the_cookie_until_sign_out(
        session: Session, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user([("administrator", None)])
    session.commit()
    first = sign_in(app().run(), user.username, PASSWORD)
    token = first.session_state["_auth_token"]
    assert any(token in e.proto.body for e in first.get("html"))  # the script that stores the cookie
    refreshed = app(token, monkeypatch).run()  # a new session: empty session state, only the cookie
    assert titles(refreshed) == ["Overview"]
    refreshed.switch_page("pages/account.py").run()
    refreshed.button(key="account_sign_out").click().run()
    assert titles(refreshed) == ["Sign in"]
    again = app(token, monkeypatch).run()
    assert titles(again) == ["Sign in"]


def test_tampered_cookie_is_refused(session: Session, make_user: Callable[..., User],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user([("administrator", None)])
    session.commit()
    token = sign_in(app().run(), user.username, PASSWORD).session_state["_auth_token"]
    forged = token.replace(f"v1.{user.id}.", f"v1.{user.id + 1}.")
    assert titles(app(forged, monkeypatch).run()) == ["Sign in"]


def test_change_password_page(session: Session, make_user: Callable[..., User]) -> None:
    user = make_user([("executive", None)])
    session.commit()
    at = sign_in(app().run(), user.username, PASSWORD)
    at.switch_page("pages/account.py").run()
    at.text_input(key="old_password").input(PASSWORD)
    at.text_input(key="new_password").input("short")
    at.text_input(key="repeat_password").input("short")
    at = at.button(key="change_password_submit").click().run()
    assert "at least 12" in at.error[0].value
    at.text_input(key="old_password").input(PASSWORD)
    at.text_input(key="new_password").input("another long passphrase")
    at.text_input(key="repeat_password").input("another long passphrase")
    at = at.button(key="change_password_submit").click().run()
    assert not at.error
    assert [e.value for e in at.success] == ["Saved."]
    assert titles(at.run()) == ["My account"]  # still signed in, with the new token


def test_administrator_creates_a_user_on_the_users_page(session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user([("administrator", None)])
    session.commit()
    at = sign_in(app().run(), admin.username, PASSWORD)
    at.switch_page("pages/users.py").run()
    at.text_input(key="new_username").input("wanchai")
    at.text_input(key="new_display_name").input("วันชัย")
    at.selectbox(key="new_role").select("planner")
    at = at.button(key="create_user_submit").click().run()
    assert not at.error and not at.exception
    session.expire_all()
    assert session.scalar(select(User.display_name).where(User.username == "wanchai")) == "วันชัย"


def test_access_log_page_lists_sign_ins(session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user([("administrator", None)])
    session.commit()
    at = sign_in(app().run(), "nobody-at-all", "x")
    at = sign_in(at, admin.username, PASSWORD)
    at.switch_page("pages/access_log.py").run()
    shown = at.dataframe[0].value
    assert set(shown["Action"]) == {"Signed in", "Failed sign-in"}


def test_oidc_user_mapped_by_email_signs_in(session: Session, make_user: Callable[..., User]) -> None:
    make_user([("planner", None)], email="kanya@example.go.th", password=None)
    session.commit()
    at = app()
    at.secrets = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": True, "sub": "idp-42", "email": "kanya@example.go.th", "email_verified": True,
               "name": "Kanya"}
    at.run()
    assert not at.exception
    assert titles(at) == ["Overview"]
    session.expire_all()
    assert session.scalar(select(User.oidc_subject).where(User.email == "kanya@example.go.th")) == "idp-42"
    assert session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "sign_in")) == "oidc"


def test_oidc_unknown_user_is_refused_with_a_clear_message(session: Session) -> None:
    at = app()
    at.secrets = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": True, "sub": "idp-7", "email": "stranger@example.com"}
    at.run()
    assert titles(at) == ["Sign in"]
    assert at.error[0].value == "This government account is not registered here. Please ask an administrator."


def test_oidc_configured_offers_the_provider_button() -> None:
    at = app()
    at.secrets = dict(AUTH_SECRETS)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button(key="oidc_sign_in").label == "Sign in with the government account"


def test_bootstrap_admin_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_ADMIN_USERNAME", "first-admin")
    monkeypatch.setenv("READINESS_ADMIN_PASSWORD", "a very long first password")
    at = sign_in(app().run(), "first-admin", "a very long first password")
    at.switch_page("pages/users.py").run()
    assert titles(at) == ["Users"]


@pytest.mark.parametrize("page", ["overview.py", "account.py", "users.py", "access_log.py"])
def test_a_page_run_without_app_py_still_refuses(page: str, session: Session, make_user: Callable[..., User]) -> None:
    """Streamlit's folder navigation can run a page file without app.py: the page's own check refuses."""
    at = AppTest.from_file(str(Path(APP).parent / "pages" / page), default_timeout=30)
    at.query_params["lang"] = "en"
    at.run()
    assert [e.value for e in at.error] == ["You have no access to this."]
    assert not at.dataframe


def test_csv_import_on_the_users_page_reports_problem_rows(session: Session, make_user: Callable[..., User],
                                                           make_agency: Callable) -> None:
    admin = make_user([("administrator", None)])
    agency = make_agency()
    session.commit()
    at = sign_in(app().run(), admin.username, PASSWORD)
    at.switch_page("pages/users.py").run()
    csv = (f"username,display_name,email,role,scope\nnok,Nok,,respondent,{agency.id}\n"
           "dao,Dao,,respondent,NO_SUCH\n").encode()
    at.file_uploader(key="users_csv").set_value(("users.csv", csv, "text/csv"))
    at.run()
    at = at.button(key="import").click().run()
    assert not at.exception
    assert at.info[0].value == "1 users created, 1 roles granted, 1 rows with problems."
    [problems] = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert problems.to_dict("records") == [{"Row": 2, "Column": "scope", "Problem": "No agency with id NO_SUCH."}]
