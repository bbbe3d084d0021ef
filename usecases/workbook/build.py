"""Build the executive workbook: every sheet, in order, into xlsx bytes.

The tables come from `analytics.workbook` (pure), the layout from the modules here; `build_workbook`
returns xlsx bytes with native charts, conditional formats and a data dictionary."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from analytics.index import method_from_catalogue
from analytics.pipeline import CycleResults
from analytics.workbook import (
    agency_table,
    key_findings,
    ministry_table,
    top_actions,
)
from survey import clock
from survey.catalogue import Catalogue
from survey.i18n import t
from survey.targets import Target
from survey.years import display_year
from usecases.collector import frozen_heap
from usecases.workbook.method import method_sheet, quality_sheet
from usecases.workbook.sheets import actions_sheet, adoption_sheet, agencies_sheet, ministries_sheet
from usecases.workbook.summary import summary_sheet
from usecases.workbook.writer import Writer, names_of, scope_label


@frozen_heap()  # the cells are hundreds of thousands of small objects: no full collector passes over the rest
def build_workbook(results: CycleResults, catalogue: Catalogue, targets: tuple[Target, ...], lang: str, *,
                   ministry: str | None = None, agencies: pd.DataFrame | None = None,
                   ministries: pd.DataFrame | None = None, demo: bool = False,
                   data_date: dt.date | None = None, timeliness: pd.DataFrame | None = None) -> bytes:
    """Return the executive workbook of `results` as xlsx bytes, in `lang`, for the country or one ministry.

    Sheets: Summary (headlines against this cycle's milestones, the national trajectory, ministries
    compared, key findings), Ministries, Agencies, Gaps and actions, Adoption, Data quality and
    Methodology (versions, weights, goalposts, bands, targets and their sources, a data dictionary).
    `agencies` and `ministries` are the register (ids and names in both languages); `timeliness` is
    `late_or_missing(...)` (without it, the agencies that did not respond are listed as missing).
    """
    if lang not in ("th", "en"):
        raise ValueError(f"unknown language {lang!r}")
    method = method_from_catalogue(catalogue)
    root, dims = method.root, list(method.children(method.root))
    data_date = data_date or clock.today()
    ministries = ministries if ministries is not None else pd.DataFrame(columns=["ministry_id", "name_th", "name_en"])
    agencies = agencies if agencies is not None else pd.DataFrame(columns=["agency_id", "name_th", "name_en"])
    if ministry is not None and ministry not in set(results.agency_scores["ministry_id"]):
        raise ValueError(f"no agencies of ministry {ministry!r} in cycle {results.year}")
    a_names, m_names = names_of(agencies, "agency_id", lang), names_of(ministries, "ministry_id", lang)

    ag = agency_table(results, catalogue, ministry)
    mi = ministry_table(results, catalogue)
    scope_ids = set(ag["agency_id"])
    actions = top_actions(results, catalogue, sorted(scope_ids) if ministry is not None else None)
    findings = key_findings(results, catalogue, lang, ag, mi, actions, a_names, m_names)

    buffer = io.BytesIO()
    head = f"{t('wb_title', lang)} · {scope_label(ministry, lang, m_names)} · {t('wb_cycle', lang)} " \
           f"{display_year(results.year, lang)}"
    w = Writer(buffer, lang, head)
    summary_sheet(w, results, catalogue, targets, ministry, demo, data_date, findings, m_names, len(mi))
    ministries_sheet(w, mi, catalogue, dims, m_names)
    agencies_sheet(w, ag, catalogue, dims, a_names, m_names, root)
    actions_sheet(w, actions, catalogue, a_names, dict(zip(ag["agency_id"], ag["ministry_id"], strict=True)),
                   m_names)
    adoption_sheet(w, results, catalogue, ministry, m_names)
    quality_sheet(w, results, ministry, scope_ids, timeliness, data_date, a_names, m_names, ag)
    method_sheet(w, results, catalogue, targets, data_date)
    w.wb.close()
    return buffer.getvalue()
