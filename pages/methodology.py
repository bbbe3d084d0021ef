"""Methodology, generated from the catalogue, the method and the targets file."""

import plotly.graph_objects as go
import streamlit as st

from pages._auth import page_principal
from pages._dashboard import show_table, styled
from pages._session import cached, current_lang
from survey.i18n import fmt_datetime, fmt_number, fmt_percent_text, t
from usecases.views.common import FINAL_SHARE
from usecases.views.methodology import methodology_view

lang = current_lang()
principal = page_principal("methodology")
st.title(t("methodology", lang))
view = cached(methodology_view, lang)
m = view.method
st.caption(":material/update: " + t("method_data_updated", lang).format(when=fmt_datetime(view.last_updated, lang),
                                                                         method=m["method_version"]))
st.write(t("method_intro", lang))
st.info(t("method_summary", lang).format(catalogue=m["catalogue_version"], method=m["method_version"],
                                         norm=m["normalisation"], agg=m["aggregation"],
                                         cov=fmt_percent_text(100 * m["min_coverage"], lang, 0), online=m["online_level"],
                                         jump=fmt_percent_text(100 * m["jump_threshold"], lang, 0)))
st.caption(t("draws_note", lang).format(draws=fmt_number(m["draws"], lang)))
st.caption(t("method_final_rule", lang).format(share=fmt_percent_text(100 * FINAL_SHARE, lang, 0)))
st.caption(t("models_note", lang).format(share=fmt_percent_text(100 * m["refit_share"], lang, 0)))

st.header(t("dimensions_title", lang))
dims = view.dimensions
fig = go.Figure(go.Pie(labels=dims["dimension"], values=dims["share"], hole=0.4, sort=False,
                       hovertemplate="%{label}: %{value:.1f} %<extra></extra>"))
styled(fig, t("dimensions_title", lang), height=420)
show_table(dims, lang, principal, "method_dimensions")
st.header(t("indicators_title", lang))
show_table(view.indicators, lang, principal, "method_indicators")
st.header(t("bands_title", lang))
show_table(view.bands, lang, principal, "method_bands")
st.header(t("targets_title", lang))
st.caption(t("assumption_note", lang))
show_table(view.targets, lang, principal, "method_targets")
