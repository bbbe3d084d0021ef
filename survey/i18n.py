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
    # Accounts and access
    "access_denied": ("คุณไม่มีสิทธิ์เข้าถึงข้อมูลนี้", "You have no access to this."),
    "response_not_editable": ("แบบสำรวจนี้ส่งแล้วหรือปิดแล้ว จึงแก้ไขไม่ได้", "This response has been submitted or closed and cannot be changed."),
    "export_denied": ("คุณไม่มีสิทธิ์ส่งออกข้อมูลนี้", "You have no right to export this."),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_in_sso": ("เข้าสู่ระบบด้วยบัญชีผู้ใช้ภาครัฐ", "Sign in with the government account"),
    "sign_in_local": ("หรือเข้าสู่ระบบด้วยชื่อผู้ใช้และรหัสผ่าน", "Or sign in with a username and password"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "username": ("ชื่อผู้ใช้", "Username"),
    "password": ("รหัสผ่าน", "Password"),
    "sign_in_failed": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password."),
    "account_locked": ("บัญชีถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ได้หลังเวลา {until} น. (UTC)",
                       "The account is locked after too many failed attempts. Try again after {until} UTC."),
    "oidc_unknown_user": ("บัญชีผู้ใช้ภาครัฐนี้ยังไม่ได้ลงทะเบียนในระบบ โปรดติดต่อผู้ดูแลระบบ",
                          "This government account is not registered here. Please ask an administrator."),
    "no_roles": ("บัญชีของคุณยังไม่ได้รับสิทธิ์ใด โปรดติดต่อผู้ดูแลระบบ", "Your account has no role yet. Please ask an administrator."),
    "signed_in_as": ("เข้าสู่ระบบในชื่อ", "Signed in as"),
    "account": ("บัญชีของฉัน", "My account"),
    "change_password": ("เปลี่ยนรหัสผ่าน", "Change password"),
    "old_password": ("รหัสผ่านเดิม", "Current password"),
    "new_password": ("รหัสผ่านใหม่", "New password"),
    "repeat_password": ("ยืนยันรหัสผ่านใหม่", "Repeat the new password"),
    "passwords_differ": ("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน", "The two new passwords differ."),
    "password_changed": ("เปลี่ยนรหัสผ่านแล้ว", "Password changed."),
    "old_password_wrong": ("รหัสผ่านเดิมไม่ถูกต้อง", "The current password is wrong."),
    "password_too_short": ("รหัสผ่านต้องยาวอย่างน้อย {detail} ตัวอักษร", "The password needs at least {detail} characters."),
    "password_has_username": ("รหัสผ่านต้องไม่มีชื่อผู้ใช้อยู่ในนั้น", "The password must not contain the username."),
    "unknown_role": ("ไม่รู้จักบทบาท {detail}", "Unknown role {detail}."),
    "scope_not_expected": ("บทบาท {detail} ไม่ต้องระบุหน่วยงานหรือกระทรวง", "Role {detail} takes no agency or ministry."),
    "scope_required": ("บทบาท {detail} ต้องระบุรหัสหน่วยงานหรือกระทรวง", "Role {detail} needs an agency or ministry id."),
    "unknown_agency": ("ไม่พบหน่วยงานรหัส {detail}", "No agency with id {detail}."),
    "unknown_ministry": ("ไม่พบกระทรวงรหัส {detail}", "No ministry with id {detail}."),
    "bad_username": ("ชื่อผู้ใช้ {detail} ใช้ไม่ได้ (a-z 0-9 . _ @ - อย่างน้อย 3 ตัว)",
                     "Username {detail} is not valid (a-z 0-9 . _ @ -, at least 3 characters)."),
    "username_taken": ("มีชื่อผู้ใช้ {detail} อยู่แล้ว", "Username {detail} is taken."),
    "unknown_user": ("ไม่พบผู้ใช้ {detail}", "No user {detail}."),
    "cannot_remove_own_admin": ("ไม่สามารถถอนสิทธิ์ผู้ดูแลระบบของตนเองได้", "You cannot remove your own administrator role."),
    "cannot_deactivate_self": ("ไม่สามารถระงับบัญชีของตนเองได้", "You cannot deactivate your own account."),
    "csv_missing_columns": ("ไฟล์ CSV ขาดคอลัมน์ {detail}", "The CSV file lacks the columns {detail}."),
    "users": ("ผู้ใช้งาน", "Users"),
    "create_user": ("เพิ่มผู้ใช้", "Create a user"),
    "display_name": ("ชื่อที่แสดง", "Display name"),
    "email": ("อีเมล", "E-mail"),
    "role": ("บทบาท", "Role"),
    "scope": ("รหัสหน่วยงานหรือกระทรวง", "Agency or ministry id"),
    "password_optional": ("รหัสผ่าน (เว้นว่างได้ถ้าเข้าสู่ระบบด้วยบัญชีภาครัฐ)", "Password (leave empty for government-account sign-in)"),
    "save": ("บันทึก", "Save"),
    "saved": ("บันทึกแล้ว", "Saved."),
    "roles_and_status": ("บทบาทและสถานะ", "Roles and status"),
    "user": ("ผู้ใช้", "User"),
    "grant_role": ("ให้บทบาท", "Grant role"),
    "revoke_role": ("ถอนบทบาท", "Remove role"),
    "deactivate": ("ระงับบัญชี", "Deactivate"),
    "reactivate": ("เปิดใช้บัญชี", "Reactivate"),
    "set_password": ("กำหนดรหัสผ่าน", "Set password"),
    "oidc_mappings": ("บทบาทจากบัญชีภาครัฐ", "Roles from the identity provider"),
    "oidc_mappings_help": ("ผู้ที่เข้าสู่ระบบด้วยบัญชีภาครัฐและมีค่า claim ตรงกันจะได้รับบทบาทนี้ (เช่น claim groups = dga-planners)",
                           "People signing in through the identity provider whose claim holds the value get this role (e.g. claim groups = dga-planners)."),
    "claim": ("ชื่อ claim", "Claim"),
    "claim_value": ("ค่า", "Value"),
    "add_mapping": ("เพิ่มกฎ", "Add rule"),
    "remove_mapping": ("ลบกฎ", "Remove rule"),
    "claim_required": ("ต้องระบุชื่อ claim และค่า", "A claim and its value are needed."),
    "unknown_mapping": ("ไม่พบกฎหมายเลข {detail}", "No rule {detail}."),
    "col_mapping_id": ("เลขกฎ", "Rule"),
    "col_claim": ("ชื่อ claim", "Claim"),
    "col_value": ("ค่า", "Value"),
    "col_role": ("บทบาท", "Role"),
    "col_scope": ("หน่วยงานหรือกระทรวง", "Agency or ministry"),
    "import_csv": ("นำเข้าผู้ใช้จาก CSV", "Import users from CSV"),
    "import_help": ("คอลัมน์: username, display_name, email, role, scope (หนึ่งแถวต่อหนึ่งบทบาท)",
                    "Columns: username, display_name, email, role, scope (one row per role)."),
    "import_done": ("สร้างผู้ใช้ {created} ราย ให้บทบาท {granted} รายการ พบปัญหา {problems} แถว",
                    "{created} users created, {granted} roles granted, {problems} rows with problems."),
    "access_log": ("บันทึกการเข้าใช้งาน", "Access log"),
    "action": ("การกระทำ", "Action"),
    "all_actions": ("ทุกการกระทำ", "All actions"),
    "since": ("ตั้งแต่วันที่", "From"),
    "until": ("ถึงวันที่", "To"),
    "role_respondent": ("ผู้ตอบแบบสำรวจของหน่วยงาน", "Agency respondent"),
    "role_coordinator": ("ผู้ประสานงานระดับกระทรวง", "Ministry coordinator"),
    "role_planner": ("นักวางแผนนโยบาย", "Policy planner"),
    "role_executive": ("ผู้บริหาร", "Executive"),
    "role_administrator": ("ผู้ดูแลระบบ", "Administrator"),
    "col_user_id": ("รหัสผู้ใช้", "User id"),
    "col_username": ("ชื่อผู้ใช้", "Username"),
    "col_display_name": ("ชื่อที่แสดง", "Display name"),
    "col_email": ("อีเมล", "E-mail"),
    "col_roles": ("บทบาท", "Roles"),
    "col_active": ("ใช้งานอยู่", "Active"),
    "col_has_password": ("มีรหัสผ่าน", "Has password"),
    "col_has_sso": ("เชื่อมบัญชีภาครัฐแล้ว", "Linked to government account"),
    "col_locked_until": ("ระงับถึง", "Locked until"),
    "col_last_sign_in_at": ("เข้าสู่ระบบล่าสุด", "Last sign-in"),
    "col_at": ("เวลา (UTC)", "Time (UTC)"),
    "col_actor": ("ผู้กระทำ", "Actor"),
    "col_channel": ("ช่องทาง", "Channel"),
    "col_action": ("การกระทำ", "Action"),
    "col_agency_id": ("รหัสหน่วยงาน", "Agency id"),
    "col_detail": ("รายละเอียด", "Detail"),
    "col_row": ("แถว", "Row"),
    "col_field": ("คอลัมน์", "Column"),
    "col_message": ("ปัญหา", "Problem"),
    "action_sign_in": ("เข้าสู่ระบบ", "Signed in"),
    "action_sign_in_failed": ("เข้าสู่ระบบไม่สำเร็จ", "Failed sign-in"),
    "action_sign_out": ("ออกจากระบบ", "Signed out"),
    "action_locked_out": ("บัญชีถูกระงับชั่วคราว", "Account locked"),
    "action_password_change": ("เปลี่ยนรหัสผ่าน", "Password changed"),
    "action_export": ("ส่งออกข้อมูล", "Export"),
    "action_role_change": ("เปลี่ยนบทบาท", "Role change"),
    "action_user_create": ("สร้างผู้ใช้", "User created"),
    "action_user_deactivate": ("ระงับบัญชี", "User deactivated"),
    "action_user_reactivate": ("เปิดใช้บัญชี", "User reactivated"),
    "action_user_import": ("นำเข้าผู้ใช้", "Users imported"),
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
