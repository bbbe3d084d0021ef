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


def test_cycle_argument_refuses_what_is_not_a_year() -> None:
    import argparse

    from survey.years import cycle_argument

    assert cycle_argument("2022") == 2565 and cycle_argument("2568") == 2568
    for bad in ("99999999999999999", "0", "-5", "2568.5", "สองพัน"):
        with pytest.raises(argparse.ArgumentTypeError, match="is not a survey year"):
            cycle_argument(bad)
