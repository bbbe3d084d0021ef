"""Crosswalk to the international indices: which national indicators feed UN EGDI/OSI, GTMI and OECD DGI
dimensions, and where the agencies fall short on them.

The mapping is the catalogue's `crosswalk` on each indicator (frameworks: UN EGDI components OSI, TII,
HCI; World Bank GTMI components CGSI, PSDI, DCEI, GTEI; OECD DGI's six dimensions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.catalogue import Catalogue

SHORT_OF = 50.0
CROSSWALK_COLUMNS = ["framework", "dimension", "indicators", "agencies", "mean_score", "share_below", "weakest_indicator"]


def crosswalk_map(catalogue: Catalogue) -> pd.DataFrame:
    """Return one row per (framework, dimension, indicator) that the catalogue maps, scored indicators only."""
    rows = [{"framework": fw, "dimension": d, "indicator_id": ind.id}
            for ind in catalogue.scored_indicators() for fw, dims in ind.crosswalk.items() for d in dims]
    return pd.DataFrame(rows, columns=["framework", "dimension", "indicator_id"])


def crosswalk_summary(scores: pd.DataFrame, catalogue: Catalogue, threshold: float = SHORT_OF) -> pd.DataFrame:
    """Return, per framework dimension, its national indicators and how the agencies score on them.

    From one cycle's normalised indicator scores s (0-100, `composite_index` rows of kind indicator):
    an agency's dimension score = mean of s over the dimension's indicators it answered;
    mean_score = mean over agencies of that; share_below = 100 x #(agencies with it < threshold) / #agencies;
    weakest_indicator = the dimension's indicator with the lowest mean s. Every framework dimension
    is listed, those fed by no indicator with NaN (a gap in the instrument itself).
    The scores are placed into an agencies x indicators matrix by integer codes; the means are summed in the
    order pandas' DataFrame.mean sums them (`_nanmean`), so they are the same floats.
    """
    matrix, indicators = _score_matrix(scores)
    column = {ind: j for j, ind in enumerate(indicators)}
    cmap = crosswalk_map(catalogue)
    ids_of: dict[tuple[str, str], list[str]] = {}
    for fw, dim, ind in zip(cmap["framework"].tolist(), cmap["dimension"].tolist(), cmap["indicator_id"].tolist(),
                            strict=True):
        ids_of.setdefault((fw, dim), []).append(ind)
    rows = []
    for fw, dims in catalogue.frameworks.items():
        for dim in dims:
            ids = ids_of.get((fw, dim), [])
            answered = [i for i in ids if i in column]
            # The dimension's columns, each agency's scores side by side: as a frame keeps them (indicators x
            # agencies, Fortran order), since the order of the sums below follows that layout.
            part = np.ascontiguousarray(matrix[:, [column[i] for i in answered]])
            block = part.T
            # mean over the indicators the agency answered; pandas sums under 6 agencies row by row.
            per_agency = _nanmean(block, 0) if len(part) >= 6 else _nanmean(part, 1)
            per_agency = per_agency[~np.isnan(per_agency)]
            by_ind = _nanmean(block, 1)
            kept = np.flatnonzero(~np.isnan(by_ind))
            n = len(per_agency)
            rows.append({
                "framework": fw, "dimension": dim, "indicators": ids, "agencies": n,
                # a Series' mean: its sum / its count, of the numbers and of the true/false below
                "mean_score": float(per_agency.sum() / np.float64(n)) if n else np.nan,
                "share_below": 100.0 * float(np.count_nonzero(per_agency < threshold) / np.float64(n)) if n else np.nan,
                "weakest_indicator": str(answered[kept[np.argmin(by_ind[kept])]]) if len(kept) else None,
            })
    return pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    """Return the mean along `axis` of the numbers that are not NaN (NaN where none), summed as pandas' mean sums
    them: missing values set to 0 in a copy (in C order, made only when there are some), numpy's sum along
    `axis`, divided by the count. The same floats to the last bit: numpy's order of summation follows the layout."""
    mask = np.isnan(values)
    if mask.any():
        values = values.copy()
        np.putmask(values, mask, 0)
    count = (values.shape[axis] - mask.sum(axis)).astype(float)
    with np.errstate(all="ignore"):
        mean = values.sum(axis) / count
    mean[count == 0] = np.nan
    return mean


def _score_matrix(scores: pd.DataFrame) -> tuple[np.ndarray, list]:
    """Return agencies x indicators of the `indicator` rows' scores, NaN where not answered (each agency's first
    non-missing score per indicator), and the indicators: rows and columns sorted as
    `set_index([agency_id, node]).unstack` sorts them, placed by integer codes instead of a sort of the long table."""
    keep = (scores["kind"] == "indicator").to_numpy(dtype=bool, na_value=False) & scores["score"].notna().to_numpy()
    rows = np.flatnonzero(keep)
    agency, agencies = _sorted_codes(scores["agency_id"], rows)
    node, nodes = _sorted_codes(scores["node"], rows)
    key = agency * len(nodes) + node
    first = np.full(len(agencies) * len(nodes), len(rows))
    np.minimum.at(first, key, np.arange(len(rows)))  # the first row of each (agency, indicator)
    cells = np.flatnonzero(first < len(rows))
    matrix = np.full(len(agencies) * len(nodes), np.nan)
    matrix[cells] = scores["score"].to_numpy(dtype=float, na_value=np.nan)[rows[first[cells]]]
    return matrix.reshape(len(agencies), len(nodes)), nodes


def _sorted_codes(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, list]:
    """Return the code of each of `column`'s `rows` among their distinct values, and those values: sorted, a
    missing value first (where unstack puts it)."""
    codes, uniques = pd.factorize(pd.Series(column.array.take(rows)), sort=True)
    if (codes < 0).any():
        return codes + 1, [np.nan, *uniques.tolist()]
    return codes, uniques.tolist()
