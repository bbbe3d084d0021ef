"""Tables as readers see them: dates in the reader's calendar, empty cells as a dash, codes in words.

A page draws a frame as it gets it, so a missing value shows as "None", a date as 2027-03-05 and a stored code
(`return`, `register`) as it is stored. `readable` turns a frame into what a reader reads, in their language.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from survey.answers import shown
from survey.catalogue import Catalogue, Indicator, default_catalogue
from survey.i18n import TEXTS, fmt_date, fmt_datetime, fmt_number, fmt_year, t
from survey.validation import SERVICE_BOOLEANS

#: What an empty cell shows.
EMPTY = "–"
#: Columns holding codes, and the text prefix that says each code in words (`<prefix>_<code>`).
CODE_WORDS: dict[str, str] = {"status": "status", "inventory_source": "inventory_source"}


def missing(value: Any) -> bool:
    """True for an empty cell: None, NaN, NaT, pandas' NA, or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def cell(value: Any, lang: str) -> Any:
    """Return one cell as a reader reads it: a dash when empty, a moment in Thai time, a date in the reader's calendar."""
    if missing(value):
        return EMPTY
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return fmt_datetime(value, lang)
    if isinstance(value, dt.date):
        return fmt_date(value, lang)
    return value


def code_word(prefix: str, code: Any, lang: str) -> str:
    """Return a stored code in words (the text `<prefix>_<code>`), the code itself when no text names it."""
    if missing(code):
        return EMPTY
    key = f"{prefix}_{code}"
    return t(key, lang) if key in TEXTS else str(code)


def _number(value: Any, lang: str) -> str:
    if missing(value):
        return EMPTY
    number = float(value)
    return fmt_number(number, lang, 0 if number.is_integer() else 2)


