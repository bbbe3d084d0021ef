"""Two app servers on one PostgreSQL database, as behind a load balancer: a change through one shows
through the other within the freshness target (5 s), because caches key on a data version kept in
the database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from data.migrate import upgrade
from data.models import Response
from survey.catalogue import default_catalogue
from tests.browser.conftest import Server, sign_in, start_server, stop_server, wait_for_app
from tests.conftest import APP_SECRET, PG_URL, add_user, pg_schema
from usecases.demo import DemoSpec, seed_demo
from usecases.submission import reopen

FRESHNESS_SECONDS = 5.0


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose connections use a throwaway schema, migrated and seeded with demo data."""
    with pg_schema() as schema:
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
        engine = create_engine(url)
        upgrade(engine)
        seed_demo(engine, default_catalogue(), DemoSpec(agencies=40, years=(2567, 2568)))
        engine.dispose()
        yield url


def _responded(page: object) -> str:
    """Return the response-rate card's value (the share of expected agencies with a counted response)."""
    card = page.locator("[data-testid='stMetric']").filter(has_text="Response rate").first  # type: ignore[attr-defined]
    return str(card.locator("[data-testid='stMetricValue']").inner_text())


def test_change_through_one_server_shows_through_the_other(browser: object, pg_schema_url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_SESSION_SECRET", APP_SECRET)  # both servers accept each other's sign-ins
    add_user(pg_schema_url, "planner", [("planner", None)])
    servers: list[Server] = []
    try:
        for name in ("a", "b"):
            servers.append(start_server(pg_schema_url, tmp_path / f"server-{name}.log",
                                        {"READINESS_SESSION_SECRET": APP_SECRET}))
        pages = []
        for server in servers:
            page = browser.new_page()  # type: ignore[attr-defined]
            page.goto(f"{server.url}/?lang=en")
            wait_for_app(page)
            sign_in(page, "planner")
            page.get_by_text("Response rate").first.wait_for()
            pages.append(page)
        before = [_responded(p) for p in pages]
        assert before[0] == before[1]
        # A coordinator reopens an approved response (as server A would on their click): one agency
        # fewer of the 40 has a counted response in the latest cycle.
        engine = create_engine(pg_schema_url)
        with Session(engine) as s:
            resp = s.scalars(select(Response).where(Response.cycle_year == 2568, Response.status == "approved")
                             .order_by(Response.id)).first()
            assert resp is not None
            result = reopen(s, resp.id, resp.version, "coordinator", "web", "evidence link is broken")
            s.commit()
            assert result.ok
        engine.dispose()
        changed_at = time.monotonic()
        for page in pages:
            while True:
                page.reload()
                wait_for_app(page)
                page.get_by_text("Response rate").first.wait_for()
                if _responded(page) != before[0]:
                    break
                assert time.monotonic() - changed_at < FRESHNESS_SECONDS, "the change did not show in time"
                time.sleep(0.2)
        # 40 agencies expected: one fewer counted response is 2.5 points off the response rate.
        drop = float(before[1].rstrip(" %")) - float(_responded(pages[1]).rstrip(" %"))
        assert abs(drop - 2.5) < 1e-9
        print(f"\nvisible through both servers {time.monotonic() - changed_at:.2f} s after the change")
    finally:
        for server in servers:
            stop_server(server)
