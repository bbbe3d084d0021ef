"""Deterministic demo data: real ministries, fictional agencies, closed cycles from B.E. 2564 on.

The national share of key services fully online follows the published trajectory: 72.71 % in
B.E. 2565 (plan p.13) and more than 10 points lower in 2564. Every other figure is invented for
the demo and the database is marked as demo (`app_state.dataset = demo`).

A live demo (`DemoSpec.live(today)`, what `python -m data seed --demo` makes) is alive on the day it
is seeded: the cycles of the fiscal years before `today` are closed with their results, and the
current fiscal year's cycle is open around `today`, with agencies in every state (`demo_live`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, delete, insert

from data.db import reset_sequences
from data.models import (
    Agency,
    AgencyType,
    Answer,
    AppState,
    AuditEntry,
    Base,
    Cycle,
    FrameEntry,
    Ministry,
    Response,
    ReviewComment,
    Service,
    utcnow,
)
from survey import clock
from survey.catalogue import Catalogue, Indicator
from survey.workflow import COUNTED_STATUSES, Status
from usecases import demo_live

# Real ministries of the Thai government (names as published), plus a group for agencies outside them.
MINISTRIES: tuple[tuple[str, str, str, float], ...] = (
    ("OPM", "สำนักนายกรัฐมนตรี", "Office of the Prime Minister", 1.4),
    ("MOD", "กระทรวงกลาโหม", "Ministry of Defence", 0.8),
    ("MOF", "กระทรวงการคลัง", "Ministry of Finance", 1.0),
    ("MFA", "กระทรวงการต่างประเทศ", "Ministry of Foreign Affairs", 0.5),
    ("MOTS", "กระทรวงการท่องเที่ยวและกีฬา", "Ministry of Tourism and Sports", 0.5),
    ("MSDHS", "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Ministry of Social Development and Human Security", 0.8),
    ("MHESI", "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม", "Ministry of Higher Education, Science, Research and Innovation", 1.3),
    ("MOAC", "กระทรวงเกษตรและสหกรณ์", "Ministry of Agriculture and Cooperatives", 1.4),
    ("MOT", "กระทรวงคมนาคม", "Ministry of Transport", 1.0),
    ("MNRE", "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Ministry of Natural Resources and Environment", 0.9),
    ("MDES", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "Ministry of Digital Economy and Society", 0.6),
    ("MOEN", "กระทรวงพลังงาน", "Ministry of Energy", 0.5),
    ("MOC", "กระทรวงพาณิชย์", "Ministry of Commerce", 0.7),
    ("MOI", "กระทรวงมหาดไทย", "Ministry of Interior", 1.0),
    ("MOJ", "กระทรวงยุติธรรม", "Ministry of Justice", 0.9),
    ("MOL", "กระทรวงแรงงาน", "Ministry of Labour", 0.6),
    ("MOCUL", "กระทรวงวัฒนธรรม", "Ministry of Culture", 0.6),
    ("MOE", "กระทรวงศึกษาธิการ", "Ministry of Education", 0.7),
    ("MOPH", "กระทรวงสาธารณสุข", "Ministry of Public Health", 1.0),
    ("MOIND", "กระทรวงอุตสาหกรรม", "Ministry of Industry", 0.7),
    ("IND", "หน่วยงานที่ไม่สังกัดกระทรวง", "Agencies outside the ministries", 0.6),
)

PROVINCES: tuple[tuple[str, str], ...] = (
    ("กรุงเทพมหานคร", "Bangkok"), ("เชียงใหม่", "Chiang Mai"), ("ขอนแก่น", "Khon Kaen"),
    ("นครราชสีมา", "Nakhon Ratchasima"), ("ชลบุรี", "Chon Buri"), ("สงขลา", "Songkhla"),
    ("ภูเก็ต", "Phuket"), ("อุดรธานี", "Udon Thani"), ("พิษณุโลก", "Phitsanulok"),
    ("สุราษฎร์ธานี", "Surat Thani"), ("อุบลราชธานี", "Ubon Ratchathani"), ("เชียงราย", "Chiang Rai"),
    ("นครศรีธรรมราช", "Nakhon Si Thammarat"), ("ระยอง", "Rayong"), ("ลำปาง", "Lampang"),
    ("นครสวรรค์", "Nakhon Sawan"), ("สุพรรณบุรี", "Suphan Buri"), ("ตรัง", "Trang"),
    ("น่าน", "Nan"), ("กาญจนบุรี", "Kanchanaburi"),
)

# Fictional agency names are built from these words; every name is marked as fictional.
_TOPICS: tuple[tuple[str, str], ...] = (
    ("ทะเบียนชายฝั่ง", "Coastal Registry"), ("สถิติชุมชน", "Community Statistics"),
    ("ส่งเสริมสหกรณ์ชนบท", "Rural Cooperative Promotion"), ("มาตรฐานอาคาร", "Building Standards"),
    ("บริการแรงงานต่างด้าว", "Migrant Labour Services"), ("พัฒนาทักษะฝีมือ", "Skills Development"),
    ("ทรัพยากรน้ำบาดาล", "Groundwater Resources"), ("สวัสดิการผู้สูงอายุ", "Elderly Welfare"),
    ("ขนส่งทางราง", "Rail Transport"), ("อุทยานทางทะเล", "Marine Parks"),
    ("ส่งเสริมการค้าชายแดน", "Border Trade Promotion"), ("ทะเบียนการค้า", "Trade Registration"),
    ("วิจัยพืชสวน", "Horticultural Research"), ("ป้องกันสาธารณภัย", "Disaster Prevention"),
    ("บริการสุขภาพชุมชน", "Community Health Services"), ("ศิลปวัฒนธรรมท้องถิ่น", "Local Arts and Culture"),
    ("ส่งเสริมการลงทุนภูมิภาค", "Regional Investment Promotion"), ("อุตุนิยมวิทยาการเกษตร", "Agricultural Meteorology"),
    ("คุ้มครองผู้บริโภคดิจิทัล", "Digital Consumer Protection"), ("พลังงานชุมชน", "Community Energy"),
    ("ทะเบียนที่ดินชนบท", "Rural Land Registry"), ("การศึกษานอกระบบ", "Non-formal Education"),
    ("กิจการเยาวชน", "Youth Affairs"), ("ประมงน้ำจืด", "Inland Fisheries"),
)
_KINDS: dict[str, tuple[str, str]] = {
    AgencyType.DEPARTMENT: ("กรม", "Department of"),
    AgencyType.STATE_ENTERPRISE: ("การ", "Authority of"),
    AgencyType.PUBLIC_ORGANISATION: ("สถาบัน", "Institute of"),
    AgencyType.INDEPENDENT_ORGANISATION: ("สำนักงาน", "Office of"),
    AgencyType.OTHER: ("ศูนย์", "Centre for"),
    AgencyType.PROVINCIAL_UNIT: ("สำนักงานจังหวัด", "Provincial Office of"),
    AgencyType.LOCAL_ADMINISTRATION: ("องค์การบริหารส่วนตำบล", "Subdistrict Administration"),
}
_SERVICE_WORDS: tuple[tuple[str, str], ...] = (
    ("ขออนุญาต", "Permit for"), ("จดทะเบียน", "Registration of"), ("ขอรับรอง", "Certification of"),
    ("ขอรับเงินอุดหนุน", "Subsidy for"), ("แจ้งเปลี่ยนแปลง", "Notice of change to"),
    ("ขอข้อมูล", "Information request on"),
)

DEMO_YEARS: tuple[int, ...] = (2564, 2565, 2566, 2567, 2568)
#: Share of key services fully online nationally, in percent. 2565 is published (plan p.13); the
#: others are demo values chosen to follow it (2564 more than 10 points lower).
DEMO_ONLINE_RATIO: dict[int, float] = {2564: 61.84, 2565: 72.71, 2566: 77.93, 2567: 82.46, 2568: 86.12}
PUBLISHED_ONLINE_RATIO = {2565: 72.71}
PUBLISHED_YEAR = 2565
FIRST_DEMO_YEAR = DEMO_YEARS[0]


def online_ratio(year: int) -> float:
    """Return the demo's national share of key services online for a year (percent): the table above, then a
    rise of 2.3 points a year after 2568 (demo values, never above 97)."""
    if year in DEMO_ONLINE_RATIO:
        return DEMO_ONLINE_RATIO[year]
    if year > DEMO_YEARS[-1]:
        return min(97.0, DEMO_ONLINE_RATIO[DEMO_YEARS[-1]] + 2.3 * (year - DEMO_YEARS[-1]))
    return 80.0


@dataclass(frozen=True)
class DemoSpec:
    """What to seed. Without `today` every cycle is closed (B.E. 2564-2568 by default); with it, the cycle of
    `today`'s fiscal year is open around `today` (`DemoSpec.live`)."""

    agencies: int = 320
    provincial: int = 0
    seed: int = 2565
    years: Sequence[int] = DEMO_YEARS
    today: dt.date | None = None

    @classmethod
    def live(cls, today: dt.date, agencies: int = 320, provincial: int = 0, seed: int = 2565) -> DemoSpec:
        """Return the live demo of `today`: closed cycles from B.E. 2564 to last fiscal year, and this year's open."""
        current = clock.fiscal_year_be(today)
        if current <= PUBLISHED_YEAR:
            raise ValueError(f"a live demo needs a day after fiscal year {PUBLISHED_YEAR}")
        return cls(agencies, provincial, seed, tuple(range(FIRST_DEMO_YEAR, current + 1)), today)

    def open_year(self) -> int | None:
        """Return the year of the cycle seeded open (None: every cycle is closed)."""
        if self.today is None:
            return None
        current = clock.fiscal_year_be(self.today)
        if any(y > current for y in self.years):
            raise ValueError(f"the demo cannot hold a cycle after fiscal year {current}, today's")
        return current if current in self.years else None


