"""Streamlit entry point: start-up (migrations, first administrator) once per process, the language, sign-in, and
the navigation the signed-in user's roles allow."""

from __future__ import annotations

import streamlit as st

from pages._auth import current_principal, identity_provider_sign_in, sign_out, write_cookie
from pages._cycle_open import notice
from pages._session import current_lang, language_switch
from survey.i18n import t
from usecases import runtime
from usecases.access import allowed_pages

# Page key (as in usecases.access.PAGE_ROLES) -> file, title key, icon. Keys without a file yet are skipped.
PAGES: dict[str, tuple[str, str, str]] = {
    "overview": ("pages/overview.py", "overview", ":material/monitoring:"),
    "ministries": ("pages/ministries.py", "ministries", ":material/account_balance:"),
    "agency": ("pages/agency.py", "agency_profile", ":material/domain:"),
    "gaps": ("pages/gaps.py", "gaps", ":material/target:"),
    "adoption": ("pages/adoption.py", "adoption", ":material/hub:"),
    "quality": ("pages/quality.py", "data_quality", ":material/fact_check:"),
    "methodology": ("pages/methodology.py", "methodology", ":material/menu_book:"),
    "account": ("pages/account.py", "account", ":material/person:"),
    "my_response": ("pages/my_response.py", "my_response", ":material/edit_note:"),
    "review": ("pages/review.py", "review", ":material/fact_check:"),
    "tracking": ("pages/tracking.py", "tracking", ":material/checklist:"),
    "history": ("pages/history.py", "history", ":material/history:"),
    "users": ("pages/users.py", "users", ":material/group:"),
    "audit": ("pages/access_log.py", "access_log", ":material/policy:"),
    "cycles": ("pages/cycles.py", "cycles", ":material/event:"),
    "organisations": ("pages/organisations.py", "organisations", ":material/account_tree:"),
    "register": ("pages/register.py", "register_import", ":material/upload_file:"),
    "instrument": ("pages/instrument.py", "instrument", ":material/history_edu:"),
    "targets": ("pages/targets.py", "targets", ":material/flag:"),
    "follow_up": ("pages/follow_up.py", "follow_up", ":material/notifications_active:"),
}



@st.cache_resource(show_spinner=False)
def start_up() -> None:
    """Bring the schema up to date and create the first administrator from the settings, once per process."""
    runtime.prepare()


st.set_page_config(page_title="Digital Government Readiness", page_icon="🇹🇭", layout="wide")
start_up()
lang = current_lang()
language_switch(lang)
principal = current_principal() or identity_provider_sign_in()
write_cookie()

if principal is None:
    pages = [st.Page("pages/sign_in.py", title=t("sign_in", lang), icon=":material/login:", url_path="sign_in", default=True)]
else:
    keys = [key for key in allowed_pages(principal) if key in PAGES]
    pages = [st.Page(PAGES[key][0], title=t(PAGES[key][1], lang), icon=PAGES[key][2], url_path=key, default=i == 0)
             for i, key in enumerate(keys)]
    st.sidebar.caption(f"{t('signed_in_as', lang)}: {principal.display_name}")
    st.sidebar.button(t("sign_out", lang), on_click=sign_out, key="sidebar_sign_out")
    if not pages:
        st.warning(t("no_roles", lang))
        st.stop()
page = st.navigation(pages)
if principal is not None and page is pages[0]:
    notice(principal, lang)  # the administrator's landing page says when no cycle is open
page.run()
