"""Every page for every role in both languages, checked by axe-core in Chromium, with a screenshot of each.

One server on a copy of the live demo serves all five roles; each role signs in like a person,
clicks every link of its sidebar in turn, and switches Thai to English with the sidebar switch. axe-core
(the axe.min.js bundled in the axe-playwright-python wheel, nothing fetched at run time) checks each
page; no serious or critical violation is allowed, and no heading-order one (docs/ACCESSIBILITY.md).
Screenshots land in test-artifacts/screenshots/<role>-<lang>-<page>.png for review.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from data.db import make_engine, session_scope
from data.models import Agency
from tests.browser.conftest import (
    SCREENSHOTS,
    Server,
    launched_chromium,
    screenshot,
    start_server,
    stop_server,
    wait_for_app,
)
from tests.conftest import APP_SECRET, PASSWORD, add_user
from usecases.access import Grant, Principal, Role, allowed_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Account name -> its role (the accounts are made by the `a11y_server` fixture).
ROLES = {"admin": Role.ADMINISTRATOR, "planner": Role.PLANNER, "executive": Role.EXECUTIVE,
         "coordinator": Role.COORDINATOR, "respondent": Role.RESPONDENT}
LANGS = ("th", "en")
TIMEOUT = 120_000  # the first view of a cycle runs the whole pipeline on a shared, busy machine
#: Impacts that fail the test, and rules that fail it whatever their impact.
FAILING_IMPACTS = frozenset({"serious", "critical"})
FAILING_RULES = frozenset({"heading-order"})
#: Violations inside Streamlit's own chrome that the app cannot change: (rule id, CSS selector prefix, reason).
EXCLUDED: tuple[tuple[str, str, str], ...] = ()


@pytest.fixture(scope="module")
def a11y_server(live_demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a copy of the live demo (this fiscal year's cycle open, so the respondent's form is checked too),
    with one account per role named after it (password PASSWORD)."""
    folder = tmp_path_factory.mktemp("a11y")
    copy = folder / "app.sqlite3"
    copy.write_bytes(live_demo_path.read_bytes())
    engine = make_engine(f"sqlite:///{copy}")
    with session_scope(engine) as s:
        agency = s.scalars(select(Agency).order_by(Agency.id)).first()
        assert agency is not None
        agency_id, ministry_id = agency.id, agency.ministry_id
    engine.dispose()
    grants: dict[str, list[tuple[str, str | None]]] = {
        "admin": [("administrator", None)], "planner": [("planner", None)], "executive": [("executive", None)],
        "coordinator": [("coordinator", ministry_id)], "respondent": [("respondent", agency_id)]}
    for name, roles in grants.items():
        add_user(copy, name, roles)
    server = start_server(f"sqlite:///{copy}", folder / "streamlit.log", {"READINESS_SESSION_SECRET": APP_SECRET})
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launched_chromium()


def _settle(page: Any, where: str) -> None:
    """Wait for the script run to end and the charts to draw (a hidden chart, in a closed tab, is never drawn).

    On the shared, busy machine a page run once did not end within two minutes (the respondent's first
    page after four other roles; alone it takes seconds): then the page is saved as <where>-stuck.png
    and reloaded once, and a second miss fails with the status widget's text.
    """
    for attempt in (1, 2):
        try:
            wait_for_app(page, TIMEOUT)
            page.wait_for_timeout(600)
            wait_for_app(page, TIMEOUT)
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
                ".every(c => c.offsetParent === null || c.querySelector('.main-svg'))", timeout=TIMEOUT)
        except Exception as exc:
            status = page.locator("[data-testid='stStatusWidget']")
            note = status.inner_text() if status.count() else "(no status widget)"
            screenshot(page, f"{where}-stuck")
            if attempt == 2:
                raise AssertionError(f"{where}: the page did not settle at {page.url}: {note}") from exc
            page.reload()
        else:
            break
    page.wait_for_timeout(400)