def be_to_ce(year_be: int) -> int:
    return year_be - 543


def _agency_rows(spec: DemoSpec, rng: np.random.Generator) -> list[dict]:
    weights = np.array([m[3] for m in MINISTRIES])
    weights = weights / weights.sum()
    dept_count = min(spec.agencies, 320)
    local_count = spec.agencies - dept_count
    rows: list[dict] = []
    ministry_idx = rng.choice(len(MINISTRIES), size=dept_count, p=weights)
    type_pool = [AgencyType.DEPARTMENT] * 14 + [AgencyType.STATE_ENTERPRISE] * 3 + \
        [AgencyType.PUBLIC_ORGANISATION] * 3 + [AgencyType.OTHER]
    for n in range(dept_count):
        m = MINISTRIES[int(ministry_idx[n])]
        atype = AgencyType.INDEPENDENT_ORGANISATION if m[0] == "IND" else type_pool[int(rng.integers(len(type_pool)))]
        rows.append(_agency(f"D{n + 1:04d}", m[0], atype, None, n, rng))
    for n in range(spec.provincial):
        m = MINISTRIES[int(rng.choice(len(MINISTRIES), p=weights))]
        prov = PROVINCES[n % len(PROVINCES)]
        rows.append(_agency(f"P{n + 1:05d}", m[0], AgencyType.PROVINCIAL_UNIT, prov, n, rng))
    for n in range(local_count):
        prov = PROVINCES[n % len(PROVINCES)]
        rows.append(_agency(f"L{n + 1:05d}", "MOI", AgencyType.LOCAL_ADMINISTRATION, prov, n, rng))
    return rows


