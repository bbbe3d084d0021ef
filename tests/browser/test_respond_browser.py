"""A respondent fills and submits a real response in Chromium, adding a key service in the table editor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from data.db import make_engine, session_scope
from data.models import Cycle, FrameEntry, Response
from survey import clock
from survey.catalogue import default_catalogue
from tests.browser.conftest import Server, screenshot, sign_in, start_server, stop_server, wait_for_app
from tests.conftest import APP_SECRET, add_user, sqlite_engine_at
from tests.factories import full_answers
from tests.test_respond import OPEN, open_intake
from usecases import cycles, intake, respond
from usecases.access import Grant, Principal, Role

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def respond_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """The app on an open 2569 cycle; respondent `somchai` of A001 has answered all but DAT.02, no services yet."""
    path = tmp_path / "respond.sqlite3"
    open_intake(sqlite_engine_at(path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)
    add_user(path, "somchai", [("respondent", "A001")])
    engine = make_engine(f"sqlite:///{path}")
    me = Principal(0, "somchai", grants=frozenset({Grant(Role.RESPONDENT, agency_id="A001")}))
    answers = {k: v for k, v in full_answers().items() if k != "DAT.02"}
    with session_scope(engine) as s:
        assert respond.save(s, me, "A001", OPEN, 0, answers, None).ok
    engine.dispose()
    server = start_server(f"sqlite:///{path}", tmp_path / "streamlit.log", {"READINESS_SESSION_SECRET": APP_SECRET})
    yield server
    stop_server(server)


def test_a_respondent_fills_and_submits_in_chromium(browser: object, respond_server: Server) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1200})  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    page.goto(f"{respond_server.url}/?lang=en")
    wait_for_app(page)
    sign_in(page, "somchai")
    page.goto(f"{respond_server.url}/my_response?lang=en")
    wait_for_app(page)
    page.get_by_text("My response", exact=True).first.wait_for()

    # Key services in the table editor: each change is saved to the draft as soon as it is entered.
    grid = page.locator("[data-testid='stDataFrame']").first

    def rows() -> list[tuple[str, int, int | None]]:
        return [(x.name, x.digital_level, x.annual_volume) for x in stored_form(respond_server, "A001", OPEN, "somchai").services]

    add_service(page, grid, 1, "Boat registration", lambda: rows() == [("Boat registration", 0, None)])
    add_service(page, grid, 2, "Ferry licence", lambda: [r[0] for r in rows()] == ["Boat registration", "Ferry licence"])
    edit_cell(page, grid, 1, 640, "1200", "input.gdg-input",  # row 1's yearly volume (after name 320, level 230)
              lambda: rows()[0] == ("Boat registration", 0, 1200))
    page.wait_for_timeout(1000)
    toolbar(page, grid, "Delete row(s)", row_marker=2).click(force=True)  # remove row 2
    wait_until(lambda: rows() == [("Boat registration", 0, 1200)], "row 2 deleted")
    wait_for_app(page)
    screenshot(page, "respond-services-edited")

    page.get_by_role("tab", name="Data governance, master data and open data").click()
    settle(page)  # the tab's own rerun (it keeps the open tab) must not swallow what is typed next
    field = page.locator("input[aria-label^='DAT.02']")
    field.fill("12")
    field.press("Enter")
    wait_until(lambda: "DAT.02" in stored_form(respond_server, "A001", OPEN, "somchai").answers, "DAT.02")
    wait_for_app(page)
    page.get_by_role("button", name="Save draft").click()
    wait_for_app(page)
    page.get_by_text("Every change is already saved in the draft.").first.wait_for()  # stays until the next run

    page.get_by_role("button", name="Submit").click()
    wait_for_app(page)
    page.get_by_text("Response submitted.").first.wait_for()
    page.locator("[data-testid='stMetricValue']").get_by_text("Submitted").wait_for()
    screenshot(page, "respond-submitted")

    form = stored_form(respond_server, "A001", OPEN, "somchai")
    assert form.status == "submitted" and form.answers["DAT.02"].value == 12
    assert [(x.name, x.digital_level, x.annual_volume) for x in form.services] == [("Boat registration", 0, 1200)]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Wait until `condition` holds (read from the database: what is stored stays, unlike a toast)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never stored: {what}")
        time.sleep(0.3)


ROW = 35  # Streamlit's table row height in pixels; row 0 is the header


def canvas_box(page: Any, grid: Any) -> dict[str, float]:
    """The table's canvas box; a rerun redraws the table, so the canvas may be briefly detached (no box): wait for it."""
    canvas = grid.locator("canvas").first
    for _ in range(60):
        canvas.wait_for(state="visible")
        box = canvas.bounding_box()
        if box is not None:
            return box
        page.wait_for_timeout(250)
    raise AssertionError("the services table never came back after a rerun")


