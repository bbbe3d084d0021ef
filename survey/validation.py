"""Check a self-assessment: one validator for the web form, the Excel upload and the CLI import.

`validate` never raises on bad input and never stops at the first problem: it returns every
problem as data (field, service row, severity, code, a message in Thai and English), so each
channel can show them its own way (a form beside the field, a workbook by sheet and cell).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from survey.catalogue import NONE_OPTION, Catalogue, Indicator
from survey.errors import DomainError, Localised, Message, message

Severity = Literal["error", "warning"]
Mode = Literal["draft", "submit"]

#: The service-inventory field that holds the service rows.
SERVICES_FIELD = "SVC.01"
#: Which shared service (an option of SHR.01) each service flag means.
SHARED_SERVICE_FLAGS: Mapping[str, str] = {
    "uses_digital_id": "DIGITAL_ID",
    "uses_e_payment": "E_PAYMENT",
    "uses_e_signature": "E_SIGNATURE",
    "uses_e_certificate": "E_CERTIFICATE",
}
SHARED_SERVICES_INDICATOR = "SHR.01"
SERVICE_BOOLEANS = ("paper_required", *SHARED_SERVICE_FLAGS)
MAX_TEXT = 2000
#: Codes of text over its limit: a save or an import carrying one is refused whole, the text never cut.
TOO_LONG = frozenset({"bad_evidence", "bad_comment", "value_too_long"})
#: A service name longer than this is kept whole, with a warning (real registers hold names of up to about
#: 450 characters); one longer than MAX_TEXT is an error.
LONG_SERVICE_NAME = 300
MAX_VOLUME = 10**12

_YES = {"yes", "y", "true", "1", "ใช่", "มี", "ใช้", "t"}
_NO = {"no", "n", "false", "0", "ไม่ใช่", "ไม่มี", "ไม่ใช้", "f"}
#: Control characters that PostgreSQL text (NUL) or an xlsx cell cannot hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A level typed as its label: "3 - Adopted", "3. Adopted", "3) Adopted" (not "3.5").
_LEADING_INT = re.compile(r"^\s*(-?\d+)\s*(?:(?:[-–:)]|\.(?=\s))\s*\S.*)?$")


@dataclass(frozen=True)
class AnswerInput:
    """One answer as a respondent gave it (any type: the validator judges it)."""

    value: Any = None
    evidence: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ServiceInput:
    """One row of the key-service inventory as given."""

    name: Any = None
    digital_level: Any = None
    annual_volume: Any = None
    paper_required: Any = True
    uses_digital_id: Any = False
    uses_e_payment: Any = False
    uses_e_signature: Any = False
    uses_e_certificate: Any = False
    code: Any = None
    #: Lineage from the national services register: its status code, reason and project for the service,
    #: and whether it is not meant to become an e-service (left out of the online-share denominator).
    register_status: Any = None
    register_reason: Any = None
    project: Any = None
    not_applicable: Any = False


@dataclass(frozen=True)
class Problem:
    """Something wrong or worth a second look, with where it is and what to do, in both languages."""

    field: str
    row: int | None
    severity: Severity
    code: str
    message: Localised
    sheet: str | None = None
    cell: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        """Return the location as a reader finds it: "DAT!D7", else the field and row."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.field if self.row is None else f"{self.field}[{self.row + 1}]"

    def located(self, sheet: str | None, cell: str | None) -> Problem:
        return replace(self, sheet=sheet, cell=cell)


