"""Benchmark phase: a national services register of 5,000 services imported into an empty database.

Like the real export (4,906 services of 261 agencies in 22 ministries): one workbook row per service
with ministry and agency codes and Thai names, a free-text agency type, Thai names of up to about
450 characters, five statuses, a project and a reason for some, and a grand-total row. The import
runs as `python -m survey import-services --create-organisations` does (organisations, inventories,
frame, one commit), in a process of its own so that its peak memory is its own; then the same file
again (nothing changes). Run alone with `python -m benchmarks.run --register`.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2568
TYPES = {"ส่วนราชการระดับกรม": "department", "สว่นราชการระดับกรม": "department", "รัฐวิสาหกิจ": "state_enterprise",
         "องค์การมหาชน": "public_organisation", "หน่วยงานอิสระ": "independent_organisation"}
HEADER = ["รหัสงานบริการ", "รหัสกระทรวง", "ชื่อกระทรวง", "รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ประเภทหน่วยงาน",
          "ชื่องานบริการ", "รหัสสถานะ", "สถานะ", "ชื่อโครงการ", "รหัสเหตุผล", "เหตุผล"]
MAPPING: dict[str, Any] = {
    "sheet": "งานบริการ",
    "columns": {"code": "รหัสงานบริการ", "name": "ชื่องานบริการ", "agency": "รหัสหน่วยงาน", "status": "รหัสสถานะ",
                "agency_name": "ชื่อหน่วยงาน", "agency_type": "ประเภทหน่วยงาน", "ministry": "รหัสกระทรวง",
                "ministry_name": "ชื่อกระทรวง", "reason": "เหตุผล", "project": "ชื่อโครงการ"},
    "status_levels": {1: 4, 2: 3, 3: 1, 4: 0, 5: 0},
    "not_applicable": [5],
    "agency_types": TYPES,
}
WORDS = ["การขอ", "อนุญาต", "ใบรับรอง", "ทะเบียน", "ภาษี", "สวัสดิการ", "ประกอบกิจการ", "ข้อมูล", "เงินอุดหนุน",
         "การตรวจสอบ", "หนังสือ", "บริการ"]


def register_workbook(services: int = 5000, agencies: int = 261, ministries: int = 22, seed: int = 0) -> bytes:
    """Return a synthetic register workbook (services sheet, then a statuses sheet)."""
    rng = random.Random(seed)
    wb = Workbook()  # not write-only: like real exports, the sheet then records its dimensions
    ws = wb.active
    ws.title = "งานบริการ"
    ws.append(HEADER)
    types = list(TYPES)
    for i in range(services):
        a = i % agencies
        m = a % ministries
        length = rng.choice([20, 40, 80, 120, 200]) if rng.random() > 0.005 else rng.randint(301, 449)
        name = ""
        while len(name) < length:
            name += rng.choice(WORDS)
        status = rng.choices([1, 2, 3, 4, 5], weights=[55, 15, 10, 12, 8])[0]
        ws.append([f"S{i + 1:05d}", f"M{m + 1:02d}", f"กระทรวงที่ {m + 1}", f"{10000 + a}", f"หน่วยงานที่ {a + 1}",
                   types[a % len(types)], name[:length], status, f"สถานะ {status}",
                   "โครงการพัฒนา" if status == 3 else "", "R1" if status in (4, 5) else "",
                   "ขาดงบประมาณ" if status in (4, 5) else ""])
    ws.append(["", "", "", "", "", "", "รวมทั้งสิ้น", services, "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def measure(url: str, services: int) -> dict[str, Any]:
    """Import the register twice into the empty database at `url`; return times, counts and peak memory."""
    import datetime as dt

    from data.db import make_engine, session_scope
    from data.migrate import upgrade
    from data.models import Cycle
    from survey.catalogue import default_catalogue
    from usecases.register import import_register, parse_mapping

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        s.add(Cycle(year_be=YEAR, year_ce=YEAR - 543, opens_on=dt.date(2025, 6, 1), closes_on=dt.date(2025, 8, 31),
                    catalogue_version=default_catalogue().version))
    data = register_workbook(services)
    mapping = parse_mapping(MAPPING)
    times, cpu, reports = [], [], []
    for _ in range(2):
        started, started_cpu = time.perf_counter(), time.process_time()
        with session_scope(engine) as s:
            report = import_register(s, data, "register.xlsx", mapping, YEAR, "bench", create_organisations=True)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        reports.append(report)
    engine.dispose()
    first, again = reports
    return {"services": services, "bytes": len(data), "placed": first.placed, "agencies": len(first.agencies),
            "import_s": times[0], "again_s": times[1], "import_cpu_s": cpu[0], "again_cpu_s": cpu[1],
            "changed_again": again.changed, "load": os.getloadavg()[0],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run(services: int = 5000) -> dict[str, Any]:
    """Measure in a child process (its own peak memory) on a fresh SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        child = subprocess.run([sys.executable, "-m", "benchmarks.register", str(services),
                                f"sqlite:///{tmp}/register.sqlite3"], cwd=ROOT, capture_output=True, text=True,
                               check=False)
    if child.returncode != 0:
        raise RuntimeError(f"register benchmark failed:\n{child.stderr[-4000:]}")
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


def section(r: dict[str, Any]) -> str:
    """Return the PERFORMANCE.md section of the register import."""
    return (
        "## National services register import\n\n"
        f"`python -m survey import-services --create-organisations` as a function call on SQLite: a workbook of "
        f"{r['services']:,} services ({r['bytes'] / 1e6:.1f} MB) of {r['agencies']} agencies in 22 ministries, "
        "built like the real export (Thai names of up to 449 characters, five statuses, a total row), read, "
        "matched, organisations created, inventories stored with their audit trail, frame joined, one commit; "
        "then the same file again, which changes nothing. One run each, in a process of its own; peak MB is "
        "that process's maximum resident set (the workbook is built in it too). Wall time moves with the "
        "machine's load (the 1-minute load average at the end is given; 2 cores); CPU time is the process's own. "
        "Goal: 10 s and 500 MB.\n\n"
        "| services | placed | first import s | CPU s | again (unchanged) s | CPU s | load | peak MB |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| {r['services']:,} | {r['placed']:,} | {r['import_s']:.1f} | {r['import_cpu_s']:.1f} | {r['again_s']:.1f} "
        f"| {r['again_cpu_s']:.1f} | {r['load']:.1f} | {r['peak_mb']:.0f} |\n")


def write_section(path: Path, text: str) -> None:
    """Put `text` (a "## " section) in the file at `path`, replacing the section of the same title."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    span = section_span(old, text.splitlines()[0])
    if span:
        old = old[:span[0]].rstrip("\n") + ("\n" + old[span[1]:] if span[1] < len(old) else "")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def section_span(text: str, title: str) -> tuple[int, int] | None:
    """Where the section headed `title` lies in `text`: up to the next heading or the next backend's
    `<!-- ... -->` marker, whichever comes first (the marker belongs to the section after it)."""
    if title not in text:
        return None
    start = text.index(title)
    ends = [e for e in (text.find("\n## ", start + len(title)), text.find("\n<!-- ", start)) if e != -1]
    return start, min(ends) if ends else len(text)


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[2], int(sys.argv[1]))))
