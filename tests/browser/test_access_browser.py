"""The real app in Chromium: sign-in, the cookie surviving a refresh, sign-out ending it, and a direct page URL refused."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ADMIN, PASSWORD = "boss", "a long browser-test passphrase"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Start `streamlit run app.py` on a fresh database with a bootstrap administrator."""
    port = free_port()
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
                        "READINESS_SESSION_SECRET": "b" * 40, "READINESS_ADMIN_USERNAME": ADMIN,
                        "READINESS_ADMIN_PASSWORD": PASSWORD}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sign_in_survives_refresh_and_sign_out_ends_it(server: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(20_000)
        heading = page.locator("h1")

        page.goto(f"{server}/users?lang=en")  # the first request of a fresh server, straight to a page
        page.get_by_text("You have no access to this.").or_(heading.get_by_text("Sign in")).first.wait_for()
        assert page.get_by_role("table").count() == 0

        page.goto(f"{server}/?lang=en")
        heading.get_by_text("Sign in").wait_for()
        page.get_by_role("textbox", name="Username").fill(ADMIN)
        page.get_by_role("textbox", name="Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Wrong username or password.").wait_for()

        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        heading.get_by_text("Overview").wait_for()
        # The cookie is set by a script in the same page run, which may land just after the heading.
        page.wait_for_function("() => document.cookie.includes('readiness_session=')")
        assert "readiness_session" in {c["name"] for c in context.cookies()}

        page.reload()
        heading.get_by_text("Overview").wait_for()
        page.goto(f"{server}/audit?lang=en")
        heading.get_by_text("Access log").wait_for()

        page.get_by_role("button", name="Sign out").first.click()
        heading.get_by_text("Sign in").wait_for()
        page.reload()
        heading.get_by_text("Sign in").wait_for()
        assert "readiness_session" not in {c["name"] for c in context.cookies()}
        browser.close()
