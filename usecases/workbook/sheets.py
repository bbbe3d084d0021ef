"""The Ministries, Agencies, Gaps and actions, and Adoption sheets."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from survey.catalogue import Catalogue
from survey.i18n import TEXTS, t
from usecases.workbook.writer import (
    Col,
    Writer,
    band_labels,
    colour_scores,
    nums,
    score_cols,
    status_cols,
)

#: Widths (characters) of the id, name and ministry columns the list sheets share; names wrap.
ID_WIDTH = 9.0
NAME_WIDTH = 30.0
MINISTRY_WIDTH = 24.0


def agency_type_words(codes: Any, lang: str) -> list[str | None]:
    """Return agency types in the reader's words (the register's codes: department, state_enterprise, ...)."""
    return [None if not isinstance(c, str) else t(f"type_{c}", lang) if f"type_{c}" in TEXTS else c
            for c in pd.Series(codes).tolist()]


def ministries_sheet(w: Writer, mi: pd.DataFrame, catalogue: Catalogue, dims: list[str],
                      m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_ministries")
    root = method_from_catalogue(catalogue).root
    ids = mi["ministry_id"].astype(str).tolist()
    cols = [Col("ministry_id", ids, "user", width=ID_WIDTH),
            Col("ministry", [m_names.get(i, i) for i in ids], "user", width=NAME_WIDTH),
            Col("agencies", nums(mi["agencies"]), "num", "int"), Col("scored", nums(mi["scored"]), "num", "int"),
            Col("online_ratio", nums(mi["online_service_ratio"]), "num", "pct"),
            Col("online_change", nums(mi["online_change"]), "num", "change"),
            *score_cols(mi, catalogue, dims, root, lang),
            Col("band", band_labels(mi["band"], catalogue, lang), "text", width=20),
            Col("ministry_rank", nums(mi["rank"]), "num", "int", header=t("wb_col_rank", lang)),
            Col("ministry_rank_p05", nums(mi["rank_p05"]), "num", "int", header=t("wb_col_rank_p05", lang)),
            Col("ministry_rank_p95", nums(mi["rank_p95"]), "num", "int", header=t("wb_col_rank_p95", lang)),
            *status_cols(mi, lang)]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    colour_scores(w, ws, 1, end - 1, cols)
    w.print_setup(ws, sheet, end - 1, len(cols) - 1, header_row=0)



def agencies_sheet(w: Writer, ag: pd.DataFrame, catalogue: Catalogue, dims: list[str], a_names: dict[str, str],
                    m_names: dict[str, str], root: str) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_agencies")
    ids = ag["agency_id"].astype(str).tolist()
    mids = ag["ministry_id"].astype(str).tolist()
    cols = [Col("agency_id", ids, "user", width=ID_WIDTH),
            Col("agency", [a_names.get(i, i) for i in ids], "user", width=NAME_WIDTH),
            Col("ministry", [m_names.get(m, m) for m in mids], "user", width=MINISTRY_WIDTH),
            Col("agency_type", agency_type_words(ag["agency_type"], lang), "text", width=12),
            Col("online_ratio", nums(ag["online_service_ratio"]), "num", "pct"),
            Col("online_change", nums(ag["online_change"]), "num", "change"),
            *score_cols(ag, catalogue, dims, root, lang),
            Col("band", band_labels(ag["band"], catalogue, lang), "text", width=20),
            Col("rank", nums(ag["rank"]), "num", "int"), Col("rank_p05", nums(ag["rank_p05"]), "num", "int"),
            Col("rank_p95", nums(ag["rank_p95"]), "num", "int"), Col("coverage", nums(ag["coverage"]), "num", "share"),
            *status_cols(ag, lang)]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    ws.freeze_panes(1, 2)
    colour_scores(w, ws, 1, end - 1, cols)
    w.print_setup(ws, sheet, end - 1, len(cols) - 1, header_row=0)



def actions_sheet(w: Writer, actions: pd.DataFrame, catalogue: Catalogue, a_names: dict[str, str],
                   ministry_of: dict[str, str], m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_actions")
    ids = actions["agency_id"].astype(str).tolist()
    inds = {i.id: i for i in catalogue.indicators()}
    text_of: dict[str, tuple[str, str | None, str | None]] = {
        i: (ind.question.get(lang), ind.action.get(lang) if ind.action else None, ind.owner.get(lang) if ind.owner else None)
        for i, ind in inds.items()}
    ind_ids = actions["indicator_id"].astype(str).tolist()
    cols = [Col("agency_id", ids, "user", width=ID_WIDTH),
            Col("agency", [a_names.get(i, i) for i in ids], "user", width=NAME_WIDTH),
            Col("ministry", [m_names.get(ministry_of.get(i, ""), ministry_of.get(i, "")) for i in ids], "user",
                width=MINISTRY_WIDTH),
            Col("priority", nums(actions["priority"]), "num", "int", width=8),
            Col("indicator_id", ind_ids, "text", width=ID_WIDTH),
            Col("indicator", [text_of[i][0] for i in ind_ids], "text", width=50),
            Col("normalised", nums(actions["normalised"]), "num", "score"),
            Col("gain", nums(actions["gain"]), "num", "pct"),
            Col("action", [text_of[i][1] for i in ind_ids], "text", width=60),
            Col("owner", [text_of[i][2] for i in ind_ids], "text", width=24)]
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    if end > 1:
        ws.conditional_format(1, 7, end - 1, 7, {"type": "data_bar", "bar_color": "#ED7D31"})
    w.print_setup(ws, sheet, end - 1, len(cols) - 1, header_row=0)



def adoption_sheet(w: Writer, results: CycleResults, catalogue: Catalogue, ministry: str | None,
                    m_names: dict[str, str]) -> None:
    lang = w.lang
    ws, sheet = w.sheet("wb_sheet_adoption")
    nat = results.adoption
    if nat.empty:
        w.table(ws, sheet, 0, [Col("item", [], "text")])
        w.print_setup(ws, sheet, 0, 0, header_row=0)
        return
    labels: dict[str, str] = {}
    for ind in catalogue.indicators():
        labels[ind.id] = ind.question.get(lang)
        for opt in ind.options:
            labels.setdefault(opt.id, opt.label.get(lang))
    by_m = results.adoption_ministry
    if ministry is not None:
        by_m = by_m[by_m["group"] == ministry]
    wide = by_m.pivot_table(index="item", columns="group", values="rate", aggfunc="first")
    items = nat["item"].astype(str).tolist()
    wide = wide.reindex(index=items)
    cols = [Col("item", [labels.get(i, i) for i in items], "text", width=44),
            Col("kind", [t(f"wb_kind_{k}", lang) for k in nat["kind"]], "text", width=12),
            Col("national", nums(nat["rate"]), "num", "pct")]
    for m in wide.columns:
        cols.append(Col("ministry_rate", nums(wide[m]), "num", "pct",
                         header=t("wb_col_ministry_rate", lang).format(name=m_names.get(str(m), str(m)))))
    end = w.table(ws, sheet, 0, cols, filter_freeze=True)
    ws.freeze_panes(1, 1)
    if end > 1:
        ws.conditional_format(1, 2, end - 1, len(cols) - 1, {"type": "3_color_scale", "min_color": "#F8696B",
                                                             "mid_color": "#FFEB84", "max_color": "#63BE7B"})
    w.print_setup(ws, sheet, end - 1, len(cols) - 1, header_row=0)
