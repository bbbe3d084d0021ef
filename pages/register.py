"""The national services register (administrators): upload it with its mapping, check, then Apply."""

import streamlit as st

from pages._auth import page_principal
from pages._imports import check_then_apply, table
from pages._pickers import cycle_picker
from pages._session import current_lang
from survey.i18n import t
from usecases import administration, import_reports
from usecases.runtime import transaction

lang = current_lang()
principal = page_principal("register")
st.title(t("register_import", lang))
st.caption(t("register_import_help", lang))
with transaction() as session:
    years = [int(y) for y in administration.cycles_table(session, principal)["cycle_year"]]
cycle = cycle_picker(years, lang, "register_cycle")
file = st.file_uploader(t("register_import", lang), type=["xlsx", "csv"], key="register_file")
mapping = st.file_uploader(t("register_mapping_file", lang), type=["yaml", "yml"], key="register_mapping")
create = st.checkbox(t("register_create_orgs", lang), key="register_create")


def show(report: import_reports.RegisterReport) -> None:
    st.text("\n".join(import_reports.register_lines(report, lang)[:1]))
    if report.organisations is not None:
        table(import_reports.organisation_table(report.organisations, lang), lang)
    agencies, rows = import_reports.register_tables(report, lang)
    table(agencies, lang)
    if not rows.empty:
        table(rows, lang)


if file is not None and mapping is not None:
    name, data, mapping_yaml = file.name, file.getvalue(), mapping.getvalue()
    check_then_apply("register", lang, lambda session, dry_run, progress: administration.import_services_register(
        session, principal, name, data, mapping_yaml, cycle, create, dry_run, progress),
        show, data, mapping_yaml, cycle, create)