def _agency(aid: str, ministry: str, atype: str, prov: tuple[str, str] | None, n: int,
            rng: np.random.Generator) -> dict:
    topic_th, topic_en = _TOPICS[int(rng.integers(len(_TOPICS)))]
    kind_th, kind_en = _KINDS[atype]
    serial = n // len(_TOPICS) + 1
    if atype == AgencyType.LOCAL_ADMINISTRATION:
        name_th = f"{kind_th}ตัวอย่าง {n + 1} {prov[0] if prov else ''} (สมมติ)"
        name_en = f"Fictional {kind_en} No. {n + 1}, {prov[1] if prov else ''}"
    elif prov is not None:
        name_th = f"{kind_th}{prov[0]} ด้าน{topic_th} {serial} (สมมติ)"
        name_en = f"Fictional {kind_en} {topic_en} {serial}, {prov[1]}"
    else:
        name_th = f"{kind_th}{topic_th} {serial} (สมมติ)"
        name_en = f"Fictional {kind_en} {topic_en} {serial}"
    return {
        "id": aid, "ministry_id": ministry, "name_th": name_th, "name_en": name_en,
        "agency_type": str(atype), "province": prov[0] if prov else None, "is_demo": True, "active": True,
        "coordinator_name": f"ผู้ประสานงานสมมติ {aid}", "coordinator_position": "นักวิชาการคอมพิวเตอร์",
        "coordinator_phone": f"02-000-{int(rng.integers(1000, 9999))}",
        "coordinator_email": f"coordinator.{aid.lower()}@demo.invalid",
        "created_at": utcnow(),
    }


