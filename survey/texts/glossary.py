"""One glossary for every domain term: the Thai word the pages, the workbook, the template and the catalogue use,
and the variants they no longer use.

From the Thai review of the texts (`docs/GLOSSARY.md` gives the reasons); the plan's own terms win
where it has one (Digital Government Development Plan B.E. 2566-2570, p.13). `tests/test_glossary.py`
scans every Thai text (survey/texts, catalogue.yaml, targets.yaml) and fails on a retired variant, and
on a Latin-letter word in a Thai sentence that is not a proper name or acronym of `LATIN_ALLOWED`.

Each retired variant is a regular expression over Thai text: a look-ahead or look-behind keeps the
term itself from matching its own retired part ("ต่ำกว่าเป้า" is retired, "ต่ำกว่าเป้าหมาย" is the
term).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A concept's Thai term, its English, and the Thai variants retired in its favour (regular expressions)."""

    th: str
    en: str
    retired: tuple[str, ...] = ()


#: The plan's name for the headline figure (p.13): the share of key government services that can be provided online.
ONLINE_SHARE = "สัดส่วนบริการสำคัญของรัฐที่สามารถให้บริการแบบออนไลน์"

GLOSSARY: dict[str, Term] = {
    "online_share": Term(ONLINE_SHARE, "Share of key government services that can be provided online",
                         (r"สัดส่วนบริการ(?!สำคัญของรัฐที่สามารถให้บริการแบบออนไลน์)\S*ออนไลน์",
                          r"สัดส่วนบริการออนไลน์")),
    "milestone": Term("ค่าเป้าหมายรายปี", "milestone",
                      (r"เป้าหมายรายทาง", r"ค่าเป้าหมายปีนี้", r"(?<!ค่า)เป้าหมายรายปี")),
    "locked": Term("ปิดการแก้ไขแล้ว", "locked", (r"(?<!แคตตา)ล็อก", r"ปิดรอบแล้ว", r"ปิดแบบสำรวจ")),
    "lock": Term("ปิดการแก้ไข", "lock"),
    "returned": Term("ส่งกลับให้แก้ไข", "returned", (r"ส่งกลับแก้ไข",)),
    "on_track": Term("เป็นไปตามเป้าหมาย", "on track", (r"ตามเป้า(?!หมาย)",)),
    "off_track": Term("ต่ำกว่าเป้าหมาย", "off track", (r"ต่ำกว่าเป้า(?!หมาย)", r"ไม่เป็นไปตามเป้า")),
    "at_risk": Term("มีความเสี่ยง", "at risk", (r"(?<!ความ)เสี่ยง",)),
    "error": Term("ข้อผิดพลาด", "error", (r"ร้ายแรง",)),
    "warning": Term("คำเตือน", "warning", (r"ข้อควรตรวจสอบ", r"(?<!คำ)(?<!แจ้ง)เตือน")),
    "info": Term("ข้อสังเกต", "note"),
    "shared_service": Term("บริการกลาง", "shared service", (r"บริการ(กลาง)?ร่วม(?!กัน)",)),
    "previous_cycle": Term("รอบก่อน", "previous cycle", (r"ปีก่อน",)),
    "version": Term("ฉบับ", "version", (r"รุ่น", r"แคตตาล็อก")),
    "questionnaire": Term("แบบสำรวจ", "questionnaire"),
    "response": Term("คำตอบแบบสำรวจ", "response"),
    "normalisation": Term("การปรับคะแนนเป็น 0-100", "normalisation", (r"ปรับมาตรฐาน", r"ปรับค่า", r"ปรับเป็น")),
    "share_points": Term("จุดร้อยละ", "percentage points", (r"จุด(?!ร้อยละ|อ่อน)",)),
    "index_points": Term("คะแนน", "points (of the index)"),
    "actual": Term("ค่าจริง", "actual", (r"ผลจริง", r"ค่าที่วัดได้")),
    "peer_group": Term("กลุ่มเปรียบเทียบ", "peer group",
                       (r"หน่วยงานกลุ่มเดียวกัน", r"กลุ่มที่มีลักษณะคล้ายกัน", r"มัธยฐานกลุ่ม(?!เปรียบเทียบ)",
                        r"ห่างจากกลุ่ม(?!เปรียบเทียบ)")),
    "you": Term("ท่าน", "you", (r"คุณ(?!ภาพ|ค่า|สมบัติ|ลักษณะ|วุฒิ)",)),
    "frame": Term("รายชื่อหน่วยงานที่ต้องตอบ", "frame", (r"กลุ่มเป้าหมาย",)),
    "draws": Term("ครั้ง", "draws (Monte Carlo)", (r"\{draws\} รอบ", r"รอบจำลอง", r"\d รอบ")),
    "actor": Term("ผู้ดำเนินการ", "actor", (r"ผู้กระทำ", r"การกระทำ")),
    "response_rate": Term("อัตราการตอบกลับ", "response rate", (r"อัตราการตอบ(?!กลับ)",)),
    "gdx": Term("ศูนย์แลกเปลี่ยนข้อมูลกลางภาครัฐ", "Government Data Exchange (GDX)",
                (r"ศูนย์แลกเปลี่ยนข้อมูลกลาง(?!ภาครัฐ)",)),
    "data_classification": Term("การจัดระดับชั้นข้อมูล", "data classification", (r"จัดชั้นความลับ", r"จัดชั้นข้อมูล")),
    "planner": Term("ผู้วางแผนนโยบาย", "policy planner", (r"นักวางแผน", r"ผู้วางแผน(?!นโยบาย)")),
    "ministry_coordinator": Term("ผู้ประสานงานระดับกระทรวง", "ministry coordinator",
                                 (r"ผู้ประสานงาน(?!ระดับกระทรวง)",)),
    "agency_contact": Term("ผู้ติดต่อของหน่วยงาน", "the agency's contact"),
    "e_certificate": Term("ระบบการรับรองสิทธิ์ทางอิเล็กทรอนิกส์", "e-Certificate", (r"ใบรับรองอิเล็กทรอนิกส์",)),
    "department_secretary": Term("เลขานุการกรม", "department secretary", (r"หัวหน้าสำนักงานเลขานุการกรม",)),
    "the_act": Term("พ.ร.บ. การบริหารงานและการให้บริการภาครัฐผ่านระบบดิจิทัล พ.ศ. 2562",
                    "the Digital Government Administration and Services Act B.E. 2562 (2019)",
                    (r"มาตรา [\d() ]+ของพระราชบัญญัติ\s",)),
    "best_rank": Term("อันดับดีสุดที่เป็นไปได้", "best plausible rank", (r"ขอบบน \(เปอร์เซ็นไทล์", r"ขอบล่าง \(เปอร์เซ็นไทล์")),
    "assumption": Term("ค่าสมมติที่ผู้วางแผนนโยบายกำหนดเพื่อการวางแผน", "planning assumption", (r"ค่าทำงาน",)),
    "rule_number": Term("กฎลำดับที่", "rule number", (r"กฎหมายเลข",)),
    # Writing: percentages in words, no English semicolons, Thai time.
    "percent": Term("ร้อยละ", "percent", (r"%",)),
    "list": Term("(เว้นวรรค)", "; ", (r";",)),
    "thai_time": Term("เวลาประเทศไทย", "Thai time", (r"UTC",)),
}

#: Proper names and acronyms that stay in Latin letters inside Thai sentences (each names a system, a
#: standard, a file format, a role or a publication), longest first where one holds another.
LATIN_ALLOWED: tuple[str, ...] = (
    "Template Data Sharing Agreement", "Digital Service Microservices", "Tracking and Notification",
    "Government Data Catalog", "Saraban as a Service", "Unified Communication", "UN E-Government Survey",
    "Foreigner Portal", "Citizen Portal", "Biz Portal", "API Guidance", "Master Data", "Exchange log",
    "World Bank", "Digital ID", "Data.go.th", "e-Registration", "e-Certificate", "e-Signature", "e-Payment",
    "e-Document", "e-Mail", "DG-LINK", "Consent", "E-Government", "Data-Centric", "Fully Digital", "Smart", "Open",
    "UTF-8", "GDCC", "GDX", "GIN", "EGDI", "GTMI", "OECD", "DGI", "OSI", "TII", "HCI", "UN", "API", "CIO", "CDO",
    "DPO", "RoPA", "CSV", "csv", "JSON", "YAML", "ISO 8601", "base64", "Excel", "xlsx", "xlsm", "xls", "MB",
    "claim", "z", "Tab", "Enter",  # keys of the keyboard, named as printed on them
)
