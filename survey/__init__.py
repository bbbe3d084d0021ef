"""The instrument: what is asked and how answers are checked, stored, shown and read back.

Holds the catalogue (`catalogue.yaml`: dimensions, indicators, wording, weights, goalposts, rules),
the validator, how answers are stored (`answers`), the Excel template's layout and reading
(`excel`), the gate for uploaded files (`files`), the formula-injection guard (`cells`), plan targets
(`targets.yaml`), instrument versions, response states and the deadline rule (`workflow`), the clock
(`clock`), years, and every user-facing text (`texts/`, `i18n`, `errors`).

May import: none of our other packages (it is the floor everything stands on).
"""
