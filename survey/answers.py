"""How answers are stored and shown: stored columns <-> input values, what an import changes, choice labels.

Pure functions of the instrument: no database. The use cases (`usecases.intake`) store what
`storage` returns and read back through `stored_value`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from survey.catalogue import NONE_OPTION, Catalogue, Indicator, default_catalogue
from survey.i18n import t
from survey.validation import (
    MAX_TEXT,
    SERVICE_BOOLEANS,
    AnswerInput,
    ServiceInput,
    clean_answer,
    clean_text,
    is_missing,
    normalise_value,
    parse_level,
    parse_number,
    parse_yes_no,
)
from survey.years import to_be

SERVICE_FIELDS = ("code", "name", "digital_level", "annual_volume", *SERVICE_BOOLEANS)



def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))



def _raw_text(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return [clean_text(str(v))[:200] for v in value]
    return clean_text(str(value))[:MAX_TEXT]



def storage(ind_id: str, value: Any, catalogue: Catalogue) -> tuple[float | None, str | None]:
    """Return (value_num, value_text) to store: the clean value, or what was typed when it is not valid."""
    ind = catalogue.indicator(ind_id)
    value = normalise_value(ind, value)
    if is_missing(value):
        return None, None
    cleaned, _ = clean_answer(ind, value, catalogue)
    if cleaned is not None:
        if cleaned.choices is not None:
            order = ind.option_ids()
            return cleaned.number, json.dumps(sorted(cleaned.choices, key=order.index))
        return cleaned.number, None
    return None, json.dumps(_raw_text(value), ensure_ascii=False)



def stored_value(ind_type: str, value_num: float | None, value_text: str | None) -> Any:
    """Return a stored answer as an input value (a list for multi-choice, a whole number where whole)."""
    if value_text is not None:
        try:
            return json.loads(value_text)
        except ValueError:
            return value_text
    if value_num is None:
        return None
    if ind_type in ("count", "stage", "yes_no") and float(value_num).is_integer():
        return int(value_num)
    return value_num



def show(value_num: float | None, value_text: str | None) -> str | None:
    """Return a stored value as the audit trail and conflicts show it."""
    if value_text is not None:
        return value_text
    return None if value_num is None else _fmt(value_num)



def text_or_none(x: Any) -> str | None:
    text = None if x is None else clean_text(str(x))
    if text is None or not text.strip():
        return None
    return text[:MAX_TEXT]



def service_record(svc: ServiceInput) -> dict[str, Any]:
    level = parse_level(svc.digital_level)
    volume = None if is_missing(svc.annual_volume) else parse_number(svc.annual_volume)
    record: dict[str, Any] = {
        "code": None if is_missing(svc.code) else clean_text(str(svc.code)).strip()[:64],
        "name": clean_text(str(svc.name)).strip()[:300],
        "digital_level": int(level) if level is not None else 0,
        "annual_volume": int(volume) if volume is not None else None,
    }
    for flag in SERVICE_BOOLEANS:
        raw = getattr(svc, flag)
        record[flag] = (flag == "paper_required") if is_missing(raw) else parse_yes_no(raw) == 1.0
    return record



def service_key(record: Mapping[str, Any], row: int) -> str:
    return str(record.get("code") or record.get("name") or f"row {row + 1}")[:56]



def diff_answers(new: Mapping[str, AnswerInput], stored: Mapping[str, AnswerInput],
                 new_services: Sequence[ServiceInput] | None = None,
                 stored_services: Sequence[ServiceInput] | None = None,
                 catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return what an import would change: one row per field with its old and new value."""
    catalogue = catalogue or default_catalogue()
    entered = {i.id for i in catalogue.entered_indicators()}
    rows = []
    for key, given in new.items():
        if key not in entered:
            continue
        before = stored.get(key, AnswerInput())
        old = show(*storage(key, before.value, catalogue))
        now = show(*storage(key, given.value, catalogue))
        if old != now:
            rows.append({"indicator": key, "old": old, "new": now})
        for part in ("evidence", "comment"):
            o, n = text_or_none(getattr(before, part)), text_or_none(getattr(given, part))
            if o != n:
                rows.append({"indicator": f"{key}#{part}", "old": o, "new": n})
    if new_services is not None:
        old_by = {service_key(r, i): r for i, r in enumerate(service_record(s) for s in stored_services or [])}
        new_by = {service_key(r, i): r for i, r in enumerate(service_record(s) for s in new_services)}
        for key in list(old_by) + [k for k in new_by if k not in old_by]:
            if old_by.get(key) != new_by.get(key):
                rows.append({"indicator": f"service:{key}",
                             "old": None if key not in old_by else json.dumps(old_by[key], ensure_ascii=False),
                             "new": None if key not in new_by else json.dumps(new_by[key], ensure_ascii=False)})
    return pd.DataFrame.from_records(rows, columns=["indicator", "old", "new"])



