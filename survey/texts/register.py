"""Texts of the national services register and organisations imports (usecases/register.py, organisation_import.py)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Where a message points in a file, as Excel shows it
    "place_sheet_rows": ("ชีต «{sheet}» แถว {rows}", "sheet “{sheet}” row {rows}"),
    "place_sheet_rows_many": ("ชีต «{sheet}» แถว {rows}", "sheet “{sheet}” rows {rows}"),
    "place_rows": ("แถว {rows}", "row {rows}"),
    "place_sheet": ("ชีต «{sheet}»", "sheet “{sheet}”"),
    "place_file": ("ไฟล์", "the file"),
    "place_rows_many": ("แถว {rows}", "rows {rows}"),
    "place_more": ("{rows} และอีก {n} แถว", "{rows} and {n} more"),
    # Columns and mapping gaps
    "import_missing_columns": ("ไม่พบคอลัมน์ {columns} ในแถวหัวตาราง (มี {found})",
                               "no column {columns} in the header row (columns: {found})"),
    "register_unmapped_type": (
        "ประเภทหน่วยงาน «{text}» ไม่มีในไฟล์การจับคู่ ({n} แถว) ข้อความที่ใกล้ที่สุดคือ «{nearest}»"
        " ถ้าหมายถึงประเภทเดียวกัน ให้เพิ่มบรรทัดนี้ใต้ `agency_types:`  {line}",
        "agency type “{text}” is not in the mapping ({n} rows); the nearest mapped text is “{nearest}”:"
        " if it means the same, add this line under agency_types:  {line}"),
    "register_unmapped_type_none": (
        "ประเภทหน่วยงาน «{text}» ไม่มีในไฟล์การจับคู่ ({n} แถว) ให้เพิ่มใต้ `agency_types:` เช่น  {line}",
        "agency type “{text}” is not in the mapping ({n} rows); add it under agency_types, e.g.  {line}"),
    "register_unmapped_status": (
        "รหัสสถานะ «{text}» ไม่มีในไฟล์การจับคู่ ({n} แถว) รหัสที่ใกล้ที่สุดคือ «{nearest}»"
        " ถ้าหมายถึงสถานะเดียวกัน ให้เพิ่มบรรทัดนี้ใต้ `status_levels:`  {line}",
        "status code “{text}” is not in the mapping ({n} rows); the nearest mapped code is “{nearest}”:"
        " if it means the same, add this line under status_levels:  {line}"),
    "register_type_not_mapped": ("ประเภทหน่วยงาน «{text}» ไม่มีในไฟล์การจับคู่", "agency type “{text}” is not in the mapping"),
    "register_mapping_invalid": ("ไฟล์การจับคู่ไม่ถูกต้อง: {detail}", "The mapping file is not valid: {detail}"),
    # Organisations
    "org_id_too_long": ("รหัส {id} ยาวเกิน {limit} ตัวอักษร", "the code {id} is longer than {limit} characters"),
    "org_ministry_exists": ("มีกระทรวงรหัส {id} อยู่แล้ว", "Ministry id {id} already exists."),
    "org_conflict": ("แถวของ {id} ให้ค่า {field} ต่างกัน: «{first}» (แถว {row_first}) และ «{second}» (แถว {row_second})",
                     "the rows of {id} give two {field} values: “{first}” (row {row_first}) and “{second}” (row {row_second})"),
    "org_name_missing": ("ไม่มีชื่อภาษาไทยของ {id} ในไฟล์ จึงสร้างไม่ได้", "the file gives no Thai name for {id}, so it cannot be created"),
    "org_ministry_missing": ("ไม่พบกระทรวง {id} และไฟล์ไม่มีชื่อภาษาไทยของกระทรวงนี้ให้สร้าง",
                             "no ministry {id}, and the file gives no Thai name to create it"),
    "org_no_ministry_given": ("ไม่ได้ระบุกระทรวงของหน่วยงาน {id}", "the file gives no ministry for agency {id}"),
    "org_ministry_refused": ("สร้างกระทรวง {id} ไม่ได้ หน่วยงานในกระทรวงนี้จึงสร้างไม่ได้",
                             "ministry {id} could not be created, so its agencies cannot be"),
    "org_type_empty": ("ไม่ได้ระบุประเภทหน่วยงาน จึงบันทึกเป็น «อื่น ๆ»", "no agency type given: recorded as “other”"),
    "org_row_no_id": ("ไม่มีรหัสหน่วยงานหรือกระทรวง (แถวผลรวม?)", "no agency or ministry code (a total row?)"),
    "org_nothing_changed": ("ไม่มีการเปลี่ยนแปลง: ข้อมูลทุกหน่วยงานตรงกับไฟล์แล้ว",
                            "Nothing changed: every organisation already matches the file."),
    "org_kind_ministry": ("กระทรวง", "ministries"),
    "org_kind_agency": ("หน่วยงาน", "agencies"),
    "org_outcome_created": ("สร้างใหม่", "created"),
    "org_outcome_updated": ("ปรับปรุง", "updated"),
    "org_outcome_unchanged": ("ไม่เปลี่ยน", "unchanged"),
    "org_outcome_refused": ("ไม่รับ", "refused"),
    "org_summary": ("{kind}: สร้างใหม่ {created} ปรับปรุง {updated} ไม่เปลี่ยน {unchanged} ไม่รับ {refused}",
                    "{kind}: {created} created, {updated} updated, {unchanged} unchanged, {refused} refused"),
    # The register's service rows
    "register_row_no_id": ("ไม่มีรหัสบริการ (แถวผลรวม?)", "no service code (a total row?)"),
    "register_no_name": ("ไม่มีชื่อบริการ", "no service name"),
    "register_name_too_long": ("ชื่อบริการยาว {n} ตัวอักษร เกิน {limit}", "the service name is {n} characters long, more than {limit}"),
    "register_long_name": ("ชื่อบริการ {code} ยาว {n} ตัวอักษร (เกิน {limit}) เก็บไว้ครบ",
                           "the name of service {code} is {n} characters long (over {limit}): kept whole"),
    "register_code_too_long": ("รหัสบริการ {code} ยาวเกิน 64 ตัวอักษร", "service code {code} is longer than 64 characters"),
    "register_code_repeats": ("รหัสบริการ {code} ซ้ำกับแถว {first} ของหน่วยงานเดียวกัน",
                              "service code {code} repeats row {first} of the same agency"),
    "register_bad_volume": ("ปริมาณ «{text}» ไม่ใช่จำนวนเต็มตั้งแต่ 0", "volume “{text}” is not a whole number of 0 or more"),
    "register_agency_refused": ("หน่วยงาน {id} ไม่ถูกสร้าง จึงรับบริการของหน่วยงานนี้ไม่ได้",
                                "agency {id} was not created, so its services cannot be placed"),
    "register_no_cycle": ("ไม่มีรอบสำรวจปี {year} กรุณาเปิดรอบสำรวจก่อนด้วยคำสั่ง `python -m survey cycle open`",
                          "there is no survey cycle {year}; open it first with python -m survey cycle open"),
    "register_kept_respondent": ("คงบัญชีบริการที่หน่วยงานบันทึกเอง (ผู้ตอบแบบสำรวจแก้ไขแล้ว จึงใช้ของหน่วยงาน)",
                                 "kept the agency's own inventory (a respondent wrote it, and theirs wins)"),
    "register_kept_review": ("คงบัญชีบริการไว้: แบบสำรวจ{status}แล้ว (ต้องเปิดแก้ไขก่อน)",
                             "kept the inventory: the response is {status} (reopen it first)"),
    "register_nothing_matched": ("ไม่มีแถวใดจับคู่กับหน่วยงานได้ จึงไม่ได้บันทึกบริการใด",
                                 "no row matched an agency: no service was stored"),
    "register_nothing_changed": ("ไม่มีการเปลี่ยนแปลง: บัญชีบริการทุกหน่วยงานตรงกับทะเบียนแล้ว",
                                 "Nothing changed: every inventory already matches the register."),
    "register_framed": ("เพิ่มหน่วยงาน {n} แห่งในรายชื่อหน่วยงานที่ต้องตอบของรอบปี {year}: {ids}",
                        "added {n} agencies to the frame of cycle {year}: {ids}"),
    "agency_outcome_created": ("สร้างบัญชีบริการ", "inventory created"),
    "agency_outcome_updated": ("ปรับปรุงบัญชีบริการ", "inventory updated"),
    "agency_outcome_unchanged": ("ไม่เปลี่ยน", "unchanged"),
    "agency_outcome_kept": ("คงของเดิม", "kept"),
    "agency_outcome_refused": ("ไม่รับ", "refused"),
    # Pages
    "register_summary": ("{file}: {rows} แถว {agencies} หน่วยงาน จัดงานบริการเข้าบัญชีบริการ {placed} รายการ "
                         "บัญชีบริการเปลี่ยน {changes} รายการ แถวที่จับคู่ไม่ได้ {refused} แถว",
                         "{file}: {rows} rows, {agencies} agencies, {placed} services placed, {changes} inventory "
                         "changes, {refused} rows not matched"),
    "register_row_skipped": ("ข้ามแถวนี้", "Skipped"),
    "register_import": ("นำเข้าทะเบียนบริการภาครัฐ", "Import the national services register"),
    "register_import_help": ("อัปโหลดทะเบียนบริการ (.xlsx หรือ .csv) และไฟล์การจับคู่ (YAML ดู `docs/INTAKE.md`)"
                             " ระบบจะแสดงผลการตรวจสอบก่อน แล้วจึงกด «นำไปใช้»",
                             "Upload the register (.xlsx or .csv) and its mapping file (YAML, see docs/INTAKE.md);"
                             " the check is shown first, then press Apply."),
    "register_mapping_file": ("ไฟล์การจับคู่ (YAML)", "Mapping file (YAML)"),
    "register_create_orgs": ("สร้างกระทรวงและหน่วยงานที่ยังไม่มีจากคอลัมน์ของทะเบียน",
                             "Create missing ministries and agencies from the register's columns"),
    "import_organisations": ("นำเข้ากระทรวงและหน่วยงาน (ไฟล์การจับคู่)", "Import ministries and agencies (mapping)"),
    "import_organisations_help": ("อัปโหลดรายชื่อกระทรวงหรือหน่วยงาน (.xlsx หรือ .csv) และไฟล์การจับคู่ (YAML)"
                                  " ชื่อภาษาไทยจำเป็น ชื่อภาษาอังกฤษไม่จำเป็น",
                                  "Upload a list of ministries or agencies (.xlsx or .csv) and its mapping (YAML);"
                                  " a Thai name is required, an English one optional."),
    "check_file": ("ตรวจสอบ", "Check"),
    "apply_import": ("นำไปใช้", "Apply"),
    "dry_run_note": ("ผลการตรวจสอบ: ยังไม่มีการบันทึก", "Check only: nothing was saved yet."),
    "import_applied": ("บันทึกแล้ว", "Saved."),
    "col_rows": ("แถว", "Rows"),
    "col_changes": ("สิ่งที่เปลี่ยน", "Changes"),
    "col_n_services": ("จำนวนบริการ", "Services"),
    "col_inventory_source": ("ที่มาของบัญชีบริการ", "Inventory from"),
    "col_register_status": ("สถานะในทะเบียน", "Register status"),
    "col_register_reason": ("เหตุผลในทะเบียน", "Register reason"),
    "col_not_applicable": ("ไม่เข้าข่ายให้บริการออนไลน์", "Not meant to go online"),
    "source_register": ("ทะเบียนบริการ", "register"),
    "source_respondent": ("หน่วยงาน", "respondent"),
    "national": ("ทั้งประเทศ", "National"),
}