class Refused(DomainError, ValueError):
    """Input refused whole: `problems` says why; the error's message is the first problem's."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0].message
        if isinstance(first, Message):
            super().__init__(first.key, **first.params)
        else:
            super().__init__("file_refused", why=first)


def errors(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def clean_text(text: str) -> str:
    """Return text without the control characters a database or a workbook cannot store, with \n line ends."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def is_missing(value: Any) -> bool:
    """True for no answer: None, NaN, or an empty or blank string."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_number(value: Any) -> float | None:
    """Return the number in `value` (a number or a string like "1,200"), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
        if text.endswith("%"):
            text = text[:-1]
        if not text or len(text) > 40:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def parse_yes_no(value: Any) -> float | None:
    """Return 1.0 for yes, 0.0 for no (Thai or English words, booleans, 1/0), None otherwise."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)) and value in (0, 1):
        return float(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return 1.0
        if word in _NO:
            return 0.0
    return None


def parse_level(value: Any) -> float | None:
    """Return the whole number a stage or level answer names ("3", 3, "3 - Adopted"), or None."""
    number = parse_number(value)
    if number is None and isinstance(value, str):
        match = _LEADING_INT.match(value)
        return float(match.group(1)) if match else None
    return number if number is not None and number.is_integer() else None


def parse_choices(value: Any) -> list[str] | None:
    """Return the option ids of a multi-choice answer (a list, JSON list, or "A;B" / "A,B"), or None."""
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                loaded = json.loads(text)
            except ValueError:
                return None
            if not isinstance(loaded, list):
                return None
            items = loaded
        else:
            items = [p for p in re.split(r"[;,\n]", text) if p.strip()]
    else:
        return None
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return None
        token = item.strip()
        if token and token not in out:
            out.append(token)
    return out


def _q(ind: Indicator) -> Message:
    return message("question_ref", id=ind.id, question=ind.question)


def _msg(ind: Indicator, key: str, **params: Any) -> Message:
    """Return the message `problem_<key>` about question `ind` (its id and wording come first)."""
    return message(f"problem_{key}", q=_q(ind), **params)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass(frozen=True)
class Clean:
    """An answer in stored form: a number, and for multi-choice the chosen option ids."""

    number: float | None
    choices: tuple[str, ...] | None = None


def normalise_value(ind: Indicator, value: Any) -> Any:
    """Return the value as stored: text without control characters, and a list given to a single-answer
    question joined into one text ("a, b")."""
    if ind.type != "multi_choice" and isinstance(value, list | tuple | set | frozenset):
        value = ", ".join(str(v) for v in value)
    return clean_text(value) if isinstance(value, str) else value


def clean_answer(ind: Indicator, value: Any, catalogue: Catalogue) -> tuple[Clean | None, list[Problem]]:
    """Return the answer in stored form (None when missing or unusable) and its type and range problems."""
    value = normalise_value(ind, value)
    if is_missing(value):
        return None, []
    problems: list[Problem] = []

    def err(code: str, key: str | None = None, **params: Any) -> None:
        problems.append(Problem(ind.id, None, "error", code, _msg(ind, key or code, **params)))

    if ind.type == "multi_choice":
        chosen = parse_choices(value)
        if chosen is None:
            err("not_a_choice")
            return None, problems
        if NONE_OPTION in chosen:
            if len(chosen) > 1:
                err("none_with_others")
                return None, problems
            return Clean(0.0, ()), problems
        allowed = ind.option_ids()
        unknown = [c for c in chosen if c not in allowed]
        if unknown:
            shown = ", ".join(u[:40] for u in unknown[:5])
            err("unknown_option", options=shown)
            return None, problems
        return Clean(float(len(chosen)), tuple(chosen)), problems
    if ind.type == "yes_no":
        yn = parse_yes_no(value)
        if yn is None:
            err("not_yes_no")
            return None, problems
        return Clean(yn), problems
    if ind.type == "stage":
        top = len(catalogue.stages) - 1
        level = parse_level(value)
        if level is None:
            err("not_a_stage", top=top)
            return None, problems
        if not 0 <= level <= top:
            err("out_of_range", "stage_out_of_range", level=_fmt(level), top=top)
            return None, problems
        return Clean(level), problems
    if ind.type in ("count", "percentage"):
        number = parse_number(value)
        if number is None:
            err("not_a_number")
            return None, problems
        if ind.type == "count" and not number.is_integer():
            err("not_an_integer")
            return None, problems
        low, high = ind.minimum, ind.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            lo = "-" if low is None else _fmt(low)
            hi = "-" if high is None else _fmt(high)
            err("out_of_range", value=_fmt(number), low=lo, high=hi)
            return None, problems
        return Clean(number), problems
    err("not_entered")
    return None, problems


def _service_problems(services: Sequence[ServiceInput], catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    top = len(catalogue.digital_levels) - 1
    seen_codes: dict[str, int] = {}

    def add(field: str, row: int, code: str, key: str, **params: Any) -> None:
        problems.append(Problem(field, row, "error", code, message(f"service_{key}", row=row + 1, **params)))

    for row, svc in enumerate(services):
        name = svc.name
        if is_missing(name) or not isinstance(name, str | int | float):
            add("name", row, "required", "name_required")
        elif isinstance(name, str) and len(name) > MAX_TEXT:
            add("name", row, "too_long", "name_too_long", limit=f"{MAX_TEXT:,}", n=f"{len(name):,}")
        elif isinstance(name, str) and len(name) > LONG_SERVICE_NAME:
            problems.append(Problem("name", row, "warning", "long_name",
                                    message("service_name_long", row=row + 1, n=f"{len(name):,}",
                                            limit=LONG_SERVICE_NAME)))
        if not is_missing(svc.register_status) and len(str(svc.register_status).strip()) > 64:
            add("register_status", row, "too_long", "status_too_long")
        code = svc.code
        if not is_missing(code):
            key = str(code).strip()
            if len(key) > 64:
                add("code", row, "too_long", "code_too_long")
            elif key in seen_codes:
                add("code", row, "duplicate", "code_duplicate", service_code=key, first=seen_codes[key] + 1)
            else:
                seen_codes[key] = row
        level = None if is_missing(svc.digital_level) else parse_level(svc.digital_level)
        if is_missing(svc.digital_level):
            add("digital_level", row, "required", "level_required", top=top)
        elif level is None or not 0 <= level <= top:
            add("digital_level", row, "out_of_range", "level_out_of_range", top=top)
        if not is_missing(svc.annual_volume):
            vol = parse_number(svc.annual_volume)
            if vol is None or not vol.is_integer() or vol < 0 or vol > MAX_VOLUME:
                add("annual_volume", row, "not_a_volume", "not_a_volume")
        for flag in SERVICE_BOOLEANS:
            raw = getattr(svc, flag)
            if not is_missing(raw) and parse_yes_no(raw) is None:
                add(flag, row, "not_yes_no", "not_yes_no", flag=flag)
    return problems


def _compare(op: str, left: float, right: float) -> bool:
    return {
        "<=": left <= right, "<": left < right, ">=": left >= right, ">": left > right, "==": left == right,
    }[op]


def validate(
    answers: Mapping[str, AnswerInput],
    services: Sequence[ServiceInput],
    catalogue: Catalogue,
    previous: Mapping[str, float] | None = None,
    mode: Mode = "draft",
) -> list[Problem]:
    """Return every problem in a self-assessment (empty when there is none).

    Types and ranges, required answers (errors only when `mode` is "submit", reminders in a
    draft), the catalogue's cross-field rules, the service rows, shared services that the
    inventory uses but the answers do not tick, and year-on-year jumps beyond
    `method.jump_threshold` against `previous` (a warning until a comment or evidence explains it).
    """
    if mode not in ("draft", "submit"):
        raise ValueError(f"unknown mode {mode!r}; use 'draft' or 'submit'")
    problems: list[Problem] = []
    clean: dict[str, Clean] = {}
    known = {i.id: i for i in catalogue.indicators()}

    for key, given in answers.items():
        key_text = str(key)[:64]
        ind = known.get(key_text)
        if ind is None:
            problems.append(Problem(key_text, None, "error", "unknown_indicator",
                                    message("problem_unknown_indicator", id=key_text)))
            continue
        if not isinstance(given, AnswerInput):
            given = AnswerInput(given)
        length = _text_length(given.value)
        if length > MAX_TEXT:
            problems.append(Problem(ind.id, None, "error", "value_too_long",
                                    _msg(ind, "value_too_long", n=length, limit=MAX_TEXT)))
        cleaned, found = clean_answer(ind, given.value, catalogue)
        problems.extend(found)
        if cleaned is not None:
            clean[ind.id] = cleaned
        for part in ("evidence", "comment"):
            text = getattr(given, part)
            if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
                problems.append(Problem(ind.id, None, "error", f"bad_{part}", _msg(ind, f"bad_{part}", limit=MAX_TEXT)))

    severity: Severity = "error" if mode == "submit" else "warning"
    for ind in catalogue.indicators():
        if not ind.required:
            continue
        if ind.type == "service_inventory":
            if not services:
                problems.append(Problem(ind.id, None, severity, "required", _msg(ind, "services_required")))
        elif ind.entered and ind.id not in clean and not _answered(ind, answers.get(ind.id)):
            problems.append(Problem(ind.id, None, severity, "required", _msg(ind, "required")))

    problems.extend(_service_problems(services, catalogue))
    problems.extend(_rule_problems(clean, catalogue))
    problems.extend(_inventory_problems(clean, services, catalogue))
    problems.extend(_evidence_problems(clean, answers, catalogue, mode))
    if previous:
        problems.extend(_jump_problems(clean, answers, previous, catalogue))
    return problems


def _text_length(value: Any) -> int:
    """Return how many characters an answer holds as text (a multi-choice list: all its items)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sum(len(str(v)) for v in value)
    return 0


