"""Streamlit entry point: language, navigation."""

from __future__ import annotations

import streamlit as st

from pages._shared import current_lang, language_switch
from survey.i18n import t

st.set_page_config(page_title="Digital Government Readiness", page_icon="🇹🇭", layout="wide")
lang = current_lang()
language_switch(lang)
navigation = st.navigation([
    st.Page("pages/overview.py", title=t("overview", lang), icon="📈", url_path="overview", default=True),
])
navigation.run()