def readable(frame: pd.DataFrame, lang: str, codes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return `frame` for display: dates and moments in the reader's calendar (`fmt_date`, `fmt_datetime`), empty
    cells as "–", and coded columns (`CODE_WORDS`, plus `codes`: column -> text prefix) in words.

    Number columns without an empty cell stay numbers (the table sorts them); one with an empty cell becomes text.
    """
    words = {**CODE_WORDS, **(codes or {})}
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if col in words:
            out[col] = [code_word(words[col], v, lang) for v in series]
        elif pd.api.types.is_bool_dtype(series.dtype):
            continue
        elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_datetime64_any_dtype(series.dtype):
            if series.isna().any():
                out[col] = [_number(v, lang) for v in series]
        else:
            out[col] = [cell(v, lang) for v in series]
    return out


# The audit log: History, the Access log and the organisations' history ----------------------------------------

#: The audit log's coded columns and the text prefix of each code's words.
AUDIT_CODES: dict[str, str] = {"action": "action", "channel": "channel"}
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def audit_table(frame: pd.DataFrame, lang: str, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Return audit entries as readers read them: the action and channel in words, the cycle in the reader's
    calendar, each changed field by its question or column name with its old and new value in words
    (`change_words`), the detail in words (`detail_words`), moments in Thai time and empty cells as "–".

    It showed the stored codes (`submitted`, `excel`, `service:Boat registration`), JSON (`["GDX"]`,
    `{"version": 3}`) and B.E. years to English readers.
    """
    out = frame.copy()
    if "cycle_year" in out.columns:
        out["cycle_year"] = [EMPTY if missing(y) else fmt_year(int(y), lang) for y in out["cycle_year"]]
    if {"field", "old_value", "new_value"} <= set(out.columns):
        catalogue = catalogue or default_catalogue()
        words = [change_words(f, o, n, lang, catalogue)
                 for f, o, n in zip(out["field"], out["old_value"], out["new_value"], strict=True)]
        out["field"] = [w[0] for w in words]
        out["old_value"] = [w[1] for w in words]
        out["new_value"] = [w[2] for w in words]
    if "detail" in out.columns:
        actions = out["action"] if "action" in out.columns else [None] * len(out)
        out["detail"] = [detail_words(a, d, lang) for a, d in zip(actions, out["detail"], strict=True)]
    return readable(out, lang, AUDIT_CODES)


def change_words(field: Any, old: Any, new: Any, lang: str,
                 catalogue: Catalogue | None = None) -> tuple[str, str, str]:
    """Return a changed field (an audit entry's, an upload preview's) and its old and new value in words: a question
    by its id and wording with its answers as labels (yes/no, stages, options), a service by its name with its fields
    in words, a status in words, a date in the reader's calendar."""
    if missing(field):
        return EMPTY, _value(old, lang), _value(new, lang)
    key = str(field)
    if key == "service:order":
        return t("history_service_order", lang), EMPTY, EMPTY
    if key.startswith("service:"):
        return f"{t('col_service', lang)}: {key.removeprefix('service:')}", _service(old, lang), _service(new, lang)
    if key == "status":
        return t("col_status", lang), code_word("status", old, lang), code_word("status", new, lang)
    if key == "active":
        return t("col_active", lang), _yes_no(old, lang), _yes_no(new, lang)
    if key == "agency_type":
        return t("col_agency_type", lang), code_word("type", old, lang), code_word("type", new, lang)
    ind_id, _, part = key.partition("#")
    ind = _indicator(catalogue or default_catalogue(), ind_id)
    if ind is not None:
        what = f"{ind.id} {ind.question.get(lang)}" + (f" ({t(f'col_{part}', lang)})" if part else "")
        if part:
            return what, _value(old, lang), _value(new, lang)
        return what, _answer(ind, old, lang, catalogue), _answer(ind, new, lang, catalogue)
    name = f"col_{key}"
    return (t(name, lang) if name in TEXTS else key), _value(old, lang), _value(new, lang)


def _indicator(catalogue: Catalogue, ind_id: str) -> Indicator | None:
    try:
        return catalogue.indicator(ind_id)
    except KeyError:
        return None


def _value(value: Any, lang: str) -> str:
    if missing(value):
        return EMPTY
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        return fmt_date(dt.date.fromisoformat(text), lang)
    return text


def _yes_no(value: Any, lang: str) -> str:
    if missing(value):
        return EMPTY
    return t("yes" if str(value).lower() in ("true", "1") else "no", lang)


def _answer(ind: Indicator, stored: Any, lang: str, catalogue: Catalogue | None) -> str:
    """Return an answer as the audit trail stores it (`survey.answers.show`: a number, or JSON for options and for
    what was typed) as a reader reads it."""
    if missing(stored):
        return EMPTY
    try:
        value = json.loads(str(stored))
    except ValueError:
        value = str(stored)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and ind.type not in ("yes_no", "stage"):
        return fmt_number(value, lang, 0 if float(value).is_integer() else 2)
    return shown(ind, value, lang, catalogue)


def _service(record: Any, lang: str) -> str:
    """Return a stored service record (JSON) in words: its name, digital level, yearly volume and the flags it has."""
    if missing(record):
        return EMPTY
    fields = json.loads(str(record))
    volume = fields.get("annual_volume")
    parts = [str(fields.get("name") or EMPTY), f"{t('col_digital_level', lang)} {fields.get('digital_level', 0)}",
             f"{t('col_annual_volume', lang)} {EMPTY if volume is None else fmt_number(volume, lang)}"]
    parts += [t(f"col_{flag}", lang) for flag in SERVICE_BOOLEANS if fields.get(flag)]
    return " · ".join(parts)


def grant_words(grant: str, lang: str) -> str:
    """Return a role as the log and the users table write it ("coordinator:MOF") in words: "Ministry coordinator MOF"."""
    role, _, scope = grant.partition(":")
    return " ".join([code_word("role", role, lang), *([scope] if scope else [])])


def roles_words(roles: Any, lang: str) -> str:
    """Return a user's roles ("coordinator:MOF, respondent:D0001") in words, a dash when none."""
    if missing(roles):
        return EMPTY
    return ", ".join(grant_words(g.strip(), lang) for g in str(roles).split(",") if g.strip())


def _utc(text: str, lang: str) -> str:
    return fmt_datetime(dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC), lang)


