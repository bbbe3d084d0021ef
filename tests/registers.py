"""A synthetic national services register with the traps real ones have, as a workbook and as a CSV.

Built like the government services dashboard's export: a services sheet (one row per service,
ministry and agency codes with Thai names, the agency type as free Thai text, the Thai service name,
a status code with its Thai label, a project for some, a reason code and text), then projects
(ending with a grand-total row without an id), ministries, agencies, statuses and reasons sheets.

The traps: misspelt agency types (สว่น for ส่วน, ระดบั for ระดับ: marks on the wrong letter, which no
normalisation can safely undo, so the mapping lists them) and a tone mark typed before its vowel
(อ่ื for อื่, which PyThaiNLP's normalisation puts right); one reason text used with two statuses;
a total row; names of 304 and 449 characters; a line break and zero-width spaces in names and types;
an agency whose services are all "will not be developed as an e-service"; a ministry (M03) missing
from the ministries sheet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

SHEET = "งานบริการ"
HEADER = ["รหัสงานบริการ", "รหัสกระทรวง", "ชื่อกระทรวง", "รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภทหน่วยงาน",
          "ชื่องานบริการ", "รหัสสถานะ", "สถานะ", "ชื่อโครงการ", "รหัสเหตุผล", "เหตุผล"]
MINISTRIES = {"M01": "กระทรวงการคลัง", "M02": "กระทรวงมหาดไทย", "M03": "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม"}
STATUSES = {1: "ให้บริการออนไลน์เต็มรูปแบบ", 2: "ให้บริการออนไลน์บางขั้นตอน", 3: "อยู่ระหว่างพัฒนา",
            4: "ยังไม่ได้พัฒนา", 5: "ไม่พัฒนาเป็นบริการอิเล็กทรอนิกส์"}
REASONS = {"R1": "ขาดงบประมาณ", "R2": "รอแก้ไขกฎหมาย", "R3": "ต้องพบเจ้าหน้าที่ด้วยตนเอง"}
DEPARTMENT = "ส่วนราชการระดับกรม"
#: Agency code -> (ministry, Thai name, the type exactly as the register writes it).
AGENCIES = {
    "10001": ("M01", "กรมบัญชีกลาง", "ส่วนราชการ\u200bระดับกรม"),
    "10002": ("M01", "กรมสรรพากร", "สว่นราชการระดับกรม"),
    "20001": ("M02", "กรมการปกครอง", "ส่วนราชการระดบักรม"),
    "20002": ("M02", "สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ", "หน่วยงานอ\u0e48\u0e37นของรัฐ"),
    "30001": ("M03", "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน)", "องค์การมหาชน"),
}
LONG_304 = ("การขออนุญาตประกอบกิจการ" * 14)[:303] + "ก"
LONG_449 = ("การยื่นคำขอรับสิทธิประโยชน์ทางภาษี" * 15)[:448] + "ข"
#: (service code, agency, Thai name, status, project, reason code)
SERVICES: list[tuple[str, str, str, int, str, str]] = [
    ("1001-01", "10001", "ขอรับบำเหน็จ\nบำนาญ", 1, "", ""),
    ("1001-02", "10001", "ขอคืนเงินประกันสัญญา", 1, "", ""),
    ("1001-03", "10001", "ขอรับเงินสวัสดิการ\u200bค่ารักษาพยาบาล", 2, "", ""),
    ("1001-04", "10001", "ขอหนังสือรับรองการเบิกจ่าย", 4, "", "R1"),
    ("1002-01", "10002", "ยื่นแบบ\u200bภาษีเงินได้บุคคลธรรมดา", 1, "", ""),
    ("1002-02", "10002", "ขอคืนภาษีมูลค่าเพิ่ม", 3, "โครงการภาษีดิจิทัล", ""),
    ("1002-03", "10002", "ขอตรวจสอบเอกสารภาษีต้นฉบับ", 5, "", "R1"),
    ("1002-04", "10002", LONG_449, 1, "", ""),
    ("2001-01", "20001", "ขอคัดสำเนาทะเบียนบ้าน", 2, "", ""),
    ("2001-02", "20001", "ขออนุญาตเล่นการพนัน", 4, "", "R2"),
    ("2001-03", "20001", LONG_304, 1, "", ""),
    ("2002-01", "20002", "ขอรับเงินกองทุนหมู่บ้าน", 1, "", ""),
    ("2002-02", "20002", "ขอจดทะเบียนกองทุน", 3, "โครงการกองทุนออนไลน์", ""),
    ("3001-01", "30001", "ขอรับรองมาตรฐานด้วยการตรวจประเมินในสถานที่", 5, "", "R3"),
    ("3001-02", "30001", "ขอเข้าร่วมอบรมในห้องเรียน", 5, "", "R1"),
]
#: The sheet row of the grand-total row at the end of the services sheet (header row 1, 15 services).
TOTAL_ROW = 17

#: The mapping a user writes for this register (docs/examples/register-mapping.yaml is the same).
MAPPING: dict[str, Any] = {
    "sheet": SHEET,
    "columns": {"code": "รหัสงานบริการ", "name": "ชื่องานบริการ", "agency": "รหัสหน่วยงาน", "status": "รหัสสถานะ",
                "agency_name": "ชื่อหน่วยงาน", "agency_type": "ประเภทหน่วยงาน", "ministry": "รหัสกระทรวง",
                "ministry_name": "ชื่อกระทรวง", "reason": "เหตุผล", "project": "ชื่อโครงการ"},
    "status_levels": {1: 4, 2: 3, 3: 1, 4: 0, 5: 0},
    "not_applicable": [5],
    "agency_types": {DEPARTMENT: "department", "สว่นราชการระดับกรม": "department",
                     "ส่วนราชการระดบักรม": "department", "หน่วยงานอื่นของรัฐ": "other",
                     "องค์การมหาชน": "public_organisation"},
}


def service_rows() -> list[list[Any]]:
    """Return the services sheet's rows under the header, the grand-total row last."""
    rows: list[list[Any]] = []
    for code, agency, name, status, project, reason in SERVICES:
        ministry, agency_name, kind = AGENCIES[agency]
        rows.append([code, ministry, MINISTRIES[ministry], agency, agency_name, kind, name, status, STATUSES[status],
                     project, reason, REASONS.get(reason, "")])
    rows.append(["", "", "", "", "", "", "รวมทั้งสิ้น", len(SERVICES), "", "", "", ""])
    return rows