def _calibrated_total(n_services: int, target_pct: float) -> tuple[int, int]:
    """Return (total, fully-online) counts nearest n_services whose ratio rounds to target_pct."""
    for extra in range(0, 10_000):
        total = n_services + extra
        k = round(target_pct / 100 * total)
        if round(100 * k / total, 2) == round(target_pct, 2):
            return total, k
    raise ValueError(f"cannot reach {target_pct} %")


def _answer_value(ind: Indicator, p: float, rng: np.random.Generator, staff: int) -> tuple[float | None, str | None]:
    """Draw a plausible answer for readiness `p` (0-1); returns (number, text)."""
    if ind.type == "stage":
        return float(np.clip(round(p * 4 + rng.normal(0, 0.6)), 0, 4)), None
    if ind.type == "yes_no":
        return float(rng.random() < min(0.97, 0.15 + p)), None
    if ind.type == "percentage":
        return float(np.clip(round(p * 100 + rng.normal(0, 12), 1), 0, 100)), None
    if ind.type == "count":
        if not ind.scored:
            return None, None  # staff counts are drawn together below
        high = ind.goalposts[1] if ind.goalposts else 10
        lam = (1 - p) * 1.5 if ind.polarity < 0 else p * high * 1.2
        return float(rng.poisson(max(lam, 0.05))), None
    if ind.type == "multi_choice":
        chosen = [o.id for o in ind.options if rng.random() < 0.1 + 0.8 * p * (1.0 if o.id in _COMMON else 0.45)]
        return float(len(chosen)), json.dumps(chosen)
    return None, None


_COMMON = {"DATA_GO_TH", "GDX", "CITIZEN_PORTAL", "GIN", "GDCC", "DIGITAL_ID", "E_PAYMENT", "E_SIGNATURE", "SARABAN", "NOTIFICATION"}


