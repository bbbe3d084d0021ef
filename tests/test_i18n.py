"""Every user-facing word exists in Thai and English."""

import math

import pytest

from survey.i18n import TEXTS, fmt_number, fmt_percent, fmt_year, t


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
