"""The administration pages through AppTest: each opens for its roles in both languages and is refused to others."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.access import PAGE_ROLES, Role
from tests.conftest import ROOT, add_user, signed_in_app

PAGES = {"cycles": "pages/cycles.py", "organisations": "pages/organisations.py", "instrument": "pages/instrument.py",
         "targets": "pages/targets.py", "follow_up": "pages/follow_up.py"}
TITLES = {"cycles": ("รอบสำรวจ", "Survey cycles"), "organisations": ("หน่วยงาน", "Organisations"),
          "instrument": ("ฉบับของแบบสำรวจ", "Instrument versions"), "targets": ("เป้าหมายตามแผน", "Plan targets"),
          "follow_up": ("ติดตามหน่วยงานที่ยังไม่ส่ง", "Follow-up of late agencies")}
SCOPE = {Role.COORDINATOR: "MOF", Role.RESPONDENT: "D0001"}


def _open(db: Path, page: str, role: Role, lang: str) -> AppTest:
    at = signed_in_app(db, [(role.value, SCOPE.get(role))], lang).run()
    assert not at.exception
    return at.switch_page(PAGES[page]).run()


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize(("page", "role"), [(p, r) for p in PAGES for r in sorted(PAGE_ROLES[p])])
def test_page_opens_for_its_roles(app_on_demo: Path, page: str, role: Role, lang: str) -> None:
    at = _open(app_on_demo, page, role, lang)
    assert not at.exception, at.exception
    assert at.title[0].value == TITLES[page][0 if lang == "th" else 1]
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_refused_to_other_roles(app_on_demo: Path, page: str) -> None:
    """Other roles do not get the page in their navigation, and running its file directly refuses them."""
    for role in sorted(set(Role) - PAGE_ROLES[page]):
        token = add_user(app_on_demo, f"refused_{page}_{role.value}", [(role.value, SCOPE.get(role))])
        principal_pages = [k for k, roles in PAGE_ROLES.items() if role in roles]
        assert page not in principal_pages
        direct = AppTest.from_file(str(ROOT / PAGES[page]), default_timeout=30)
        direct.session_state["_auth_token"] = token
        direct.query_params["lang"] = "en"
        direct.run()
        assert [e.value for e in direct.error] == ["You have no access to this."], role
        assert not direct.title