def seed_demo(engine: Engine, catalogue: Catalogue, spec: DemoSpec = DemoSpec()) -> dict[str, int]:
    """Replace the database's contents with demo data; return row counts."""
    rng = np.random.default_rng(spec.seed)
    agencies = _agency_rows(spec, rng)
    n_ag = len(agencies)
    latent = rng.beta(2.2, 2.0, size=n_ag)
    years = list(spec.years)
    counts = {"ministries": len(MINISTRIES), "agencies": n_ag, "cycles": len(years),
              "responses": 0, "answers": 0, "services": 0}

    # Each agency keeps the same key services from year to year; a few add one later.
    n_services = rng.integers(3, 13, size=n_ag)
    service_noise = [rng.normal(0, 0.25, size=int(k) + 2) for k in n_services]

    entered = catalogue.entered_indicators()
    by_rule_left = {r.left: r for r in catalogue.rules if r.op == "<="}

    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(delete(table))
        conn.execute(insert(Ministry), [{"id": m[0], "name_th": m[1], "name_en": m[2]} for m in MINISTRIES])
        conn.execute(insert(Agency), agencies)
        response_id = 0
        open_year = spec.open_year()
        comments: list[dict] = []
        for yi, year in enumerate(years):
            live = demo_live.OpenCycle.around(spec.today, agencies) if year == open_year and spec.today else None
            ce = be_to_ce(year)
            opens, closes = (live.opens, live.closes) if live else (dt.date(ce, 6, 1), dt.date(ce, 8, 31))
            conn.execute(insert(Cycle), [{"year_be": year, "year_ce": ce, "opens_on": opens, "closes_on": closes,
                                          "catalogue_version": catalogue.version,
                                          "status": "open" if live else "closed"}])
            conn.execute(insert(FrameEntry), [{"cycle_year": year, "agency_id": a["id"], "deadline": None}
                                              for a in agencies])
            progress = np.clip(latent + 0.07 * yi + rng.normal(0, 0.05, size=n_ag), 0, 1)
            status_draw = rng.random(n_ag)
            responses, answers, services = [], [], []
            for ai, agency in enumerate(agencies):
                if live:
                    state = live.state(agency["id"], float(status_draw[ai]))
                    if state is None:
                        continue  # not started yet
                    status = state
                    submitted, approved = live.moments(status, rng)
                else:
                    if status_draw[ai] < 0.02:
                        continue  # no response at all this cycle
                    if status_draw[ai] < 0.03:
                        status = Status.DRAFT
                    elif status_draw[ai] < 0.04:
                        status = Status.RETURNED
                    elif status_draw[ai] < 0.25:
                        status = Status.SUBMITTED
                    else:
                        status = Status.APPROVED
                    late = status != Status.DRAFT and rng.random() < 0.04
                    submitted = None
                    if status != Status.DRAFT:
                        day = closes + dt.timedelta(days=int(rng.integers(1, 20))) if late else \
                            opens + dt.timedelta(days=int(rng.integers(10, 90)))
                        submitted = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
                    approved = submitted if status == Status.APPROVED else None
                response_id += 1
                responses.append({
                    "id": response_id, "cycle_year": year, "agency_id": agency["id"], "status": str(status),
                    "catalogue_version": catalogue.version, "version": 1, "created_at": utcnow(),
                    "updated_at": approved or submitted or utcnow(), "updated_by": "demo-seed",
                    "submitted_at": submitted, "approved_at": approved,
                })
                if live and status == Status.RETURNED:
                    comments += live.review_comments(response_id, submitted)
                p = float(progress[ai])
                staff = int(np.clip(rng.lognormal(6.5, 0.9), 20, 60000))
                values: dict[str, float | None] = {}
                inconsistent = rng.random() < 0.015
                for ind in entered:
                    if rng.random() < (0.15 if status == Status.DRAFT else 0.012):
                        continue  # missing answer
                    num, text = _answer_value(ind, p, rng, staff)
                    if ind.id == "SKL.01":
                        num = float(staff)
                    elif ind.id == "SKL.02":
                        num = float(round(staff * np.clip(p * 0.3 + rng.normal(0, 0.05), 0, 1)))
                    values[ind.id] = num
                    answers.append({"response_id": response_id, "indicator_id": ind.id, "value_num": num,
                                    "value_text": text, "evidence": None, "comment": None,
                                    "updated_at": utcnow(), "updated_by": "demo-seed"})
                # Keep cross-field rules true, except for the few inconsistent submissions.
                for ans in answers[-len(values):] if values else []:
                    rule = by_rule_left.get(str(ans["indicator_id"]))
                    right = values.get(rule.right) if rule else None
                    left = ans["value_num"]
                    if right is not None and isinstance(left, float):
                        ans["value_num"] = float(right + 1 + int(rng.integers(0, 3))) if inconsistent else \
                            min(left, right)
                k = int(n_services[ai]) + (1 if yi >= 3 and ai % 7 == 0 else 0)
                for si in range(k):
                    word_th = _SERVICE_WORDS[si % len(_SERVICE_WORDS)][0]
                    services.append({
                        "response_id": response_id, "code": f"{agency['id']}-S{si + 1:02d}",
                        "name": f"การ{word_th} รายการที่ {si + 1} (สมมติ)",  # Thai as in a real register, marked as the agencies are
                        "_score": p + float(service_noise[ai][si]) + 0.05 * yi, "_counted": str(status) in COUNTED_STATUSES,
                        "annual_volume": int(rng.lognormal(8, 1.6)),
                    })
            _assign_levels(services, online_ratio(year), rng, responses)
            conn.execute(insert(Response), responses)
            if answers:
                conn.execute(insert(Answer), answers)
            conn.execute(insert(Service), [{k: v for k, v in s.items() if not k.startswith("_")} for s in services])
            counts["responses"] += len(responses)
            counts["answers"] += len(answers)
            counts["services"] += len(services)
        if comments:
            conn.execute(insert(ReviewComment), comments)
        conn.execute(insert(AppState), [{"key": "dataset", "value": "demo"},
                                        {"key": "data_version", "value": "1"},
                                        {"key": "data_epoch", "value": uuid.uuid4().hex},
                                        {"key": "demo_seed", "value": str(spec.seed)}])
        conn.execute(insert(AuditEntry), [{"at": utcnow(), "actor": "demo-seed", "channel": "seed",
                                           "action": "seed", "detail": json.dumps(counts)}])
        if conn.dialect.name == "postgresql":
            reset_sequences(conn)  # responses were inserted with explicit ids
    return counts


