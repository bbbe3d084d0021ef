"""Every Thai text uses the glossary's terms (survey/texts/glossary.py): no retired variant, no English inside a
Thai sentence except the allowed proper names and acronyms, and the terms where the glossary names the key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.catalogue import CATALOGUE_PATH, KpiId, default_catalogue
from survey.i18n import TEXTS, t
from survey.targets import TARGETS_PATH
from survey.texts.glossary import GLOSSARY, LATIN_ALLOWED, ONLINE_SHARE

THAI = re.compile("[\u0e00-\u0e7f]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.'_-]*")


def _thai_in(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every Thai text of a parsed YAML file: the values of `th` keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "th" and isinstance(value, str):
                yield where, value
            else:
                yield from _thai_in(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("id") if isinstance(value, dict) and "id" in value else i
            yield from _thai_in(value, f"{where}[{label}]")


def thai_texts() -> list[tuple[str, str]]:
    """Return every Thai text the product shows: survey/texts (pages, workbook, template, messages), the
    catalogue (questions, options, help, actions, owners, levels, bands, KPI names) and the targets."""
    texts = [(f"texts {key}", th) for key, (th, _) in TEXTS.items()]
    for name, path in (("catalogue", CATALOGUE_PATH), ("targets", TARGETS_PATH)):
        texts += [(f"{name} {where}", text)
                  for where, text in _thai_in(yaml.safe_load(Path(path).read_text(encoding="utf-8")), "")]
    return texts


def latin_words(text: str) -> list[str]:
    """Return the Latin-letter words of a Thai text that are neither placeholders, code, nor allowed names."""
    rest = re.sub(r"\{[^}]*\}|`[^`]*`", " ", text)
    for name in LATIN_ALLOWED:
        rest = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", " ", rest)
    return LATIN_WORD.findall(rest)


def test_the_scan_reads_every_source() -> None:
    """The scan covers the texts of each area, the catalogue and the targets (a guard against an empty scan)."""
    wheres = [w for w, _ in thai_texts()]
    assert sum(w.startswith("texts ") for w in wheres) == len(TEXTS) > 800
    assert sum(w.startswith("catalogue ") for w in wheres) > 150
    assert any(w.startswith("targets ") for w in wheres)
    assert any("tpl_" in w for w in wheres) and any("wb_" in w for w in wheres)


def test_no_retired_variant() -> None:
    found = [f"{where}: {m.group(0)!r} -> {term.th!r} ({concept})"
             for where, text in thai_texts()
             for concept, term in GLOSSARY.items()
             for pattern in term.retired
             for m in [re.search(pattern, text)] if m]
    assert not found, "retired variants:\n" + "\n".join(found)


def test_no_english_inside_thai_sentences() -> None:
    found = [f"{where}: {words} in {text!r}" for where, text in thai_texts() if (words := latin_words(text))]
    assert not found, "English inside Thai (name it in Thai, or add a proper name to LATIN_ALLOWED):\n" + \
        "\n".join(found)
    # A Thai label that is English only is a translation left undone.
    english_only = [where for where, text in thai_texts() if not THAI.search(text) and re.search("[A-Za-z]{2}", text)]
    assert not english_only, english_only


@pytest.mark.parametrize(("pattern", "text", "retired"), [
    (GLOSSARY["off_track"].retired[0], "ต่ำกว่าเป้า", True),
    (GLOSSARY["off_track"].retired[0], "ต่ำกว่าเป้าหมาย", False),
    (GLOSSARY["on_track"].retired[0], "ไม่ตามเป้า", True),
    (GLOSSARY["on_track"].retired[0], "เป็นไปตามเป้าหมาย", False),
    (GLOSSARY["at_risk"].retired[0], "เสี่ยง", True),
    (GLOSSARY["at_risk"].retired[0], "มีความเสี่ยง", False),
    (GLOSSARY["you"].retired[0], "คุณไม่มีสิทธิ์", True),
    (GLOSSARY["you"].retired[0], "คุณภาพข้อมูล", False),
    (GLOSSARY["milestone"].retired[2], "เป้าหมายรายปี", True),
    (GLOSSARY["milestone"].retired[2], "ค่าเป้าหมายรายปี", False),
    (GLOSSARY["online_share"].retired[0], "สัดส่วนบริการสำคัญที่ให้บริการออนไลน์ครบวงจร", True),
    (GLOSSARY["online_share"].retired[0], ONLINE_SHARE, False),
    (GLOSSARY["share_points"].retired[0], "เปลี่ยน 3 จุด", True),
    (GLOSSARY["share_points"].retired[0], "เปลี่ยน 3 จุดร้อยละ", False),
])
def test_retired_patterns_tell_variant_from_term(pattern: str, text: str, retired: bool) -> None:
    assert bool(re.search(pattern, text)) == retired


def test_latin_scan_by_example() -> None:
    assert latin_words("อยู่ในสถานะ draft แก้ไขไม่ได้") == ["draft"]
    assert latin_words("แลกเปลี่ยนผ่าน GDX และ Data.go.th ({id}) `a-z`") == []
    assert latin_words("กฎ jump / robust_z") == ["jump", "robust_z"]


def test_keys_use_the_terms() -> None:
    """Where a text names a glossary concept, it says the term."""
    g = {k: v.th for k, v in GLOSSARY.items()}
    expected = {
        "status_on track": g["on_track"], "status_off track": g["off_track"], "status_at risk": g["at_risk"],
        "wb_status_on track": g["on_track"], "wb_status_off track": g["off_track"], "wb_status_at risk": g["at_risk"],
        "severity_error": g["error"], "severity_warning": g["warning"], "severity_info": g["info"],
        "wb_severity_error": g["error"], "wb_severity_warning": g["warning"], "wb_severity_info": g["info"],
        "status_locked": g["locked"], "resp_locked": g["locked"], "wb_response_locked": g["locked"],
        "lock": g["lock"], "kind_shared_service": g["shared_service"], "wb_kind_shared_service": g["shared_service"],
        "col_actor": g["actor"], "action": g["actor"].replace("ผู้", "การ"), "role_planner": g["planner"],
        "role_coordinator": g["ministry_coordinator"], "milestones": g["milestone"], "col_milestones": g["milestone"],
        "wb_col_milestones": g["milestone"], "last_cycle": g["previous_cycle"], "col_previous": g["previous_cycle"],
    }
    wrong = {k: (t(k, "th"), v) for k, v in expected.items() if t(k, "th") != v}
    assert not wrong, wrong
    for key in ("response_rate", "col_response_rate", "agency_targets", "milestone", "col_milestone",
                "wb_col_milestone", "online_ratio", "trajectory_title", "wb_trajectory", "col_online_service_ratio",
                "wb_col_online_ratio"):
        text = t(key, "th")
        assert any(term in text for term in (g["response_rate"], g["milestone"], ONLINE_SHARE,
                                             "บริการสำคัญที่ให้บริการแบบออนไลน์ได้")), (key, text)


def test_the_headline_kpi_is_named_as_the_plan_names_it() -> None:
    """Plan p.13: "สัดส่วนบริการสำคัญของรัฐที่สามารถให้บริการแบบออนไลน์" was 72.71 % in B.E. 2565."""
    kpi = default_catalogue().kpi(KpiId.ONLINE_RATIO)
    assert kpi.name.th == ONLINE_SHARE
    assert kpi.name.en == GLOSSARY["online_share"].en
    assert kpi.definition is not None and kpi.source is not None
    assert "หน้า 13" in kpi.source.th and "p. 13" in kpi.source.en
    assert str(default_catalogue().online_level) in kpi.definition.en


def test_the_glossary_document_lists_every_term() -> None:
    """docs/GLOSSARY.md holds the table of terms and retired variants that the module declares."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")
    for concept, term in GLOSSARY.items():
        assert f"| {concept} | {term.th} | {term.en} |" in doc, concept