def _full_screenshot(page: Any, name: str) -> None:
    """Save the whole page: Streamlit scrolls inside its main block, so grow the window to the content first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stMainBlockContainer\"]')]"
        ".map(e => e.scrollHeight), 1000)")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 12000)})
    page.wait_for_timeout(300)
    screenshot(page, name)
    page.set_viewport_size(size)


def _excluded(rule: str, target: str) -> bool:
    return any(rule == r and target.startswith(prefix) for r, prefix, _ in EXCLUDED)


def failing(results: dict[str, Any], where: str) -> list[str]:
    """Return one line per failing node of axe's `results`: rule, impact, target selector, where it was seen."""
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS and violation["id"] not in FAILING_RULES:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            if not _excluded(violation["id"], target):
                summary = (node.get("failureSummary") or "").strip().splitlines()
                lines.append(f"{where}: {violation['id']} ({violation['impact']}) at {_short(target)}: "
                             f"{summary[-1].strip() if summary else violation['help']} | {node['html'][:160]}")
    return lines


def check(page: Any, where: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return failing(Axe().run(page).response, where)


def _page_key(href: str) -> str:
    """Return the page's address (`usecases.access.PAGE_ROLES` key); the first page, Overview for every role, is the root."""
    key = href.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return key if key and ":" not in key else "overview"


def _short(selector: str) -> str:
    """Drop Streamlit's generated class names (st-emotion-cache-..., e1yqkw3v0) from an axe target selector."""
    return re.sub(r"\.(st-emotion-cache-\w+|e[0-9a-z]{5,}\d)\b", "", selector)


def _sign_in(page: Any, username: str) -> None:
    page.locator("input[type='text']").first.fill(username)
    page.locator("input[type='password']").first.fill(PASSWORD)
    page.locator("[data-testid='stFormSubmitButton'] button, button[kind='primaryFormSubmit']").first.click()
    page.locator("[data-testid='stSidebarNav'] a").first.wait_for(timeout=TIMEOUT)
    _settle(page, f"{username}-signed-in")


def _switch_language(page: Any, lang: str, role: str) -> None:
    label = {"th": "ไทย", "en": "English"}[lang]
    page.locator("[data-testid='stSidebar'] [data-testid='stRadio'] label").filter(has_text=label).first.click()
    page.wait_for_function(f"() => location.search.includes('lang={lang}')", timeout=TIMEOUT)
    _settle(page, f"{role}-{lang}-switched")


def test_sign_in_page_in_both_languages(chromium: Any, a11y_server: Server) -> None:
    page = chromium.new_page(viewport={"width": 1440, "height": 1000})
    page.set_default_timeout(TIMEOUT)
    problems: list[str] = []
    for lang in LANGS:
        page.goto(f"{a11y_server.url}/?lang={lang}")
        page.locator("input[type='password']").first.wait_for()
        _settle(page, f"anonymous-{lang}-sign_in")
        problems += check(page, f"sign-in page, {lang}")
        _full_screenshot(page, f"anonymous-{lang}-sign_in")
    page.close()
    assert not problems, "accessibility violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_in_both_languages(chromium: Any, a11y_server: Server, role: str) -> None:
    for old in SCREENSHOTS.glob(f"{role}-*.png"):
        old.unlink()
    expected = allowed_pages(Principal(0, role, grants=frozenset({Grant(ROLES[role])})))
    context = chromium.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{a11y_server.url}/?lang=th")
    page.locator("input[type='password']").first.wait_for()
    _sign_in(page, role)
    problems: list[str] = []
    seen: dict[str, list[str]] = {}
    started = time.monotonic()
    for lang in LANGS:
        if lang != "th":
            _switch_language(page, lang, role)
        links = page.locator("[data-testid='stSidebarNav'] a")
        count = links.count()
        assert count > 1, f"{role} sees {count} sidebar links"
        for i in range(count):
            link = page.locator("[data-testid='stSidebarNav'] a").nth(i)
            key = _page_key(link.get_attribute("href") or "")
            link.click()
            _settle(page, f"{role}-{lang}-{key}")
            seen.setdefault(lang, []).append(key)
            problems += check(page, f"{role}, {lang}, page {key}")
            _full_screenshot(page, f"{role}-{lang}-{key}")
    print(f"{role}: {sum(map(len, seen.values()))} pages in {time.monotonic() - started:.0f} s")
    context.close()
    assert seen["th"] == seen["en"] == expected, f"{role}: the sidebar links {seen}, expected {expected}"
    assert not problems, f"accessibility violations for {role}:\n" + "\n".join(problems)
