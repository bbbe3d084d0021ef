"""What refusals, validation problems and import summaries say: key -> (Thai, English), with {parameters}.

Rendered through `survey.errors.Message`; `{q}` is a question's id and wording, years and dates
come in the reader's calendar, response states in words.
"""

TEXTS: dict[str, tuple[str, str]] = {
    # Validation of answers (survey/validation.py)
    "problem_not_a_choice": ("{q}: ต้องเลือกจากตัวเลือกที่กำหนด", "{q}: choose from the listed options"),
    "problem_none_with_others": (
        "{q}: เลือก «ไม่มีข้อใดเลย» พร้อมกับตัวเลือกอื่นไม่ได้ ให้เลือกอย่างใดอย่างหนึ่ง",
        "{q}: “None of these” cannot be chosen together with other options; choose one or the other"),
    "problem_unknown_option": ("{q}: ไม่มีตัวเลือก {options} ในข้อนี้", "{q}: there is no option {options} in this question"),
    "problem_not_yes_no": ("{q}: ต้องตอบว่า ใช่ หรือ ไม่ใช่", "{q}: answer yes or no"),
    "problem_not_a_stage": ("{q}: ต้องเป็นระดับ 0 ถึง {top}", "{q}: must be a stage from 0 to {top}"),
    "problem_stage_out_of_range": ("{q}: ระดับ {level} อยู่นอกช่วง 0 ถึง {top}", "{q}: stage {level} is outside 0 to {top}"),
    "problem_not_a_number": ("{q}: ต้องเป็นตัวเลข", "{q}: must be a number"),
    "problem_not_an_integer": ("{q}: ต้องเป็นจำนวนเต็ม", "{q}: must be a whole number"),
    "problem_out_of_range": ("{q}: ค่า {value} อยู่นอกช่วง {low} ถึง {high}",
                             "{q}: {value} is outside the allowed range {low} to {high}"),
    "problem_not_entered": ("{q}: ข้อนี้คำนวณโดยระบบ ไม่ต้องกรอก", "{q}: this value is computed; do not enter it"),
    "problem_unknown_indicator": ("ไม่มีข้อ {id} ในแบบสำรวจฉบับนี้", "there is no question {id} in this survey"),
    "problem_bad_evidence": ("{q}: หลักฐานต้องเป็นข้อความไม่เกิน {limit} ตัวอักษร",
                             "{q}: the evidence must be text of at most {limit} characters"),
    "problem_bad_comment": ("{q}: หมายเหตุต้องเป็นข้อความไม่เกิน {limit} ตัวอักษร",
                            "{q}: the comment must be text of at most {limit} characters"),
    "problem_services_required": ("{q}: ต้องระบุบริการสำคัญอย่างน้อยหนึ่งบริการ", "{q}: list at least one key service"),
    "problem_required": ("{q}: ยังไม่ได้ตอบ", "{q}: not answered yet"),
    "problem_rule": ("{text} (กฎ {rule}: ข้อ {left} และข้อ {right})", "{text} (rule {rule}: {left} and {right})"),
    "problem_inventory_mismatch": ("{q}: บัญชีบริการแถว {rows} ใช้ {option} แต่ไม่ได้เลือกไว้ในข้อนี้",
                                   "{q}: service rows {rows} use {option} but it is not ticked here"),
    "problem_evidence_missing": ("{q}: ควรแนบหลักฐาน (ลิงก์หรือชื่อเอกสาร)", "{q}: add evidence (a link or a document name)"),
    "problem_jump": (
        "{q}: เปลี่ยนจากปีก่อน ({before}) เป็น {after} หรือร้อยละ {pct} กรุณาอธิบายในหมายเหตุหรือแนบหลักฐาน",
        "{q}: changed from last year's {before} to {after} ({pct} %); explain it in a comment or add evidence"),
    # Service rows
    "service_name_required": ("บริการแถวที่ {row}: ต้องระบุชื่อบริการ", "Service row {row}: the service name is required"),
    "service_name_too_long": ("บริการแถวที่ {row}: ชื่อบริการยาวเกิน 300 ตัวอักษร",
                              "Service row {row}: the service name is longer than 300 characters"),
    "service_code_too_long": ("บริการแถวที่ {row}: รหัสบริการยาวเกิน 64 ตัวอักษร",
                              "Service row {row}: the service code is longer than 64 characters"),
    "service_code_duplicate": ("บริการแถวที่ {row}: รหัสบริการ {service_code} ซ้ำกับแถวที่ {first}",
                               "Service row {row}: service code {service_code} repeats row {first}"),
    "service_level_required": ("บริการแถวที่ {row}: ต้องระบุระดับการให้บริการดิจิทัล 0 ถึง {top}",
                               "Service row {row}: the digital level (0 to {top}) is required"),
    "service_level_out_of_range": ("บริการแถวที่ {row}: ระดับการให้บริการดิจิทัลต้องเป็น 0 ถึง {top}",
                                   "Service row {row}: the digital level must be a whole number from 0 to {top}"),
    "service_not_a_volume": ("บริการแถวที่ {row}: ปริมาณธุรกรรมต่อปีต้องเป็นจำนวนเต็มไม่ติดลบ",
                             "Service row {row}: the yearly volume must be a whole number of 0 or more"),
    "service_not_yes_no": ("บริการแถวที่ {row}: ช่อง {flag} ต้องตอบว่า ใช่ หรือ ไม่ใช่", "Service row {row}: {flag} must be yes or no"),
    "services_not_saved": ("บัญชีบริการยังไม่ถูกบันทึกจนกว่าจะแก้ไขแถวที่มีข้อผิดพลาด",
                           "The service inventory was not saved: correct the rows with errors first."),
    # Drafts, submission and review
    "no_response": ("ไม่พบแบบสำรวจหมายเลข {id}", "no response with id {id}"),
    "no_cycle_year": ("ไม่มีรอบสำรวจปี {year}", "there is no survey cycle {year}"),
    "no_agency_id": ("ไม่พบหน่วยงานรหัส {id}", "no agency with id {id}"),
    "response_status_not_editable": (
        "คำตอบแบบสำรวจอยู่ในสถานะ {status} แก้ไขไม่ได้ (แก้ได้เฉพาะฉบับร่างหรือฉบับที่ถูกส่งกลับ)",
        "the response is {status} and cannot be edited (only drafts and returned responses can)"),
    "save_conflict": (
        "มีผู้อื่นบันทึกแบบสำรวจนี้หลังจากที่ท่านเปิด (ฉบับ {expected} เป็น {current}) ยังไม่ได้บันทึกข้อมูลของท่าน "
        "ข้อที่เปลี่ยน: {fields} กรุณาตรวจสอบแล้วบันทึกอีกครั้ง",
        "Someone else saved this response after you opened it (version {expected} -> {current}); nothing of yours "
        "was saved. Changed since: {fields}. Review them and save again."),
    "transition_refused": ("เปลี่ยนสถานะจาก {old} เป็น {new} ไม่ได้", "a response cannot go from {old} to {new}"),
    "submit_refused_status": ("ส่งคำตอบแบบสำรวจที่อยู่ในสถานะ {status} ไม่ได้", "a response that is {status} cannot be submitted"),
    "deadline_passed": ("พ้นกำหนดส่งแล้ว (กำหนดส่ง {deadline}) ติดต่อผู้ดูแลรอบสำรวจเพื่อขอขยายเวลา",
                        "the deadline has passed (it was {deadline}); ask the survey office for an extension"),
    "submit_has_errors": ("ยังส่งไม่ได้: มีข้อผิดพลาด {n} รายการ", "cannot submit yet: {n} errors to correct"),
    "return_needs_comment": ("ต้องระบุความเห็นอย่างน้อยหนึ่งข้อเมื่อส่งกลับ", "returning needs at least one comment"),
    "return_unknown_questions": ("ไม่มีข้อ {ids} ในแบบสำรวจ", "unknown questions: {ids}"),
    "reopen_needs_reason": ("ต้องระบุเหตุผลในการเปิดแก้ไข", "reopening needs a reason"),
    # Imports of answers
    "import_unknown_agency_or_cycle": ("ไม่พบหน่วยงาน {agency} หรือรอบสำรวจ {year}", "unknown agency {agency} or survey cycle {year}"),
    "import_refused": ("ไม่นำเข้า: พบข้อผิดพลาด {n} รายการ ไม่มีการเปลี่ยนแปลงข้อมูล",
                       "not imported: {n} errors found; nothing was changed"),
    "import_dry_run": ("ทดลองนำเข้า: จะเปลี่ยน {n} รายการ", "dry run: {n} changes would be made"),
    "import_saved": ("นำเข้าแล้ว: เปลี่ยน {n} รายการ", "imported: {n} changes saved"),
    # Cycles
    "cycle_not_found": ("ไม่พบรอบสำรวจปี {year}", "No survey cycle {year} B.E."),
    "cycle_exists": ("มีรอบสำรวจปี {year} อยู่แล้ว", "Survey cycle {year} B.E. already exists."),
    "closes_before_opens": ("วันปิดรับต้องไม่ก่อนวันเปิดรับ", "The closing date cannot come before the opening date."),
    "unknown_agencies": ("ไม่พบหน่วยงานรหัส {ids}", "Unknown agency ids: {ids}"),
    "agency_not_in_frame": ("หน่วยงาน {agency} ไม่อยู่ในรายชื่อหน่วยงานที่ต้องตอบของรอบ {year}",
                            "Agency {agency} is not in the frame of cycle {year} B.E."),
    "unknown_instrument_version": ("ไม่รู้จักแบบสำรวจฉบับ {version} (มี {known})",
                                   "Unknown instrument version {version} (known: {known})"),
    # Organisations
    "org_no_agency": ("ไม่พบหน่วยงานรหัส {id}", "No agency with id {id}"),
    "org_no_ministry": ("ไม่พบกระทรวงรหัส {id}", "No ministry with id {id}"),
    "org_names_required": ("ต้องระบุรหัส ชื่อภาษาไทย และชื่อภาษาอังกฤษ", "An id, a Thai name and an English name are required."),
    "org_agency_exists": ("มีหน่วยงานรหัส {id} อยู่แล้ว", "Agency id {id} already exists."),
    "org_unknown_type": ("ประเภทหน่วยงาน {type} ไม่ถูกต้อง", "Unknown agency type {type}."),
    "org_merge_self": ("ไม่สามารถรวมหน่วยงานเข้ากับตัวเองได้", "An agency cannot be merged into itself."),
    "org_retired": ("หน่วยงาน {id} ถูกยุบแล้ว", "Agency {id} is retired."),
    "org_merged_already": ("หน่วยงาน {id} ถูกรวมเข้ากับหน่วยงานอื่นแล้ว", "Agency {id} was itself merged into another agency."),
    "org_missing_columns": ("ไม่มีคอลัมน์ {columns}", "Missing columns: {columns}"),
    "workbook_unreadable": ("อ่านไฟล์ Excel ไม่ได้: {detail}", "Cannot read the workbook: {detail}"),
    "csv_not_utf8": ("ไฟล์ CSV ต้องเข้ารหัส UTF-8", "The CSV file must be UTF-8 encoded."),
    # The national services register
    "register_unknown_ministry": ("ไม่พบกระทรวง «{text}»", "unknown ministry “{text}”"),
    "register_unknown_agency": ("ไม่พบหน่วยงาน «{text}» (ตามรหัสหรือชื่อ)", "no agency “{text}” (by code or name)"),
    "register_ambiguous_agency": ("ชื่อหน่วยงาน «{text}» ซ้ำกันหลายหน่วยงาน ระบุกระทรวงหรือใช้รหัส",
                                  "“{text}” names several agencies; give the ministry or the code"),
    "register_unknown_status": ("รหัสสถานะ «{text}» ไม่มีในไฟล์การจับคู่", "status code “{text}” is not in the mapping"),
    # Targets
    "target_bad_milestone": ("อ่านค่าเป้าหมายรายปี {part} ไม่ได้ (ตัวอย่าง 2567: 80)",
                             "Cannot read the milestone {part} (write e.g. 2567: 80)"),
    "target_bad_basis": ("ประเภทเป้าหมาย {basis} ไม่ถูกต้อง", "Unknown basis {basis}."),
    "target_source_required": ("เป้าหมายที่มีแหล่งอ้างอิงต้องระบุแหล่งที่มา มิฉะนั้นให้คงเป็นสมมติฐาน",
                               "A sourced target must name its source; otherwise it stays an assumption."),
    "target_not_found": ("ไม่พบเป้าหมาย {id}", "No target {id}."),
    "target_invalid": ("เป้าหมายไม่ผ่านการตรวจสอบ: {detail}", "The target is not valid: {detail}"),
}