def toolbar(page: Any, grid: Any, name: str, row_marker: int | None = None) -> Any:
    """Return a button of the table's toolbar (shown while the pointer is over the table), after selecting a row."""
    button = page.get_by_role("button", name=name)
    for _ in range(20):
        page.mouse.move(0, 0)  # the toolbar shows when the pointer enters the table: leave it, then enter again
        if row_marker is not None:  # (again each time: a redraw after the last save may drop the selection)
            box = canvas_box(page, grid)
            page.mouse.click(box["x"] + 15, box["y"] + ROW * row_marker + ROW // 2)
        grid.hover()
        page.wait_for_timeout(200)
        if button.is_visible():
            break
        page.wait_for_timeout(500)
    return button


def edit_cell(page: Any, grid: Any, row: int, x: int, text: str, editor_css: str, stored: Callable[[], bool]) -> None:
    """Open a cell's editor, type, and enter it.

    The grid redraws after every rerun, and on a loaded machine a double click can land as two single clicks,
    so each try waits for the app to settle, selects the cell and presses Enter (the grid's own shortcut for
    editing), and falls back to a double click. Done when `stored` holds (the change is in the database).
    """
    editor = page.locator(editor_css)
    for attempt in range(10):
        wait_for_app(page)
        box = canvas_box(page, grid)
        cx, cy = box["x"] + x, box["y"] + ROW * row + ROW // 2
        if attempt % 2 == 0:
            page.mouse.click(cx, cy)
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")
        else:
            page.mouse.dblclick(cx, cy)
        try:  # the table's own rerun (after the last save) may close an editor just opened: open it again
            editor.wait_for(timeout=3000)
            editor.fill(text, timeout=3000)
            break
        except Exception:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    else:
        raise AssertionError(f"the editor of row {row} at x={x} never opened")
    page.keyboard.press("Enter")
    wait_until(stored, f"row {row} at x={x}: {text}")
    wait_for_app(page)


def add_service(page: Any, grid: Any, row: int, name: str, stored: Callable[[], bool]) -> None:
    # force: the toolbar fades in and out with the pointer, so it never counts as "stable" for a plain click
    toolbar(page, grid, "Add row").click(force=True)
    page.wait_for_timeout(1000)
    wait_for_app(page)  # adding a row reruns the page
    edit_cell(page, grid, row, 100, name, "textarea.gdg-input", stored)


# ---------------------------------------------------------------------------------------------
# The form on the demo: nothing typed is lost, tabs kept and marked, services by keyboard


def live_cycle(database_url: str) -> tuple[str, int]:
    """Open the current fiscal year's cycle on the demo (or keep it open when the demo already has it) and return
    an agency that answered last cycle and has not started this one, with the year."""
    year, today = clock.fiscal_year_be(), clock.today()
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        cycle = s.get(Cycle, year)
        if cycle is None:
            cycles.open_cycle(s, year, today - dt.timedelta(days=7), today + dt.timedelta(days=60),
                              default_catalogue().version, "browser-test")
        else:
            cycle.status, cycle.closes_on = "open", max(cycle.closes_on, today + dt.timedelta(days=60))
        framed = set(s.scalars(select(FrameEntry.agency_id).where(FrameEntry.cycle_year == year)))
        started = set(s.scalars(select(Response.agency_id).where(Response.cycle_year == year)))
        before = s.scalar(select(Cycle.year_be).where(Cycle.year_be < year).order_by(Cycle.year_be.desc()).limit(1))
        last = s.scalars(select(Response.agency_id).where(Response.cycle_year == before).order_by(Response.agency_id))
        agency = next(a for a in last if a in framed and a not in started
                      and intake.previous_answers(s, a, year)[1])
    engine.dispose()
    return agency, year


RESPONDENT = "respondent_live"


@pytest.fixture
def live_form(app_on_demo: Path, tmp_path: Path) -> Iterator[tuple[Server, str, int]]:
    """The app on a copy of the demo with this fiscal year's cycle open, and a respondent of an agency that answered
    last cycle (so its services are offered) and has not started this one."""
    agency, year = live_cycle(f"sqlite:///{app_on_demo}")
    add_user(app_on_demo, RESPONDENT, [("respondent", agency)])
    server = start_server(f"sqlite:///{app_on_demo}", tmp_path / "streamlit.log", {"READINESS_SESSION_SECRET": APP_SECRET})
    yield server, agency, year
    stop_server(server)


def stored_form(server: Server, agency: str, year: int, user: str = RESPONDENT) -> respond.Form:
    engine = make_engine(server.database_url)
    me = Principal(0, user, grants=frozenset({Grant(Role.RESPONDENT, agency_id=agency)}))
    with session_scope(engine) as s:
        form = respond.load_form(s, me, agency, year)
    engine.dispose()
    return form


def open_form(page: Any, server: Server, lang: str = "en") -> None:
    page.goto(f"{server.url}/my_response?lang={lang}")
    wait_for_app(page, 120_000)
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for()
    wait_for_app(page, 120_000)


def selected_tab(page: Any) -> str:
    return str(page.locator("[role='tab'][aria-selected='true']").first.inner_text()).strip()


def shown(page: Any, ind_id: str) -> str:
    return str(page.locator(f"input[aria-label^='{ind_id}']").first.input_value())


def type_number(page: Any, ind_id: str, text: str) -> None:
    field = page.locator(f"input[aria-label^='{ind_id}']").first
    field.fill(text)
    field.press("Enter")
    wait_for_app(page, 120_000)


def test_the_form_keeps_every_answer_across_pages_and_reloads_and_keeps_its_tab(
        browser: object, live_form: tuple[Server, str, int]) -> None:
    server, agency, year = live_form
    page = browser.new_page(viewport={"width": 1400, "height": 1200})  # type: ignore[attr-defined]
    page.set_default_timeout(120_000)
    page.goto(f"{server.url}/?lang=en")
    wait_for_app(page, 120_000)
    sign_in(page, RESPONDENT)
    open_form(page, server)
    offered = stored_form(server, agency, year).suggested_services
    note = page.get_by_text(f"Pre-filled with last cycle's {len(offered)} key services")
    note.wait_for()
    status = page.locator("[data-testid='stMetricValue']").first
    assert status.inner_text().strip() == "Not started"
    volume = (offered[0].annual_volume or 0) + 4321  # the first row's yearly volume, edited in the table
    edited = [dataclasses.replace(offered[0], annual_volume=volume), *offered[1:]]
    grid = page.locator("[data-testid='stDataFrame']").first
    edit_cell(page, grid, 1, 640, str(volume), "input.gdg-input", lambda: stored_form(server, agency, year).services == edited)
    status.get_by_text("Draft").wait_for()  # the first save (from the table's fragment) redrew the page's header
    note.wait_for(state="detached")  # and the offered services are saved now: no note
    first_tab = selected_tab(page)

    dat = "Data governance, master data and open data"
    page.get_by_role("tab", name=dat).click()
    wait_for_app(page, 120_000)
    type_number(page, "DAT.02", "12")  # saved at once
    type_number(page, "DAT.03", "7")
    type_number(page, "DAT.02", "")  # cleared: unanswered, not 0
    assert selected_tab(page) == dat
    page.get_by_role("button", name="Save draft").click()
    wait_for_app(page, 120_000)
    page.get_by_text("Every change is already saved in the draft.").wait_for()
    assert selected_tab(page) == dat  # Save keeps the tab
    stored = stored_form(server, agency, year)
    assert stored.answers["DAT.02"].value is None and stored.answers["DAT.03"].value == 7
    assert stored.services == edited and stored.status == "draft"

    for leave in ("Methodology", "reload"):  # another page and back, then a reload: the screen shows what is stored
        if leave == "reload":
            page.reload()
        else:
            page.locator("[data-testid='stSidebarNav'] a", has_text=leave).click()
            wait_for_app(page, 120_000)
            page.locator("[data-testid='stSidebarNav'] a", has_text="My response").click()
            wait_for_app(page, 120_000)
            assert "lang=en" in page.url and selected_tab(page) == dat  # the language and the open tab kept
        assert "lang=en" in page.url, leave
        if leave == "reload":  # a reload is a new session: the form comes back from the database, on the first tab
            page.get_by_role("tab", name=dat).click()
            wait_for_app(page, 120_000)
        page.get_by_text("1 of 5 answered").first.wait_for()  # the tab drawn from what is stored
        for ind_id, value in (("DAT.02", ""), ("DAT.03", "7")):  # the field may be drawn a moment after its tab
            wait_on_screen(partial(lambda i, v: shown(page, i) == v, ind_id, value), f"{leave}: {ind_id} = {value!r}")
        page.get_by_role("tab", name=first_tab).click()  # the services table shows the edited row
        wait_for_app(page, 120_000)
        wait_on_screen(lambda: bool({str(volume), f"{volume:,}"} & set(grid_texts(page, grid))), f"{leave}: {volume}")
        page.get_by_role("tab", name=dat).click()
        wait_for_app(page, 120_000)
    page.get_by_role("button", name="Save draft").click()  # nothing typed over the draft
    wait_for_app(page, 120_000)
    again = stored_form(server, agency, year)
    assert again.answers == stored.answers and again.version == stored.version

    page.get_by_role("button", name="Submit").click()  # refused: the errors listed per tab, each tab marked
    wait_for_app(page, 120_000)
    banner = page.locator("[data-testid='stAlert']", has_text="Cannot submit yet").first
    banner.wait_for()
    assert selected_tab(page) == f"{dat} (4)"  # the tab kept, now marked with its four unanswered questions
    labels = [str(t.inner_text()).strip() for t in page.get_by_role("tab").all()]
    marks = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in labels if label.endswith(")")]
    total = sum(marks)
    assert str(banner.inner_text()).startswith(f"Cannot submit yet: {total} errors to correct, in ")
    assert all(label in banner.inner_text() for label in labels if label.endswith(")"))
    assert stored_form(server, agency, year).status == "draft"
    banner.scroll_into_view_if_needed()  # the app scrolls inside its own container: show the banner and the tabs
    screenshot(page, "respond-form-refused-en")
    page.locator("[data-testid='stSidebar'] label", has_text="ไทย").click()
    wait_for_app(page, 120_000)
    page.get_by_text("ยังส่งไม่ได้").first.wait_for()
    assert selected_tab(page).startswith("ธรรมาภิบาลข้อมูล") and selected_tab(page).endswith("(4)")
    page.locator("[data-testid='stAlert']").first.scroll_into_view_if_needed()
    screenshot(page, "respond-form-refused-th")