def workbook() -> bytes:
    """Return the register as a workbook: services, projects, ministries (without M03), agencies, statuses, reasons."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    for row in service_rows():
        ws.append(row)
    projects = wb.create_sheet("โครงการ")
    projects.append(["รหัสโครงการ", "ชื่อโครงการ", "จำนวนงานบริการ"])
    projects.append(["P1", "โครงการภาษีดิจิทัล", 1])
    projects.append(["P2", "โครงการกองทุนออนไลน์", 1])
    projects.append(["", "รวมทั้งสิ้น", 2])
    ministries = wb.create_sheet("กระทรวง")
    ministries.append(["รหัสกระทรวง", "ชื่อกระทรวง", "จำนวนงานบริการ"])
    for code in ("M01", "M02"):
        ministries.append([code, MINISTRIES[code], sum(1 for s in SERVICES if AGENCIES[s[1]][0] == code)])
    agencies = wb.create_sheet("หน่วยงาน")
    agencies.append(["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "รหัสกระทรวง", "ประเภทหน่วยงาน", "จำนวนงานบริการ"])
    for code, (ministry, name, kind) in AGENCIES.items():
        agencies.append([code, name, ministry, kind, sum(1 for s in SERVICES if s[1] == code)])
    agencies.append(["", "รวม", "", "", len(SERVICES)])
    statuses = wb.create_sheet("สถานะ")
    statuses.append(["รหัสสถานะ", "สถานะ", "จำนวนงานบริการ"])
    for code, label in STATUSES.items():
        statuses.append([code, label, sum(1 for s in SERVICES if s[3] == code)])
    reasons = wb.create_sheet("เหตุผล")
    reasons.append(["รหัสเหตุผล", "เหตุผล", "จำนวนงานบริการ"])
    for code, text in REASONS.items():
        reasons.append([code, text, sum(1 for s in SERVICES if s[5] == code)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def services_csv() -> bytes:
    """Return the services sheet alone as a CSV (UTF-8 with BOM, as Excel saves "CSV UTF-8")."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(service_rows())
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
