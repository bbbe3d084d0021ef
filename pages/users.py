"""Users (administrators): accounts and roles, creating, deactivating, CSV import, identity-provider role rules."""

import streamlit as st

from pages._auth import page_principal
from pages._session import act, current_lang, labelled
from survey.i18n import t
from usecases import accounts, runtime, tables
from usecases.access import ROLE_NAMES
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("users")
st.title(t("users", lang))
roles = sorted(ROLE_NAMES)
role_label = {role: t("role_" + role, lang) for role in roles}.__getitem__

with transaction() as session:
    table = accounts.users(session, principal)
shown = table.assign(roles=[tables.roles_words(r, lang) for r in table["roles"]])
st.dataframe(labelled(tables.readable(shown, lang), lang), hide_index=True, width="stretch")
names = dict(zip(table["user_id"], table["username"], strict=True))

create, change, upload, mapping = st.tabs([t("create_user", lang), t("roles_and_status", lang), t("import_csv", lang),
                                           t("oidc_mappings", lang)])
with create, st.form("create_user_form", clear_on_submit=True):
    username = st.text_input(t("username", lang), key="new_username")
    display_name = st.text_input(t("display_name", lang), key="new_display_name")
    email = st.text_input(t("email", lang), key="new_email")
    password = st.text_input(t("password_optional", lang), type="password", key="new_user_password")
    role = st.selectbox(t("role", lang), roles, format_func=role_label, key="new_role",
                        placeholder=t("choose_option", lang))
    scope = st.text_input(t("scope", lang), key="new_scope")
    if st.form_submit_button(t("create_user", lang), key="create_user_submit"):
        act(accounts.create_user, principal, username, display_name, email=email or None,
                  password=password or None, roles=[(role, scope or None)], policy=runtime.policy())

with change:
    user_id = st.selectbox(t("user", lang), list(names), format_func=lambda i: names[i], key="change_user",
                           placeholder=t("choose_option", lang))
    role = st.selectbox(t("role", lang), roles, format_func=role_label, key="change_role",
                        placeholder=t("choose_option", lang))
    scope = st.text_input(t("scope", lang), key="change_scope")
    cols = st.columns(4)
    if cols[0].button(t("grant_role", lang), key="grant") and user_id is not None:
        act(accounts.grant_role, principal, user_id, role, scope or None)
    if cols[1].button(t("revoke_role", lang), key="revoke") and user_id is not None:
        act(accounts.revoke_role, principal, user_id, role, scope or None)
    if cols[2].button(t("deactivate", lang), key="deactivate") and user_id is not None:
        act(accounts.set_active, principal, user_id, False)
    if cols[3].button(t("reactivate", lang), key="reactivate") and user_id is not None:
        act(accounts.set_active, principal, user_id, True)
    with st.form("set_password_form", clear_on_submit=True):
        new_password = st.text_input(t("set_password", lang), type="password", key="set_password")
        if st.form_submit_button(t("set_password", lang), key="set_password_submit") and user_id is not None:
            act(accounts.set_password, principal, user_id, new_password, runtime.policy())

with upload:
    st.caption(t("import_help", lang))
    file = st.file_uploader(t("import_csv", lang), type=["csv"], key="users_csv")
    if file is not None and st.button(t("import_csv", lang), key="import"):
        report = act(accounts.import_users_file, principal, file.name, file.getvalue())
        if report is not None:
            st.info(t("import_done", lang).format(created=len(report.created), granted=len(report.granted),
                                                  problems=len(report.problems)))
            problems = report.problems_frame()
            problems["message"] = [t(k, lang).format(detail=v) for k, v in zip(problems["key"], problems["value"],
                                                                               strict=True)]
            st.dataframe(labelled(problems[["row", "field", "message"]], lang), hide_index=True, width="stretch")

with mapping:
    st.caption(t("oidc_mappings_help", lang))
    with transaction() as session:
        rules = accounts.oidc_mappings(session, principal)
    st.dataframe(labelled(tables.readable(rules, lang, {"role": "role"}), lang), hide_index=True, width="stretch")
    with st.form("oidc_mapping_form", clear_on_submit=True):
        cols = st.columns(4)
        claim, value = cols[0].text_input(t("claim", lang), "groups"), cols[1].text_input(t("claim_value", lang))
        role = cols[2].selectbox(t("role", lang), roles, format_func=role_label, key="mapping_role",
                                    placeholder=t("choose_option", lang))
        scope = cols[3].text_input(t("scope", lang), key="mapping_scope")
        if st.form_submit_button(t("add_mapping", lang), key="add_mapping_submit"):
            act(accounts.add_oidc_mapping, principal, claim, value, role, scope or None)
    rule = st.selectbox(t("remove_mapping", lang), rules["mapping_id"].tolist(), index=None, key="mapping_remove",
                        placeholder=t("choose_option", lang))
    if rule is not None and st.button(t("remove_mapping", lang), key="remove_mapping"):
        act(accounts.remove_oidc_mapping, principal, rule)
