"""Where each cycle stands: how many agencies' answers count and are approved, whether its results are final,
and the cycle the dashboard opens on.

One rule (docs/ANALYTICS.md, "Final and provisional results"): a response's answers count in every figure
once submitted (`survey.workflow.COUNTED_STATUSES`: submitted, approved, locked), in an open cycle as in a
closed one; a cycle's results are *final* when the cycle is closed, or when at least `FINAL_SHARE` of the
agencies in its frame have an approved response (`survey.workflow.APPROVED_STATUSES`: approved, locked).
Until then they are *provisional*, and every page that shows them says "N of M agencies approved".
"""

from __future__ import annotations

import pandas as pd

from analytics.online_services import inventory_counted
from survey.workflow import APPROVED_STATUSES

#: Share of a cycle's frame with an approved response from which an open cycle's results count as final.
FINAL_SHARE = 0.8
#: `cycles.status` of a cycle an administrator has closed.
CLOSED = "closed"

COLUMNS = ["year", "closed", "expected", "counted", "approved", "final"]


def cycle_standing(cycles: pd.DataFrame, frame: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Return one row per cycle (oldest first): year, closed, expected, counted, approved, final.

    expected = agencies in the cycle's frame; counted = those whose response counts in the figures
    (`inventory_counted`: submitted, approved or locked, or an inventory the national register wrote);
    approved = those whose response is approved or locked;
    final = closed or (expected > 0 and approved >= FINAL_SHARE x expected).
    """
    # Each cycle's members once; its responses joined to them once (not one scan of every response per cycle).
    members = frame[["cycle_year", "agency_id"]].drop_duplicates()
    expected_n = members.groupby("cycle_year").size()
    resp = responses.merge(members, on=["cycle_year", "agency_id"], how="inner")
    counted_n = resp.loc[inventory_counted(resp)].groupby("cycle_year")["agency_id"].nunique()
    approved_n = resp.loc[resp["status"].isin(list(APPROVED_STATUSES))].groupby("cycle_year")["agency_id"].nunique()
    rows = []
    for year, status in zip(cycles["year_be"].astype(int), cycles["status"], strict=True):
        expected = int(expected_n.get(year, 0))
        counted, approved = int(counted_n.get(year, 0)), int(approved_n.get(year, 0))
        closed = str(status) == CLOSED
        final = closed or (expected > 0 and approved >= FINAL_SHARE * expected)
        rows.append({"year": int(year), "closed": closed, "expected": expected, "counted": counted,
                     "approved": approved, "final": bool(final)})
    return pd.DataFrame(rows, columns=COLUMNS)


def default_cycle(standing: pd.DataFrame) -> int | None:
    """Return the cycle the dashboard opens on: the latest final cycle with counted answers.

    Without one, the latest cycle with counted answers (shown as provisional), else the latest cycle;
    None without cycles.
    """
    if standing.empty:
        return None
    with_data = standing[standing["counted"] > 0]
    final = with_data[with_data["final"]]
    chosen = final if not final.empty else with_data if not with_data.empty else standing
    return int(chosen["year"].max())
