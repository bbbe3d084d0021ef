"""Organisations (administrators): add, rename, move, retire and merge agencies, import a list; histories kept."""

import streamlit as st

from pages._auth import page_principal
from pages._imports import check_then_apply, table
from pages._session import act, current_lang, labelled, show_rows
from survey.i18n import t
from usecases import administration, import_reports, tables
from usecases.organisations import AGENCY_TYPES
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("organisations")
st.title(t("organisations", lang))
name_col = "name_th" if lang == "th" else "name_en"
with transaction() as session:
    agencies = administration.agencies_table(session, principal)
    ministries = administration.ministries_table(session, principal)
shown = agencies.assign(agency_type=[t(f"type_{k}", lang) for k in agencies["agency_type"]])
show_rows(labelled(tables.readable(shown, lang), lang), lang, height=280)
ids = agencies["agency_id"].tolist()
names = dict(zip(ids, agencies[name_col], strict=True))
agency_label = lambda a: f"{a} {names.get(a, '')}"  # noqa: E731
ministry_names = dict(zip(ministries["ministry_id"], ministries[name_col], strict=True))
ministry_label = lambda m: f"{m} {ministry_names.get(m, '')}"  # noqa: E731
ministry_ids = list(ministry_names)

add, change, merge, upload, listed, history = st.tabs([t("add_agency", lang), t("change_agency", lang),
                                                       t("merge_agencies", lang), t("import_agencies", lang),
                                                       t("import_organisations", lang), t("agency_history", lang)])
with add, st.form("add_agency_form", clear_on_submit=True):
    cols = st.columns(2)
    new_id = cols[0].text_input(t("col_agency_id", lang), key="add_id")
    ministry = cols[1].selectbox(t("col_ministry_id", lang), ministry_ids, format_func=ministry_label, key="add_min", placeholder=t("choose_option", lang))
    name_th, name_en = cols[0].text_input(t("col_name_th", lang)), cols[1].text_input(t("col_name_en", lang))
    kind = cols[0].selectbox(t("col_agency_type", lang), AGENCY_TYPES, format_func=lambda k: t(f"type_{k}", lang), placeholder=t("choose_option", lang))
    province = cols[1].text_input(t("col_province", lang))
    if st.form_submit_button(t("add_agency", lang), key="add_submit") and ministry is not None:
        act(administration.add_agency, principal, new_id, ministry, name_th, name_en, kind, province, rerun=True)

with change:
    agency = st.selectbox(t("agency", lang), ids, format_func=agency_label, key="ch_agency", placeholder=t("choose_option", lang))
    cols = st.columns(2)
    name_th = cols[0].text_input(t("col_name_th", lang), key="ch_th")
    name_en = cols[1].text_input(t("col_name_en", lang), key="ch_en")
    if st.button(t("rename", lang), key="ch_rename") and agency is not None:
        act(administration.rename_agency, principal, agency, name_th or None, name_en or None, rerun=True)
    ministry = st.selectbox(t("move_to", lang), ministry_ids, format_func=ministry_label, key="ch_min", placeholder=t("choose_option", lang))
    if st.button(t("move", lang), key="ch_move") and agency is not None and ministry is not None:
        act(administration.move_agency, principal, agency, ministry, rerun=True)
    if st.button(t("retire", lang), key="ch_retire") and agency is not None:
        act(administration.retire_agency, principal, agency, rerun=True)

with merge:
    st.caption(t("merge_help", lang))
    source = st.selectbox(t("merge_source", lang), ids, format_func=agency_label, key="mg_source", placeholder=t("choose_option", lang))
    target = st.selectbox(t("merge_target", lang), ids, format_func=agency_label, key="mg_target", placeholder=t("choose_option", lang))
    if st.button(t("merge_agencies", lang), key="mg_submit") and source is not None and target is not None:
        act(administration.merge_agencies, principal, source, target, rerun=True)

with upload:
    st.caption(t("import_agencies_help", lang))
    file = st.file_uploader(t("import_agencies", lang), type=["csv", "xlsx"], key="agencies_file")
    if file is not None and st.button(t("import_agencies", lang), key="import_submit"):
        bar = st.progress(0.0)
        report = act(administration.import_agencies, principal, file.name, file.getvalue(),
                           progress=lambda done, total, message="": bar.progress(done / max(total, 1), text=message))
        if report is not None:
            shown = report.drop(columns=["message_en" if lang == "th" else "message_th"])
            show_rows(labelled(shown, lang), lang)

with listed:
    st.caption(t("import_organisations_help", lang))
    org_file = st.file_uploader(t("import_organisations", lang), type=["csv", "xlsx"], key="orgs_file")
    org_mapping = st.file_uploader(t("register_mapping_file", lang), type=["yaml", "yml"], key="orgs_mapping")
    if org_file is not None and org_mapping is not None:
        org_name, content, mapping_yaml = org_file.name, org_file.getvalue(), org_mapping.getvalue()
        check_then_apply("orgs", lang, lambda session, dry_run, progress: administration.import_organisation_list(
            session, principal, org_name, content, mapping_yaml, dry_run, progress),
            lambda report: table(import_reports.organisation_table(report, lang), lang), content, mapping_yaml)

with history:
    agency = st.selectbox(t("agency", lang), ids, format_func=agency_label, key="hist_agency", placeholder=t("choose_option", lang))
    if agency is not None:
        with transaction() as session:
            found = administration.agency_history(session, principal, agency)
        st.caption(t("lineage", lang).format(ids=", ".join(found.lineage)))
        show_rows(labelled(tables.audit_table(found.responses, lang), lang), lang)
        show_rows(labelled(tables.audit_table(found.changes, lang), lang), lang)