def _answered(ind: Indicator, given: Any) -> bool:
    value = given.value if isinstance(given, AnswerInput) else given
    return not is_missing(normalise_value(ind, value))


def _rule_problems(clean: Mapping[str, Clean], catalogue: Catalogue) -> list[Problem]:
    problems = []
    for rule in catalogue.rules:
        left, right = clean.get(rule.left), clean.get(rule.right)
        if left is None or right is None:
            continue
        if rule.op == "implies_option":
            broken = left.number == 1.0 and rule.option not in (right.choices or ())
        else:
            broken = left.number is not None and right.number is not None and not _compare(rule.op, left.number, right.number)
        if broken:
            # The rule in words, by its message and its two questions; its id (R.…) is for the catalogue's editors.
            problems.append(Problem(rule.left, None, "error", "rule", message(
                "problem_rule", text=rule.message, left=_q(catalogue.indicator(rule.left)),
                right=_q(catalogue.indicator(rule.right)))))
    return problems


def _inventory_problems(clean: Mapping[str, Clean], services: Sequence[ServiceInput],
                        catalogue: Catalogue) -> list[Problem]:
    shared = clean.get(SHARED_SERVICES_INDICATOR)
    if shared is None or shared.choices is None:
        return []
    ind = catalogue.indicator(SHARED_SERVICES_INDICATOR)
    problems = []
    for flag, option in SHARED_SERVICE_FLAGS.items():
        users = [r for r, s in enumerate(services) if parse_yes_no(getattr(s, flag)) == 1.0]
        if users and option not in shared.choices:
            label = next(o.label for o in ind.options if o.id == option)
            rows = ", ".join(str(r + 1) for r in users[:10])
            problems.append(Problem(ind.id, None, "warning", "inventory_mismatch", _msg(
                ind, "inventory_mismatch", rows=rows, option=label)))
    return problems


