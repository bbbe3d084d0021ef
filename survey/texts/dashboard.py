"""Words of the planner dashboard (issue 6): page titles, filters, cards, charts, tables and their columns."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Pages
    "ministries": ("กระทรวง", "Ministries"),
    "agency_profile": ("ข้อมูลหน่วยงาน", "Agency profile"),
    "gaps": ("ช่องว่างและลำดับความสำคัญ", "Gaps and priorities"),
    "adoption": ("การนำมาตรฐานและแพลตฟอร์มกลางไปใช้", "Adoption"),
    "data_quality": ("คุณภาพข้อมูลและการติดตามการตอบ", "Data quality and response tracking"),
    "methodology": ("ระเบียบวิธี", "Methodology"),
    # Filters
    "filter_cycle": ("รอบสำรวจ (ปีงบประมาณ)", "Survey cycle (fiscal year)"),
    "filter_ministry": ("กระทรวง", "Ministry"),
    "filter_agency_type": ("ประเภทหน่วยงาน", "Agency type"),
    "all_ministries": ("ทุกกระทรวง", "All ministries"),
    "all_types": ("ทุกประเภท", "All types"),
    "choose_agency": ("เลือกหน่วยงาน", "Choose an agency"),
    # The international frameworks' dimensions (the catalogue's crosswalk codes)
    "cw_OSI": ("ดัชนีบริการออนไลน์ (OSI)", "Online Services Index (OSI)"),
    "cw_TII": ("ดัชนีโครงสร้างพื้นฐานโทรคมนาคม (TII)", "Telecommunication Infrastructure Index (TII)"),
    "cw_HCI": ("ดัชนีทุนมนุษย์ (HCI)", "Human Capital Index (HCI)"),
    "cw_CGSI": ("ดัชนีระบบหลักของภาครัฐ", "Core Government Systems Index (CGSI)"),
    "cw_PSDI": ("ดัชนีการให้บริการสาธารณะ", "Public Service Delivery Index (PSDI)"),
    "cw_DCEI": ("ดัชนีการมีส่วนร่วมของประชาชนผ่านช่องทางดิจิทัล", "Digital Citizen Engagement Index (DCEI)"),
    "cw_GTEI": ("ดัชนีปัจจัยสนับสนุนเทคโนโลยีภาครัฐ", "GovTech Enablers Index (GTEI)"),
    "cw_digital_by_design": ("ออกแบบเป็นดิจิทัลตั้งแต่ต้น", "Digital by design"),
    "cw_data_driven": ("ภาครัฐที่ขับเคลื่อนด้วยข้อมูล", "Data-driven public sector"),
    "cw_government_as_platform": ("รัฐบาลเป็นแพลตฟอร์ม", "Government as a platform"),
    "cw_open_by_default": ("เปิดเผยเป็นค่าเริ่มต้น", "Open by default"),
    "cw_user_driven": ("ขับเคลื่อนโดยความต้องการของผู้ใช้", "User-driven"),
    "cw_proactiveness": ("ให้บริการเชิงรุก", "Proactiveness"),
    "no_rows": ("ไม่มีรายการ", "None to show."),
    "choose_option": ("เลือกรายการ", "Choose an option"),
    "choose_options": ("เลือกได้หลายรายการ", "Choose options"),
    "provisional": ("ผลเบื้องต้น", "provisional"),
    "actual_provisional": ("ค่าจริง (ผลเบื้องต้น ไม่นำมาคำนวณแนวโน้ม)", "Actual (provisional, left out of the trend)"),
    "provisional_banner": ("ผลเบื้องต้น: รอบสำรวจ {year} ยังไม่ปิด หน่วยงานได้รับอนุมัติคำตอบแบบสำรวจแล้ว {approved} จาก {expected} หน่วยงาน"
                           " ตัวเลขนับรวมคำตอบแบบสำรวจที่ส่งแล้วแต่ยังไม่ได้รับอนุมัติอีก {pending} หน่วยงาน จึงอาจเปลี่ยนได้"
                           "จนกว่าจะปิดรอบสำรวจหรือหน่วยงานได้รับอนุมัติแล้วอย่างน้อย{share}",
                           "Provisional results: cycle {year} is still open and {approved} of {expected} agencies approved."
                           " The figures also count {pending} submitted responses not yet approved, so they may change until"
                           " the cycle closes or at least {share} of its agencies are approved."),
    "provisional_banner_none_pending": ("ผลเบื้องต้น: รอบสำรวจ {year} ยังไม่ปิด หน่วยงานได้รับอนุมัติคำตอบแบบสำรวจแล้ว {approved} จาก"
                                        " {expected} หน่วยงาน ตัวเลขจึงอาจเปลี่ยนได้จนกว่าจะปิดรอบสำรวจหรือหน่วยงานได้รับอนุมัติแล้ว"
                                        "อย่างน้อย{share}",
                                        "Provisional results: cycle {year} is still open and {approved} of {expected}"
                                        " agencies approved, so the figures may change until the cycle closes or at least"
                                        " {share} of its agencies are approved."),
    "no_cycle_data": ("รอบสำรวจนี้ยังไม่มีคำตอบแบบสำรวจที่ส่งแล้ว", "No response has been submitted in this cycle yet."),
    "no_cycle_data_hint": ("ตัวเลขจะแสดงเมื่อหน่วยงานส่งคำตอบแบบสำรวจ ลองเลือกรอบสำรวจอื่น",
                           "Figures appear once agencies submit; try another cycle."),
    "no_agencies": ("ไม่มีหน่วยงานที่ท่านมีสิทธิ์ดูในตัวกรองนี้", "No agency you may see matches these filters."),
    "national_not_filtered": ("ตัวเลขระดับประเทศไม่ขึ้นกับตัวกรองกระทรวงและประเภทหน่วยงาน",
                              "National figures do not depend on the ministry and type filters."),
    # Statuses and kinds
    "status_on track": ("เป็นไปตามเป้าหมาย", "On track"),
    "status_at risk": ("มีความเสี่ยง", "At risk"),
    "status_off track": ("ต่ำกว่าเป้าหมาย", "Off track"),
    "status_no data": ("ไม่มีข้อมูล", "No data"),
    "status_no target": ("ไม่มีค่าเป้าหมาย", "No target"),
    "status_before baseline": ("ก่อนปีฐาน", "Before the baseline"),
    "resp_not_started": ("ยังไม่เริ่ม", "Not started"),
    "resp_draft": ("ฉบับร่าง", "Draft"),
    "resp_submitted": ("ส่งแล้ว", "Submitted"),
    "resp_returned": ("ส่งกลับให้แก้ไข", "Returned"),
    "resp_approved": ("อนุมัติแล้ว", "Approved"),
    "resp_locked": ("ปิดการแก้ไขแล้ว", "Locked"),
    "resp_late": ("ล่าช้า", "Late"),
    "resp_expected": ("หน่วยงานที่ต้องตอบ", "Expected"),
    "kind_standard": ("มาตรฐาน", "Standard"),
    "kind_platform": ("แพลตฟอร์มกลาง", "Central platform"),
    "kind_shared_service": ("บริการกลาง", "Shared service"),
    "severity_error": ("ข้อผิดพลาด", "Error"),
    "severity_warning": ("คำเตือน", "Warning"),
    "severity_info": ("ข้อสังเกต", "Note"),
    "basis_sourced": ("มีแหล่งอ้างอิง", "Sourced"),
    "basis_assumption": ("สมมติฐาน (ผู้วางแผนนโยบายแก้ไขได้)", "Assumption (planner-editable)"),
    # Overview
    "card_adoption": ("การนำมาตรฐานไปใช้ (เฉลี่ย)", "Standards adoption (mean)"),
    "milestone": ("ค่าเป้าหมายรายปีของรอบนี้", "This cycle's milestone"),
    "gap": ("ส่วนต่าง", "Gap"),
    "per_year_needed": ("ต้องเพิ่มปีละ", "Needed per year"),
    "index_points": ("คะแนน", "points"),
    "fitted_trend": ("แนวโน้ม (ถดถอยเชิงเส้น)", "Fitted trend (least squares)"),
    "trend_reaches": ("แนวโน้มถึงเป้าหมายในปี", "The trend reaches the goal in"),
    "trend_never": ("แนวโน้มปัจจุบันไม่ถึงเป้าหมาย", "At the current trend the goal is not reached"),
    "international": ("ภาพรวมระดับนานาชาติ", "International picture"),
    "egdi_chart": ("อันดับ EGDI ของประเทศไทย เทียบเป้าหมาย 40 อันดับแรก", "Thailand's UN EGDI rank against the top-40 target"),
    "egdi_rank_axis": ("อันดับ (ยิ่งน้อยยิ่งดี)", "Rank (lower is better)"),
    "latest_observation": ("ค่าล่าสุด", "Latest"),
    "observations": ("ค่าที่เผยแพร่ในรายงานการสำรวจรัฐบาลอิเล็กทรอนิกส์ของสหประชาชาติ (UN E-Government Survey)", "Published observations (UN E-Government Survey)"),
    "top_n_goal": ("เป้าหมาย {n} อันดับแรก", "Top-{n} target"),
    # Ministries
    "ranked_table": ("การจัดอันดับกระทรวงตามดัชนีความพร้อม", "Ministries ranked by readiness index"),
    "rank_note": ("อันดับเรียงตามดัชนีความพร้อมในตาราง (1 = สูงสุด) ช่วงอันดับบอกว่าอันดับนั้นอาจอยู่ระหว่างเท่าใดภายใต้ความไม่แน่นอนของวิธีคำนวณ"
                  " จากการจำลองมอนติคาร์โล {draws} ครั้งที่สุ่มเปลี่ยนน้ำหนัก วิธีการปรับคะแนนเป็น 0-100 และวิธีการรวมคะแนน"
                  " (เปอร์เซ็นไทล์ที่ 5-95) ช่วงที่ซ้อนกันถือว่าอันดับเท่ากันภายในความไม่แน่นอน คู่กระทรวงที่ลำดับไม่สลับเลย: {stable}",
                  "Rank is by the readiness index shown (1 = highest); the interval shows where that rank could lie under"
                  " the method's uncertainty ({draws} Monte Carlo draws of weights, normalisation and aggregation,"
                  " 5th-95th percentile), and overlapping intervals are ties. Ministry pairs whose order never flips: {stable}"),
    "heatmap_title": ("คะแนนรายมิติของแต่ละกระทรวง (0-100)", "Dimension scores by ministry (0-100)"),
    "score_0_100": ("คะแนน (0-100)", "Score (0-100)"),
    # Agency profile
    "history_title": ("คะแนนรายมิติย้อนหลัง", "Scores per dimension over the years"),
    "radar_title": ("เทียบกับมัธยฐานของกลุ่มเปรียบเทียบ", "Against its peers (median)"),
    "series_agency": ("หน่วยงานนี้", "This agency"),
    "series_statistical_peers": ("กลุ่มเปรียบเทียบที่มีลักษณะคล้ายกันทางสถิติ", "Statistical peers (clusters)"),
    "series_administrative_peers": ("กลุ่มเปรียบเทียบในกระทรวงหรือประเภทเดียวกัน", "Same ministry or type"),
    "agency_targets": ("เทียบค่าเป้าหมายรายปีของรอบนี้", "Against this cycle's milestones"),
    "weakest_title": ("มิติที่อ่อนที่สุดเมื่อเทียบกับกลุ่มเปรียบเทียบ", "Weakest dimensions against statistical peers"),
    "actions_title": ("ข้อเสนอแนะเรียงตามคะแนนที่จะเพิ่มขึ้น", "Recommended actions, largest gain first"),
    "services_title": ("บัญชีบริการสำคัญตามระดับดิจิทัล", "Key services by digital level"),
    "services_chart": ("จำนวนบริการในแต่ละระดับดิจิทัล", "Services per digital level"),
    "health_title": ("สถานะการส่งคำตอบแบบสำรวจ", "Submission health"),
    "health_status": ("สถานะการตรวจทาน", "Review state"),
    "health_deadline": ("กำหนดส่ง", "Deadline"),
    "health_submitted": ("วันที่ส่ง", "Submitted"),
    "health_on_time": ("ส่งตรงเวลา", "On time"),
    "health_completeness": ("ความครบถ้วน", "Completeness"),
    "health_open_flags": ("ประเด็นคุณภาพที่ต้องติดตาม", "Open quality flags"),
    "count": ("จำนวน", "Count"),
    # Gaps
    "gains_title": ("ตัวชี้วัดที่หากปิดช่องว่างได้ จะเพิ่มดัชนีระดับประเทศได้มากที่สุด", "Indicators where closing gaps moves the national index most"),
    "gains_axis": ("คะแนนดัชนีระดับประเทศที่จะเพิ่มขึ้น", "National index points at stake"),
    "gains_note": ("คะแนนที่จะเพิ่ม = ค่าเฉลี่ยของทุกหน่วยงานของ น้ำหนักประสิทธิผล × (100 - คะแนนตัวชี้วัดหลังการปรับคะแนนเป็น 0-100)",
                   "Gain = mean over agencies of effective weight x (100 - normalised score)"),
    "online_agencies_title": ("หน่วยงานที่หากยกระดับบริการเป็นออนไลน์ครบวงจร จะเพิ่มสัดส่วนระดับประเทศได้มากที่สุด",
                              "Agencies whose services going fully online would raise the national share most"),
    "readiness_agencies_title": ("หน่วยงานที่มีดัชนีต่ำกว่าค่าเป้าหมายรายปีของรอบนี้มากที่สุด", "Agencies furthest below this cycle's readiness milestone"),
    "crosswalk_title": ("เทียบกับกรอบนานาชาติ (UN EGDI, World Bank GTMI, OECD DGI)",
                        "Against international frameworks (UN EGDI, World Bank GTMI, OECD DGI)"),
    "crosswalk_chart": ("คะแนนเฉลี่ยตามมิติของกรอบนานาชาติ", "Mean score by international dimension"),
    # Adoption
    "adoption_national": ("อัตราการนำไปใช้ระดับประเทศ", "National adoption rate"),
    "adoption_heatmap": ("อัตราการนำไปใช้ (ร้อยละ) รายกระทรวง", "Adoption rate (%) by ministry"),
    "non_adopters": ("หน่วยงานที่ยังไม่นำไปใช้", "Agencies not yet adopting"),
    # Quality
    "tracking_title": ("การติดตามการตอบแบบสำรวจ", "Response tracking"),
    "late_title": ("หน่วยงานที่ล่าช้า", "Late agencies"),
    "flags_title": ("ประเด็นคุณภาพข้อมูลที่ต้องติดตาม", "Quality flags to follow up"),
    "flag_counts_chart": ("จำนวนประเด็นตามกฎตรวจสอบและระดับความรุนแรง", "Flags by rule and severity"),
    "completeness_title": ("ความครบถ้วนรายหน่วยงาน", "Completeness per agency"),
    "indicator_completeness_title": ("ความครบถ้วนรายตัวชี้วัด", "Completeness per indicator"),
    # Methodology
    "method_intro": ("หน้านี้สร้างจากแบบสำรวจ (ตัวชี้วัด น้ำหนัก และเกณฑ์) และไฟล์ค่าเป้าหมาย ตัวเลขทุกหน้าคำนวณด้วยวิธีเดียวกันนี้",
                     "This page is generated from the indicator catalogue and the targets file; every figure uses this method."),
    "method_summary": ("แบบสำรวจฉบับ {catalogue} วิธีคำนวณฉบับ {method} การปรับคะแนนเป็น 0-100: {norm} การรวมคะแนน: {agg}"
                       " ต้องตอบตัวชี้วัดที่มีน้ำหนักรวมอย่างน้อย{cov} บริการที่สามารถให้บริการแบบออนไลน์ คือบริการระดับดิจิทัล {online}"
                       " ขึ้นไป สัดส่วนคิดจากบริการสำคัญที่มุ่งให้บริการแบบออนไลน์ (ไม่นับบริการที่ทะเบียนบริการระบุว่า"
                       "จะไม่พัฒนาเป็นบริการอิเล็กทรอนิกส์) แจ้งเตือนเมื่อค่าเปลี่ยนจากรอบก่อนเกิน{jump}",
                       "Instrument {catalogue}, method {method}. Normalisation: {norm}. Aggregation: {agg}. At least {cov}"
                       " of the weight answered. A key service can be provided online at digital level {online} or higher;"
                       " the online share is over the key services meant to go online (services the national register says"
                       " will not become e-services are counted but left out of its denominator). A change of more than"
                       " {jump} from the previous cycle is flagged."),
    "method_data_updated": ("คำตอบแบบสำรวจหรือค่าเป้าหมายเปลี่ยนล่าสุด {when} · วิธีคำนวณฉบับ {method}",
                            "Survey responses or targets last changed {when} · method version {method}"),
    "draws_note": ("ช่วงอันดับในหน้าจอใช้การจำลองมอนติคาร์โล {draws} ครั้ง (สมุดงาน Excel สำหรับผู้บริหารใช้ 1,000 ครั้ง)",
                   "Rank intervals in these pages use {draws} Monte Carlo draws (the executive workbook uses 1,000)."),
    "method_final_rule": ("คำตอบแบบสำรวจนับรวมในตัวเลขทุกหน้าเมื่อส่งแล้ว (ส่งแล้ว อนุมัติแล้ว หรือปิดการแก้ไขแล้ว)"
                          " ทั้งในรอบสำรวจที่เปิดอยู่และที่ปิดแล้ว ผลของรอบสำรวจเป็นผลสุดท้ายเมื่อปิดรอบสำรวจแล้ว"
                          " หรือเมื่อหน่วยงานในรายชื่อหน่วยงานที่ต้องตอบได้รับอนุมัติคำตอบแบบสำรวจแล้วอย่างน้อย{share}"
                          " ก่อนหน้านั้นเป็นผลเบื้องต้น และทุกหน้าที่แสดงผลจะบอกว่าได้รับอนุมัติแล้วกี่หน่วยงานจากทั้งหมด"
                          " ทุกหน้าเปิดที่รอบสำรวจล่าสุดที่เป็นผลสุดท้าย",
                          "A response counts in every figure once submitted (submitted, approved or locked), in an open"
                          " cycle as in a closed one. A cycle's results are final once the cycle is closed, or once at least"
                          " {share} of the agencies in its frame have an approved response; until then they are provisional,"
                          " and every page that shows them says how many of the agencies are approved. The pages open on"
                          " the latest cycle with final results."),
    "models_note": ("การตรวจหารูปแบบคำตอบโดยรวมที่ผิดปกติและการจัดกลุ่มเปรียบเทียบใช้แบบจำลองที่สร้างจากข้อมูลทั้งรอบ"
                    " เมื่อคำตอบของหน่วยงานใดเปลี่ยน หน่วยงานนั้นจะได้รับการประเมินด้วยแบบจำลองเดิม และจะสร้างแบบจำลองใหม่"
                    "เมื่อคำตอบที่นับแล้วเปลี่ยนเกิน{share} ของรอบ จนถึงตอนนั้นผลของหน่วยงานที่เปลี่ยนอาจต่างเล็กน้อยจากการสร้างใหม่ทั้งรอบ",
                    "Unusual answers as a whole and peer groups come from models fitted on the whole cycle. An agency whose"
                    " answers change is scored with those models; they are fitted again once more than {share} of the"
                    " cycle's counted responses have changed, and until then a changed agency's flag or peer group may differ"
                    " slightly from fitting the whole cycle again."),
    "assumption_note": ("ค่าเป้าหมายที่ระบุว่า \"สมมติฐาน\" เป็นค่าสมมติที่ผู้วางแผนนโยบายกำหนดเพื่อการวางแผน แก้ไขได้ ไม่ใช่ค่าเป้าหมายทางการ",
                        "Targets marked 'assumption' are editable working values, not official targets."),
    "dimensions_title": ("มิติและน้ำหนัก", "Dimensions and weights"),
    "indicators_title": ("ตัวชี้วัด น้ำหนัก และค่าขอบเขต", "Indicators, weights and goalposts"),
    "bands_title": ("ระดับความพร้อม", "Maturity bands"),
    "targets_title": ("ค่าเป้าหมายและแหล่งที่มา", "Targets and their sources"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("อันดับ", "Rank"),
    "rank_range": ("ช่วงอันดับ (เปอร์เซ็นไทล์ที่ 5-95)", "Rank interval (5-95%)"),
    "ministry": ("กระทรวง", "Ministry"),
    "readiness_index": ("ดัชนีความพร้อม (0-100)", "Readiness index (0-100)"),
    "online_service_ratio": ("บริการสำคัญที่ให้บริการแบบออนไลน์ได้ (ร้อยละ)", "Key services online (%)"),
    "agencies": ("จำนวนหน่วยงาน", "Agencies"),
    "scored": ("มีคะแนน", "Scored"),
    "gap": ("ส่วนต่างจากค่าเป้าหมายรายปี", "Gap to milestone"),
    "status": ("สถานะ", "Status"),
    "cycle_year": ("ปี", "Year"),
    "dimension": ("มิติ", "Dimension"),
    "score": ("คะแนน (0-100)", "Score (0-100)"),
    "peer_median": ("มัธยฐานกลุ่มเปรียบเทียบ", "Peers' median"),
    "gap_to_peers": ("ห่างจากกลุ่มเปรียบเทียบ", "Behind peers by"),
    "indicator": ("ตัวชี้วัด", "Indicator"),
    "normalised": ("คะแนนหลังการปรับคะแนนเป็น 0-100", "Normalised score"),
    "gain": ("คะแนนที่จะเพิ่ม", "Gain (points)"),
    "owner": ("ผู้รับผิดชอบ", "Owner"),
    "code": ("รหัส", "Code"),
    "service": ("บริการ", "Service"),
    "digital_level": ("ระดับดิจิทัล", "Digital level"),
    "level": ("ระดับ", "Level name"),
    "annual_volume": ("ปริมาณต่อปี", "Yearly volume"),
    "services": ("จำนวนบริการ", "Services"),
    "kpi": ("ตัวชี้วัดหลัก", "KPI"),
    "actual": ("ค่าจริง", "Actual"),
    "required_per_year": ("ต้องเพิ่มปีละ", "Needed per year"),
    "trend_reaches_goal": ("ปีที่แนวโน้มถึงเป้า", "Trend reaches goal"),
    "basis": ("ที่มาของเป้า", "Basis"),
    "indicator_id": ("รหัสตัวชี้วัด", "Indicator id"),
    "rule": ("กฎตรวจสอบ", "Check"),
    "severity": ("ระดับความรุนแรง", "Severity"),
    "agency": ("หน่วยงาน", "Agency"),
    "offline": ("ยังให้บริการแบบออนไลน์ไม่ได้", "Not online"),
    "mean_score": ("คะแนนเฉลี่ย", "Mean score"),
    "effective_weight": ("น้ำหนักประสิทธิผล (ร้อยละ)", "Effective weight (%)"),
    "agencies_below_50": ("หน่วยงานคะแนนต่ำกว่า 50", "Agencies below 50"),
    "framework": ("กรอบ", "Framework"),
    "indicators": ("ตัวชี้วัดที่เกี่ยวข้อง", "Indicators"),
    "share_below": ("สัดส่วนต่ำกว่า 50 (ร้อยละ)", "Share below 50 (%)"),
    "weakest_indicator": ("ตัวชี้วัดที่อ่อนที่สุด", "Weakest indicator"),
    "kind": ("ประเภท", "Kind"),
    "item": ("รายการ", "Item"),
    "adopted": ("นำไปใช้แล้ว", "Adopted"),
    "rate": ("อัตรา (ร้อยละ)", "Rate (%)"),
    "deadline": ("กำหนดส่ง", "Deadline"),
    "submitted_at": ("วันที่ส่ง", "Submitted"),
    "late": ("ล่าช้า", "Late"),
    "flags": ("จำนวนประเด็น", "Flags"),
    "required": ("ข้อบังคับ", "Required"),
    "answered": ("ตอบแล้ว", "Answered"),
    "completeness": ("ความครบถ้วน (ร้อยละ)", "Completeness (%)"),
    "missing": ("ที่ยังไม่ตอบ", "Missing"),
    "responses": ("คำตอบแบบสำรวจ", "Responses"),
    "dimension_id": ("รหัสมิติ", "Dimension id"),
    "question": ("คำถาม", "Question"),
    "type": ("ชนิดคำตอบ", "Answer type"),
    "polarity": ("ทิศทาง", "Polarity"),
    "weight": ("น้ำหนัก", "Weight"),
    "goalposts": ("ค่าขอบเขต", "Goalposts"),
    "crosswalk": ("เทียบกรอบนานาชาติ", "Crosswalk"),
    "since": ("ใช้ตั้งแต่", "Since"),
    "share": ("สัดส่วน (ร้อยละ)", "Share (%)"),
    "min": ("คะแนนต่ำสุด", "From score"),
    "band": ("ชื่อระดับ", "Band"),
    "target_id": ("รหัสเป้าหมาย", "Target id"),
    "source": ("แหล่งที่มา", "Source"),
    "baseline_year": ("ปีฐาน", "Baseline year"),
    "baseline_value": ("ค่าฐาน", "Baseline value"),
    "baseline_source": ("แหล่งค่าฐาน", "Baseline source"),
    "goal_year": ("ปีเป้าหมาย", "Goal year"),
    "goal_value": ("ค่าเป้าหมาย", "Goal value"),
    "milestones": ("ค่าเป้าหมายรายปี", "Milestones"),
    "series": ("ชุดข้อมูล", "Series"),
    "year": ("ปี", "Year"),
    "cycle_be": ("ปีงบประมาณ", "Fiscal year"),
    "milestone": ("ค่าเป้าหมายรายปีของรอบนี้", "Milestone"),
    "services_online": ("บริการสำคัญที่ให้บริการแบบออนไลน์ได้", "Key services online"),
    "agencies_expected": ("หน่วยงานที่ต้องตอบ", "Agencies expected"),
    "agencies_responded": ("หน่วยงานที่ตอบกลับ", "Agencies responded"),
    "response_rate": ("อัตราการตอบกลับ (ร้อยละ)", "Response rate (%)"),
}

# col_agency_id, col_value and col_message come from the core texts.
TEXTS.update({f"col_{k}": v for k, v in COLUMNS.items()})
