"""Browser tests: a real Streamlit server on a free port, driven by Debian's Chromium through Playwright.

Never `playwright install`: the browser is the system's `chromium` (scripts/system-deps.sh).
Screenshots land in test-artifacts/screenshots for review.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, PASSWORD, ROOT, add_user

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    if IN_CI:
        pytest.fail("chromium is not installed: `make test` installs it (scripts/system-deps.sh)")
    pytest.skip("chromium is not installed; run scripts/system-deps.sh")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    database_url: str
    log: Path | None = None  # the server's output (slow views are logged there)


def start_server(database_url: str, log: Path, env: dict[str, str] | None = None) -> Server:
    port = _free_port()
    full_env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return Server(url, process, database_url, log)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, closed at the end (for fixtures of any scope)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser() -> Iterator[object]:
    yield from launched_chromium()


@pytest.fixture
def demo_server(app_on_demo: Path, tmp_path: Path) -> Iterator[Server]:
    """The app on a copy of the demo database, with a planner account `planner` (password PASSWORD)."""
    add_user(app_on_demo, "planner", [("planner", None)])
    server = start_server(f"sqlite:///{app_on_demo}", tmp_path / "streamlit.log")
    yield server
    stop_server(server)


def sign_in(page: object, username: str, password: str = PASSWORD) -> None:
    """Fill the sign-in form (in either language) and wait for the first page."""
    page.locator("input[type='text']").first.fill(username)  # type: ignore[attr-defined]
    page.locator("input[type='password']").first.fill(password)  # type: ignore[attr-defined]
    page.locator("[data-testid='stFormSubmitButton'] button, button[kind='primaryFormSubmit']").first.click()  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid='stMetric'], [data-testid='stAlert']")  # type: ignore[attr-defined]


def wait_for_app(page: object, timeout_ms: int = 30000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running' status widget)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(300)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
