"""My account: who I am, my roles, changing my password, signing out."""

import streamlit as st

from pages._auth import change_own_password, page_principal, sign_out
from pages._session import current_lang
from survey.i18n import t

lang = current_lang()
principal = page_principal("account")
st.title(t("account", lang))
st.write(f"{t('signed_in_as', lang)}: **{principal.display_name}** ({principal.username})")
for grant in sorted(principal.grants, key=lambda g: (g.role, g.agency_id or g.ministry_id or "")):
    st.write(f"- {t('role_' + grant.role, lang)} {grant.agency_id or grant.ministry_id or ''}")

st.header(t("change_password", lang))
with st.form("change_password_form", clear_on_submit=True):
    old = st.text_input(t("old_password", lang), type="password", key="old_password")
    new = st.text_input(t("new_password", lang), type="password", key="new_password")
    repeat = st.text_input(t("repeat_password", lang), type="password", key="repeat_password")
    submitted = st.form_submit_button(t("change_password", lang), key="change_password_submit")
if submitted:
    if new != repeat:
        st.error(t("passwords_differ", lang))
    else:
        change_own_password(principal, old, new)

st.divider()
st.button(t("sign_out", lang), on_click=sign_out, key="account_sign_out")
