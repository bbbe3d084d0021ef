"""User-facing words in Thai and English, and number and year formats per language."""

from __future__ import annotations

import math

from survey.years import display_year

LANGS = ("th", "en")
DEFAULT_LANG = "th"

# key: (Thai, English)
TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("ระบบติดตามความพร้อมรัฐบาลดิจิทัล", "Digital Government Readiness"),
    "language": ("ภาษา", "Language"),
    "overview": ("ภาพรวม", "Overview"),
    "demo_banner": (
        "ข้อมูลสาธิต: ชื่อหน่วยงานและตัวเลขทั้งหมดเป็นข้อมูลสมมติ ยกเว้นสัดส่วนบริการออนไลน์ปี 2565 (ร้อยละ 72.71) ที่มาจากแผนพัฒนารัฐบาลดิจิทัลฯ",
        "Demo data: every agency name and figure is fictional, except the B.E. 2565 (2022) share of services online (72.71 %), which is from the Digital Government Development Plan.",
    ),
    "empty_db": ("ยังไม่มีข้อมูลในฐานข้อมูล", "The database holds no survey data yet."),
    "empty_db_hint": ("ผู้ดูแลระบบสร้างรอบสำรวจ หรือใช้คำสั่ง `python -m data seed --demo` เพื่อสร้างข้อมูลสาธิต",
                      "An administrator opens a survey cycle, or `python -m data seed --demo` loads demo data."),
    "cycle": ("รอบสำรวจ", "Survey cycle"),
    "year": ("ปี", "Year"),
    "fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
    "online_ratio": ("สัดส่วนบริการสำคัญที่ให้บริการออนไลน์ครบวงจร", "Share of key services fully online"),
    "online_ratio_short": ("บริการออนไลน์ครบวงจร", "Services fully online"),
    "percent": ("ร้อยละ", "Percent"),
    "actual": ("ผลจริง", "Actual"),
    "target_path": ("เส้นทางสู่เป้าหมาย", "Path to target"),
    "assumption": ("สมมติฐาน", "assumption"),
    "sourced": ("มีแหล่งอ้างอิง", "sourced"),
    "agencies_expected": ("หน่วยงานที่ต้องตอบ", "Agencies expected"),
    "agencies_responded": ("หน่วยงานที่ส่งแล้ว", "Agencies responded"),
    "response_rate": ("อัตราการตอบ", "Response rate"),
    "services_counted": ("จำนวนบริการสำคัญ", "Key services"),
    "vs_previous": ("จากปีก่อน", "from previous year"),
    "points": ("จุด", "points"),
    "no_target": ("ยังไม่มีการกำหนดเป้าหมาย", "No target set"),
    "target_note": ("หมายเหตุเป้าหมาย", "About the target"),
    "goal": ("เป้าหมาย", "Goal"),
    "baseline": ("ปีฐาน", "Baseline"),
    "source": ("แหล่งที่มา", "Source"),
    "trajectory_title": ("สัดส่วนบริการสำคัญที่ออนไลน์ครบวงจร เทียบเส้นทางสู่เป้าหมาย",
                         "Share of key services fully online against the path to the target"),
    "published_figure": ("ตัวเลขที่เผยแพร่", "Published figure"),
    "download_csv": ("ดาวน์โหลด CSV", "Download CSV"),
    "last_updated": ("ข้อมูลล่าสุด", "Data last updated"),
    "national_figures": ("ตัวเลขระดับประเทศรายปี", "National figures by year"),
}


def t(key: str, lang: str) -> str:
    """Return the text for `key` in `lang`."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    try:
        th, en = TEXTS[key]
    except KeyError:
        raise KeyError(f"no text for key {key!r}") from None
    return th if lang == "th" else en


def fmt_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """Format a number with thousands separators; a missing value shows as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}"


def fmt_percent(value: float | None, lang: str, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{fmt_number(value, lang, decimals)} %"


def fmt_year(year_be: int, lang: str) -> str:
    """Return a year as B.E. for Thai readers, C.E. for English ones."""
    return display_year(year_be, lang)
