"""The live demo in Chromium (issue 15): every demo account has something to do on the day the demo is seeded.

The demo is seeded for today (`DemoSpec.live`), as `python -m data seed --demo` does, and each account signs in with
the password the seed made for it: the respondent finds the open cycle and their agency's draft, the coordinator
responses to review, the administrator the Cycles page in Thai with B.E. dates. No page shows a raw None, nan or code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from survey import clock
from survey.catalogue import default_catalogue
from survey.i18n import fmt_date
from tests.browser.conftest import Server, screenshot, sign_in, start_server, stop_server, wait_for_app
from tests.conftest import sqlite_engine_at
from usecases.demo import DemoSpec, seed_demo
from usecases.demo_accounts import create_demo_accounts
from usecases.demo_live import CLOSES_IN_DAYS, OPENED_DAYS_AGO

RAW = re.compile(r"\b(None|nan|NaN|NaT|null)\b|\{\"|\d{4}-\d{2}-\d{2}")


@dataclass
class LiveDemo:
    server: Server
    passwords: dict[str, str]


@pytest.fixture
def live_demo(tmp_path: Path) -> Iterator[LiveDemo]:
    engine = sqlite_engine_at(tmp_path / "live.sqlite3")
    seed_demo(engine, default_catalogue(), DemoSpec.live(clock.today(), agencies=80))
    with Session(engine) as s:
        rows = create_demo_accounts(s)
        s.commit()
    engine.dispose()
    server = start_server(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path / "streamlit.log")
    yield LiveDemo(server, {r.username: str(r.password) for r in rows})
    stop_server(server)


def _open(browser: object, demo: LiveDemo, username: str, path: str, lang: str, title: str) -> object:
    """Sign in as `username` and open the page at `path`, waiting for its title."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    page.goto(f"{demo.server.url}/?lang={lang}")
    wait_for_app(page)
    sign_in(page, username, demo.passwords[username])
    wait_for_app(page)
    page.goto(f"{demo.server.url}/{path}?lang={lang}")
    wait_for_app(page)
    page.locator("h1").get_by_text(title, exact=True).wait_for()
    wait_for_app(page)
    return page


def _text(page: object) -> str:
    return str(page.locator("[data-testid='stMain']").inner_text())  # type: ignore[attr-defined]


def _cells(page: object) -> list[str]:
    """Return the text of every table cell drawn on the page (Streamlit draws tables on a canvas, with a hidden grid),
    once a table's cells are there: the page's title can show while the script is still running."""
    page.locator("[data-testid='stDataFrame'] [role='gridcell']").first.wait_for(state="attached")  # type: ignore[attr-defined]
    wait_for_app(page)
    return [str(c) for c in page.locator("[data-testid='stDataFrame'] [role='gridcell']").all_inner_texts()]  # type: ignore[attr-defined]


def test_demo_respondent_finds_the_open_cycle_and_their_draft(browser: object, live_demo: LiveDemo) -> None:
    page = _open(browser, live_demo, "demo-respondent", "my_response", "en", "My response")
    text = _text(page)
    screenshot(page, "demo_respondent_my_response_en")
    assert "No survey cycle is open" not in text
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    closes = fmt_date(clock.today() + dt.timedelta(days=CLOSES_IN_DAYS), "en")
    assert metrics[:2] == ["Draft", closes]  # the draft of this fiscal year's cycle, open until its deadline


