"""survey/cells.py: the one guard against spreadsheet formula injection (OWASP "CSV Injection")."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from survey.cells import FORMULA_START, csv_bytes, formula_like, safe_cell, safe_frame


@pytest.mark.parametrize("start", FORMULA_START)
def test_each_risky_start_is_quoted(start: str) -> None:
    text = start + 'HYPERLINK("http://evil.example","x")'
    assert formula_like(text)
    assert safe_cell(text) == "'" + text


def test_plain_values_pass_unchanged() -> None:
    assert safe_cell("กรมการปกครอง") == "กรมการปกครอง" and not formula_like("กรม")
    assert safe_cell(-5) == -5 and safe_cell(3.5) == 3.5 and safe_cell(None) is None
    assert math.isnan(safe_cell(float("nan")))
    assert not formula_like(-5) and not formula_like(None)


def test_frames_and_csv_bytes_quote_every_text_cell_and_header() -> None:
    frame = pd.DataFrame({"name": ["=1+1", "ok", None], "n": [-1, 2, 3], "@note": ["+x", "-y", "z"]})
    safe = safe_frame(frame)
    assert safe["name"].tolist()[:2] == ["'=1+1", "ok"] and safe["n"].tolist() == [-1, 2, 3]
    assert list(safe.columns) == ["name", "n", "'@note"] and safe["'@note"].tolist() == ["'+x", "'-y", "z"]
    data = csv_bytes(frame)
    assert data.startswith("\ufeff".encode()) and b"'=1+1" in data and b"\n=1+1" not in data