def _assign_levels(services: list[dict], target_pct: float, rng: np.random.Generator,
                   responses: list[dict]) -> None:
    """Give services digital levels so that counted services hit the national target ratio."""
    counted = [s for s in services if s["_counted"]]
    if not counted and services:  # an open cycle where nobody has submitted yet: level every service
        for s in services:
            s["_counted"] = True
        _assign_levels(services, target_pct, rng, [{**r, "status": Status.SUBMITTED} for r in responses])
        return
    if not counted:
        return
    total, k = _calibrated_total(len(counted), target_pct)
    counted_ids = [r["id"] for r in responses if r["status"] in COUNTED_STATUSES]
    for extra in range(total - len(counted)):
        rid = counted_ids[int(rng.integers(len(counted_ids)))]
        s = {"response_id": rid, "code": f"R{rid}-X{extra + 1:02d}", "name": f"งานบริการเพิ่มเติม รายการที่ {extra + 1} (สมมติ)",
             "_score": float(rng.normal(0.5, 0.3)), "_counted": True, "annual_volume": int(rng.lognormal(7, 1.5))}
        services.append(s)
        counted.append(s)
    ranked = sorted(counted, key=lambda s: s["_score"], reverse=True)
    online = {id(s) for s in ranked[:k]}
    for s in services:
        level = 4 if id(s) in online else int(np.clip(round(s["_score"] * 3 + rng.normal(0, 0.7)), 0, 3))
        s["digital_level"] = level
        full = level == 4
        s["paper_required"] = bool(rng.random() < (0.2 if full else 0.75))
        s["uses_digital_id"] = bool(full and rng.random() < 0.7) or bool(level == 3 and rng.random() < 0.3)
        s["uses_e_payment"] = bool(full and rng.random() < 0.5)
        s["uses_e_signature"] = bool(level >= 3 and rng.random() < 0.35)
        s["uses_e_certificate"] = bool(full and rng.random() < 0.3)
