"""Every user-facing word exists in Thai and English."""

import math

import pytest

from survey.i18n import (
    DECIMALS,
    TEXTS,
    excel_format,
    fmt_change,
    fmt_number,
    fmt_percent,
    fmt_percent_text,
    fmt_year,
    rounded,
    t,
)


def test_every_text_has_both_languages() -> None:
    for key, (th, en) in TEXTS.items():
        assert th.strip() and en.strip(), key
        assert th != en or key in {"percent"}, key


def test_lookup_and_formats() -> None:
    assert t("overview", "th") == "ภาพรวม"
    assert t("overview", "en") == "Overview"
    with pytest.raises(KeyError, match="no text"):
        t("nope", "en")
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_percent(72.7117, "th") == "72.71 %"
    assert fmt_percent(math.nan, "en") == "–"
    assert fmt_year(2565, "th") == "2565" and fmt_year(2565, "en") == "2022"


def test_one_rounding_rule() -> None:
    """Half away from zero on the value read to 15 significant digits, as Excel and LibreOffice display it.

    95.625 is exact in binary: half away from zero gives 95.63 (Python's format, half to even, 95.62).
    72.705 is stored as 72.70499999999999829...; to 15 digits it is 72.7050000000000, so 72.71 (Python: 72.70).
    -2.5 at no decimals is -3; 0.285 (0.28499999999999998) is 0.29.
    """
    assert f"{95.625:.2f}" == "95.62" and f"{72.705:.2f}" == "72.70"  # why the rule is needed
    assert str(rounded(95.625, 2)) == "95.63" and str(rounded(72.705, 2)) == "72.71"
    assert str(rounded(-2.5, 0)) == "-3" and str(rounded(0.285, 2)) == "0.29"
    assert fmt_percent(95.625, "th") == "95.63 %" and fmt_number(1234.25, "en", 1) == "1,234.3"
    assert fmt_percent_text(68.25, "th", 1) == "ร้อยละ 68.3" and fmt_percent_text(68.25, "en", 1) == "68.3 %"
    assert fmt_change(-0.04, "en") == "0.0" and fmt_change(-0.05, "en") == "-0.1" and fmt_change(2.25, "en") == "+2.3"
    assert fmt_number(-0.001, "en", 2) == "0.00" and fmt_number(math.inf, "en") == "–"
    # The workbook's number formats are made from the same decimals.
    assert excel_format("percent") == "0.00" and DECIMALS["percent"] == 2
    assert excel_format("change") == "[>=0.05]+0.0;[<=-0.05]-0.0;0.0"
    with pytest.raises(ValueError, match="unknown kind"):
        excel_format("nope")