def test_demo_coordinator_has_responses_to_review(browser: object, live_demo: LiveDemo) -> None:
    page = _open(browser, live_demo, "demo-coordinator", "review", "th", "ตรวจสอบคำตอบแบบสำรวจ")
    screenshot(page, "demo_coordinator_review_th")
    assert page.locator("[data-testid='stMetricValue']").first.inner_text() == "ส่งแล้ว"  # one to review, offered first
    assert "ส่งแล้ว" in _cells(page)
    assert not RAW.search(" ".join(_cells(page))), [c for c in _cells(page) if RAW.search(c)]

    # A returned response: the demo coordinator's comments, labelled with who wrote them and when, in words.
    page.locator("[data-testid='stSelectbox']").nth(1).click()
    page.get_by_role("option").filter(has_text="(ส่งกลับให้แก้ไข)").first.click()
    wait_for_app(page)
    page.get_by_text("ความเห็นของผู้ตรวจสอบ", exact=True).first.wait_for()
    wait_for_app(page)
    page.get_by_text("ความเห็นของผู้ตรวจสอบ", exact=True).first.scroll_into_view_if_needed()
    screenshot(page, "demo_coordinator_review_returned_th")
    cells = _cells(page)
    assert any(c.startswith("ความเห็นทั่วไปจาก demo-coordinator เมื่อ ") for c in cells), cells[-12:]
    assert "ส่งกลับให้แก้ไข" in cells and "return" not in cells and "nan" not in " ".join(cells)

    page.goto(f"{live_demo.server.url}/tracking?lang=th")
    wait_for_app(page)
    page.locator("h1").get_by_text("ติดตามการตอบแบบสำรวจ", exact=True).wait_for()
    wait_for_app(page)
    screenshot(page, "demo_coordinator_tracking_th")
    assert not RAW.search(" ".join(_cells(page))), [c for c in _cells(page) if RAW.search(c)]


def test_demo_admin_sees_the_cycles_page_in_thai_with_buddhist_era_dates(browser: object, live_demo: LiveDemo) -> None:
    page = _open(browser, live_demo, "demo-admin", "cycles", "th", "รอบสำรวจ")
    page.get_by_text("รับคำตอบแบบสำรวจ", exact=False).first.wait_for()
    text = _text(page)
    screenshot(page, "demo_admin_cycles_th")
    opens = fmt_date(clock.today() - dt.timedelta(days=OPENED_DAYS_AGO), "th")
    assert opens in _cells(page), _cells(page)[:20]  # the open cycle, dated in B.E. with Thai month names
    assert f"ปีงบประมาณ {clock.fiscal_year_be() + 1}" in text  # this year's cycle exists: next year's is proposed
    assert not RAW.search(" ".join(_cells(page))), [c for c in _cells(page) if RAW.search(c)]


def test_demo_admin_sees_targets_without_raw_values(browser: object, live_demo: LiveDemo) -> None:
    page = _open(browser, live_demo, "demo-admin", "targets", "th", "เป้าหมายตามแผน")
    screenshot(page, "demo_admin_targets_th")
    cells = _cells(page)
    assert "สมมติฐาน (ผู้วางแผนนโยบายแก้ไขได้)" in cells and "assumption" not in cells  # the basis in words
    assert not RAW.search(" ".join(cells)), [c for c in cells if RAW.search(c)]


def test_demo_planner_sees_the_open_cycle_provisional_and_an_agency_deadline_in_thai(browser: object,
                                                                                    live_demo: LiveDemo) -> None:
    """The open cycle chosen: its point on the trajectory is hollow and named provisional in the legend, the banner
    says how many agencies are approved; the agency profile shows its deadline whole (a metric cut it)."""
    year = clock.fiscal_year_be()
    page = _open(browser, live_demo, "demo-planner", "overview", "th", "ภาพรวม")
    page.goto(f"{live_demo.server.url}/?lang=th&cycle={year}")  # the Overview is the app's first page  # type: ignore[attr-defined]
    wait_for_app(page)
    legend = page.locator(".legendtext").filter(has_text="ผลเบื้องต้น").first  # type: ignore[attr-defined]
    legend.wait_for()
    assert "หน่วยงานได้รับอนุมัติคำตอบแบบสำรวจแล้ว" in _text(page)
    legend.scroll_into_view_if_needed()
    screenshot(page, "demo_planner_overview_provisional_th")
    page.goto(f"{live_demo.server.url}/agency?lang=th&cycle={year - 1}&agency=D0001")  # type: ignore[attr-defined]
    wait_for_app(page)
    line = page.locator("[data-testid='stMarkdownContainer']").filter(has_text="กำหนดส่ง: ").first  # type: ignore[attr-defined]
    line.wait_for()
    page.locator("h2").first.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    assert re.search(r"กำหนดส่ง: \d{1,2} \S+\. ?\S*\. \d{4} · วันที่ส่ง: ", line.inner_text()), line.inner_text()
    screenshot(page, "demo_planner_agency_th")