ANSWER_TABLE_COLUMNS = ("agency_id", "cycle", "indicator_id", "value")



def answers_from_table(frame: pd.DataFrame) -> dict[tuple[str, int], dict[str, AnswerInput]]:
    """Group a long table of answers (agency_id, cycle, indicator_id, value[, evidence, comment]) by agency and cycle.

    Cycles of 2400 and above are B.E., others C.E. Raise ValueError naming missing columns or bad cycles.
    """
    missing = [c for c in ANSWER_TABLE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the table has no column {', '.join(missing)}; it needs {', '.join(ANSWER_TABLE_COLUMNS)}")
    out: dict[tuple[str, int], dict[str, AnswerInput]] = {}
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        cycle = parse_number(rec["cycle"])
        # A survey year, C.E. or B.E.: anything else (a huge number, a date serial) is refused by line.
        if cycle is None or not cycle.is_integer() or not (1900 <= cycle <= 3100):
            raise ValueError(f"line {i}: cycle {rec['cycle']!r} is not a year")
        key = (str(rec["agency_id"]).strip(), to_be(int(cycle)))
        evidence, comment = rec.get("evidence"), rec.get("comment")
        out.setdefault(key, {})[str(rec["indicator_id"]).strip()] = AnswerInput(
            rec["value"], text_or_none(evidence), text_or_none(comment))
    return out


def choice_options(ind: Indicator) -> list[str]:
    """Return what a multi-choice widget offers: the question's option ids, then "none of these"."""
    return [*ind.option_ids(), NONE_OPTION]



def choice_label(ind: Indicator, option: str, lang: str) -> str:
    """Return the label of one of `choice_options`."""
    if option == NONE_OPTION:
        return t("none_of_these", lang)
    return next((o.label.get(lang) for o in ind.options if o.id == option), option)



def chosen(ind: Indicator, value: Any) -> list[str]:
    """Return a stored multi-choice answer as the widget holds it: no option stored is "none of these"."""
    if not isinstance(value, list):
        return []
    if not value:
        return [NONE_OPTION]
    return [v for v in value if v in choice_options(ind)]



def shown(ind: Indicator, value: Any, lang: str, catalogue: Catalogue | None = None) -> str:
    """Return an answer as a reader sees it: labels for yes/no, stages and options; a dash when missing."""
    catalogue = catalogue or default_catalogue()
    if ind.type == "multi_choice" and isinstance(value, list):
        return ", ".join(choice_label(ind, str(v), lang) for v in chosen(ind, value) or value)
    if is_missing(value) or value == []:
        return "–"
    yes_no = parse_yes_no(value) if ind.type == "yes_no" else None
    if yes_no is not None:
        return t("yes" if yes_no == 1.0 else "no", lang)
    if ind.type == "stage" and isinstance(value, int | float):
        return f"{int(value)} - {catalogue.stage_label(int(value), lang)}"
    return str(value)
