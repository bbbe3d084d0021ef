"""The Overview in a real browser: Thai by default, the language switch, the address keeps the choice."""

from __future__ import annotations

from tests.browser.conftest import Server, screenshot, sign_in, wait_for_app


def test_overview_in_chromium(browser: object, demo_server: Server) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(demo_server.url)
    wait_for_app(page)
    sign_in(page, "planner")
    page.get_by_text("ภาพรวม", exact=True).first.wait_for()
    page.get_by_text("ข้อมูลสาธิต", exact=False).first.wait_for()
    page.get_by_text("86.12 %", exact=True).first.wait_for()
    screenshot(page, "overview-th")
    page.get_by_role("radiogroup", name="ภาษา / Language").get_by_text("English").click()
    page.get_by_text("Overview", exact=True).first.wait_for()
    wait_for_app(page)
    assert "lang=en" in page.url
    screenshot(page, "overview-en")
    # A shared link keeps the language.
    page.goto(f"{demo_server.url}/?lang=en")
    wait_for_app(page)
    page.get_by_text("Share of key government services that can be provided online against the path to the target").first.wait_for()