def _has_note(given: Any) -> bool:
    if not isinstance(given, AnswerInput):
        return False
    return any(isinstance(t, str) and t.strip() for t in (given.evidence, given.comment))


def _evidence_problems(clean: Mapping[str, Clean], answers: Mapping[str, AnswerInput], catalogue: Catalogue,
                       mode: Mode) -> list[Problem]:
    """Claims of adoption (yes, stage 3 or more) on evidence-backed questions want a link or document."""
    if mode != "submit":
        return []
    problems = []
    for ind_id, value in clean.items():
        ind = catalogue.indicator(ind_id)
        claimed = (ind.type == "yes_no" and value.number == 1.0) or (ind.type == "stage" and (value.number or 0) >= 3)
        given = answers.get(ind_id)
        evidence = given.evidence if isinstance(given, AnswerInput) else None
        if ind.evidence and claimed and not (isinstance(evidence, str) and evidence.strip()):
            problems.append(Problem(ind_id, None, "warning", "evidence_missing", _msg(ind, "evidence_missing")))
    return problems


def _jump_problems(clean: Mapping[str, Clean], answers: Mapping[str, AnswerInput], previous: Mapping[str, float],
                   catalogue: Catalogue) -> list[Problem]:
    threshold = catalogue.method.jump_threshold
    problems = []
    for ind_id, value in clean.items():
        ind = catalogue.indicator(ind_id)
        before = previous.get(ind_id)
        if ind.type not in ("count", "percentage") or value.number is None or before is None:
            continue
        if isinstance(before, bool) or not isinstance(before, int | float) or not math.isfinite(before):
            continue
        change = abs(value.number - before) / max(abs(before), 1.0)
        if change > threshold and not _has_note(answers.get(ind_id)):
            pct = round(change * 100)
            problems.append(Problem(ind_id, None, "warning", "jump", _msg(
                ind, "jump", before=_fmt(before), after=_fmt(value.number), pct=pct)))
    return problems