def _count(text: str, lang: str) -> str:
    return fmt_number(int(text), lang)


#: The details the audit log writes, in English (usecases/sign_in.py, accounts.py, access.py, cycles.py,
#: organisations.py): each pattern, the text that says it in words, and how each part is shown.
_DETAILS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (r"unknown or inactive user", "detail_unknown_user", {}),
    (r"account locked", "detail_account_locked", {}),
    (r"wrong password \((?P<count>\d+)/(?P<limit>\d+)\)", "detail_wrong_password", {}),
    (r"until (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC", "detail_locked_until", {"when": _utc}),
    (r"password", "detail_method_password", {}),
    (r"oidc", "detail_method_oidc", {}),
    (r"oidc: unknown or inactive user", "detail_oidc_unknown_user", {}),
    (r"oidc: no roles", "detail_oidc_no_roles", {}),
    (r"set for (?P<user>.+)", "detail_password_set_for", {}),
    (r"grant (?P<role>\S+) to (?P<user>.+)", "detail_grant", {"role": grant_words}),
    (r"revoke (?P<role>\S+) from (?P<user>.+)", "detail_revoke", {"role": grant_words}),
    (r"(?P<user>\S+) \(csv\)", "detail_user_from_csv", {}),
    (r"(?P<user>\S+) \(first administrator\)", "detail_first_administrator", {}),
    (r"(?P<created>\d+) created, (?P<roles>\d+) roles, (?P<problems>\d+) problems", "detail_users_imported", {}),
    (r"(?P<what>.+) \(summary\)", "detail_export_summary", {}),
    (r"(?P<what>.+) \((?P<n>\d+) agencies\)", "detail_export_agencies", {"n": _count}),
    (r"whole cycle", "detail_whole_cycle", {}),
    (r"one agency", "detail_one_agency", {}),
    (r"added to the frame", "action_frame_add", {}),
    (r"removed from the frame", "action_frame_remove", {}),
    (r"closed", "action_cycle_close", {}),
    (r"frame of (?P<n>\d+) agencies from (?P<year>\d+); closes (?P<date>\d{4}-\d\d-\d\d)", "detail_cycle_opened",
     {"year": lambda y, lang: fmt_year(int(y), lang), "date": lambda d, lang: fmt_date(dt.date.fromisoformat(d), lang)}),
    (r"absorbed (?P<id>\S+)", "detail_absorbed", {}),
    (r"(?P<name>.+) in (?P<ministry>\S+)", "detail_agency_added", {}),
)


#: The only patterns tried for these actions: a free text such as an agency's name ("<name> in <ministry>") must not
#: be read as another action's detail (an export's "<what> (...)").
_PATTERNS_OF: dict[str, set[str]] = {
    "agency_add": {"detail_agency_added"},
    "agency_merge": {"detail_absorbed"},
    "export": {"detail_export_summary", "detail_export_agencies"},
    "user_create": {"detail_user_from_csv", "detail_first_administrator"},
    "sign_in": {"detail_method_password", "detail_method_oidc"},
}


def detail_words(action: Any, detail: Any, lang: str) -> str:
    """Return an audit entry's detail in words: the response version (stored as JSON) with the note written with the
    change, and the log's English details (`_DETAILS`) in the reader's language; any other detail as written."""
    if missing(detail):
        return EMPTY
    text = str(detail)
    if text.startswith("{"):
        try:
            fields = json.loads(text)
        except ValueError:
            return text
        parts = [t("history_version", lang).format(version=fields["version"])] if "version" in fields else []
        parts += [str(fields["note"])] if fields.get("note") else []
        return " · ".join(parts) or EMPTY
    allowed = _PATTERNS_OF.get(str(action)) if not missing(action) else None
    for pattern, key, shows in _DETAILS:
        if allowed is not None and key not in allowed:
            continue
        found = re.fullmatch(pattern, text)
        if found:
            params = {k: (shows[k](v, lang) if k in shows else v) for k, v in found.groupdict().items()}
            return t(key, lang).format(**params)
    return text
