"""Sign-in: the government identity provider when configured, and a username and password."""

import streamlit as st

from pages._auth import oidc_configured, oidc_problem, password_sign_in, sign_out
from pages._session import current_lang
from survey.i18n import fmt_datetime, t

lang = current_lang()
st.title(t("sign_in", lang))

if oidc_configured():
    problem = oidc_problem()
    if problem:
        st.error(t(problem, lang))
        st.button(t("sign_out", lang), on_click=sign_out, key="oidc_sign_out")
    else:
        st.button(t("sign_in_sso", lang), on_click=st.login, type="primary", key="oidc_sign_in")
    st.caption(t("sign_in_local", lang))

with st.form("sign_in_form"):
    username = st.text_input(t("username", lang), key="sign_in_username")
    password = st.text_input(t("password", lang), type="password", key="sign_in_password")
    submitted = st.form_submit_button(t("sign_in", lang), key="sign_in_submit")

if submitted:
    result = password_sign_in(username, password)
    if result.ok:
        st.rerun()
    elif result.problem == "account_locked" and result.locked_until is not None:
        st.error(t("account_locked", lang).format(until=fmt_datetime(result.locked_until, lang)))
    else:
        st.error(t(result.problem or "sign_in_failed", lang))