def wait_on_screen(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Wait until the screen shows something that stays (a field's value, a cell): fail when it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never shown: {what}")
        time.sleep(0.3)


def grid_texts(page: Any, grid: Any) -> list[str]:
    """The texts of the table's cells as the grid gives them to screen readers (its canvas draws the same)."""
    canvas_box(page, grid)
    return [str(x).strip() for x in grid.locator("[role='gridcell']").all_inner_texts()]


def settle(page: Any) -> None:
    """Wait for the save a Tab or Enter started (its rerun may begin a moment after the key)."""
    page.wait_for_timeout(600)
    wait_for_app(page, 120_000)


def test_ten_services_entered_with_the_keyboard_alone_are_stored(browser: object,
                                                                  live_form: tuple[Server, str, int]) -> None:
    server, agency, year = live_form
    offered = stored_form(server, agency, year).suggested_services
    page = browser.new_page(viewport={"width": 1400, "height": 1200})  # type: ignore[attr-defined]
    page.set_default_timeout(120_000)
    page.goto(f"{server.url}/?lang=th")
    wait_for_app(page, 120_000)
    sign_in(page, RESPONDENT)
    open_form(page, server, "th")
    grid = page.locator("[data-testid='stDataFrame']").first
    box = canvas_box(page, grid)
    status = page.locator("[data-testid='stMetricValue']").first
    assert status.inner_text().strip() == "ยังไม่เริ่ม"  # not started
    page.mouse.click(box["x"] + 100, box["y"] + ROW * (len(offered) + 1) + ROW // 2)  # the empty last row: a new row
    wait_for_app(page, 120_000)

    def stored_row(i: int, row: tuple[str, int, int | None]) -> Callable[[], bool]:
        def check() -> bool:
            rows = stored_form(server, agency, year).services
            return len(rows) == len(offered) + i + 1 and (rows[-1].name, rows[-1].digital_level, rows[-1].annual_volume) == row
        return check

    timings = []
    for i in range(10):  # the keyboard only: Enter on the empty last row adds one; name, Tab, level, Tab, volume, Enter
        start = time.monotonic()  # each Tab or Enter saves the row (the table alone reruns): wait until it is stored
        name = f"บริการทดสอบแป้นพิมพ์ {i + 1}"
        if i:
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("Enter")
            settle(page)
        page.keyboard.type(name, delay=120)  # about a typist's pace
        page.keyboard.press("Tab")
        wait_until(stored_row(i, (name, 0, None)), f"row {i + 1}'s name")
        settle(page)
        if not i:  # the first save changed the status: the whole page redrew, its header too
            status.get_by_text("ฉบับร่าง").wait_for()  # draft
        page.keyboard.type(str(i % 5), delay=120)
        page.wait_for_timeout(300)
        page.keyboard.press("Tab")
        wait_until(stored_row(i, (name, i % 5, None)), f"row {i + 1}'s level")
        settle(page)
        page.keyboard.type(str(100 * (i + 1)), delay=120)
        page.keyboard.press("Enter")
        wait_until(stored_row(i, (name, i % 5, 100 * (i + 1))), f"row {i + 1}'s volume")
        settle(page)
        timings.append(time.monotonic() - start)
    page.wait_for_timeout(1000)
    wait_for_app(page, 120_000)
    screenshot(page, "respond-services-keyboard-th")
    stored = stored_form(server, agency, year).services
    assert stored[:len(offered)] == offered
    assert [(s.name, s.digital_level, s.annual_volume) for s in stored[len(offered):]] == [
        (f"บริการทดสอบแป้นพิมพ์ {i + 1}", i % 5, 100 * (i + 1)) for i in range(10)]
    print(f"ten rows by keyboard: {sum(timings):.1f} s, slowest row {max(timings):.1f} s")
