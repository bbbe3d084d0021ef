"""The respondent's web form: answers as its widgets hold them and back, what a save sends, problems per tab.

The form's tabs are the catalogue's dimensions. Every problem the validator returns lands in
exactly one tab, beside its question, under the services table, or at the top of the tab, so that
a tab's marker, the banner's count and the problems shown are one and the same list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.answers import chosen
from survey.catalogue import Catalogue, Indicator, default_catalogue
from survey.validation import SERVICES_FIELD, AnswerInput, Problem, errors

#: The widget keys of one question: its answer, its evidence and its comment.
PARTS = ("ans", "ev", "cm")


def widget_keys(indicator_id: str) -> tuple[str, str, str]:
    """Return the widget keys of a question's answer, evidence and comment."""
    ans, ev, cm = (f"{p}_{indicator_id}" for p in PARTS)
    return ans, ev, cm


def widget_value(ind: Indicator, value: Any) -> Any:
    """Return a stored answer as its widget holds it (None, an empty widget, when unanswered or not showable)."""
    if ind.type == "multi_choice":
        return chosen(ind, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if ind.type in ("yes_no", "stage", "count"):
        return int(value) if float(value).is_integer() else None
    return float(value)


def widget_values(answers: Mapping[str, AnswerInput], catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Return every widget key of the form with the value it shows for `answers` (empty text, never None, in text boxes)."""
    catalogue = catalogue or default_catalogue()
    out: dict[str, Any] = {}
    for ind in catalogue.entered_indicators():
        given = answers.get(ind.id, AnswerInput())
        ans, ev, cm = widget_keys(ind.id)
        out |= {ans: widget_value(ind, given.value), ev: given.evidence or "", cm: given.comment or ""}
    return out


def answers_from_widgets(values: Mapping[str, Any], catalogue: Catalogue | None = None) -> dict[str, AnswerInput]:
    """Return the answers as the form's widgets hold them (`values`: widget key -> value).

    An emptied multi-choice, an emptied number and a blank text are unanswered (None): clearing a
    number never turns into 0.
    """
    catalogue = catalogue or default_catalogue()
    out = {}
    for ind in catalogue.entered_indicators():
        ans, ev, cm = widget_keys(ind.id)
        value = values.get(ans)
        out[ind.id] = AnswerInput(None if value == [] else value, _text(values.get(ev)), _text(values.get(cm)))
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def changed_answers(base: Mapping[str, AnswerInput], typed: Mapping[str, AnswerInput]) -> dict[str, AnswerInput]:
    """Return the answers typed differently from `base` (the answers as loaded or last saved): a save sends only these."""
    return {k: v for k, v in typed.items() if base.get(k, AnswerInput()) != v}


@dataclass(frozen=True)
class TabProblems:
    """One tab's problems: beside each question, under the services table, and the rest at the top of the tab."""

    by_question: dict[str, list[Problem]] = field(default_factory=dict)
    services: list[Problem] = field(default_factory=list)
    other: list[Problem] = field(default_factory=list)

    def all(self) -> list[Problem]:
        return [p for ps in self.by_question.values() for p in ps] + self.services + self.other

    @property
    def errors(self) -> int:
        return len(errors(self.all()))


def problems_by_tab(problems: Sequence[Problem], catalogue: Catalogue | None = None) -> dict[str, TabProblems]:
    """Return each dimension's problems (dimension id -> `TabProblems`), every problem in exactly one tab.

    A service row's problem and the inventory's own go to the tab holding the service inventory; a
    question's to its tab, beside the question when the form shows it; anything else to the first tab.
    """
    catalogue = catalogue or default_catalogue()
    tabs = {d.id: TabProblems() for d in catalogue.dimensions}
    services_tab = next((i.dimension for i in catalogue.indicators() if i.type == "service_inventory"),
                        catalogue.dimensions[0].id)
    entered = {i.id for i in catalogue.entered_indicators()}
    for p in problems:
        if p.row is not None or p.field == SERVICES_FIELD:
            tabs[services_tab].services.append(p)
            continue
        try:
            tab = tabs[catalogue.indicator(p.field).dimension]
        except KeyError:
            tabs[catalogue.dimensions[0].id].other.append(p)
            continue
        if p.field in entered:
            tab.by_question.setdefault(p.field, []).append(p)
        else:
            tab.other.append(p)
    return tabs


def tab_label(name: str, problems: TabProblems) -> str:
    """Return a tab's label, marked with its number of errors when it has any ("Services (2)")."""
    return f"{name} ({problems.errors})" if problems.errors else name


@dataclass(frozen=True)
class Tabs:
    """The form's tabs in the catalogue's order: each one's problems and its label (dimension id -> ...)."""

    problems: dict[str, TabProblems]
    labels: dict[str, str]

    @property
    def errors(self) -> int:
        """The errors of every tab together: the number the banner of a refused submission gives."""
        return sum(p.errors for p in self.problems.values())

    @property
    def marked(self) -> list[str]:
        """The labels of the tabs holding errors, in order."""
        return [self.labels[d] for d, p in self.problems.items() if p.errors]

    def label(self, dimension_id: str | None) -> str:
        """Return the label of a dimension's tab (the first tab's for None or an unknown id)."""
        return self.labels.get(dimension_id or "", next(iter(self.labels.values())))

    def dimension(self, label: str) -> str | None:
        """Return the dimension id whose tab bears `label`, None when no tab does."""
        return next((d for d, lb in self.labels.items() if lb == label), None)


def form_tabs(problems: Sequence[Problem], lang: str, catalogue: Catalogue | None = None) -> Tabs:
    """Return the form's tabs for these problems, each label in the reader's language and marked with its errors."""
    catalogue = catalogue or default_catalogue()
    grouped = problems_by_tab(problems, catalogue)
    return Tabs(grouped, {d.id: tab_label(d.name.get(lang), grouped[d.id]) for d in catalogue.dimensions})
