"""Buddhist-Era years: B.E. = C.E. + 543 (domain brief: survey year 2565 = 2022)."""

import pytest

from survey.years import display_year, to_be, to_ce


def test_conversions() -> None:
    assert to_be(2022) == 2565
    assert to_be(2565) == 2565
    assert to_ce(2565) == 2022
    assert display_year(2565, "th") == "2565"
    assert display_year(2565, "en") == "2022"
    with pytest.raises(ValueError):
        to_be(0)
