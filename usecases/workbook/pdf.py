"""The executive workbook as a PDF: LibreOffice prints it as the workbook's page set-up says (`writer.print_setup`).

LibreOffice runs headless in a throwaway profile (its own HOME and user installation), so a
conversion never touches, or waits on, anyone's LibreOffice settings. Debian's package is
`libreoffice-calc-nogui` (`scripts/system-deps.sh` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Seconds a conversion may take: the whole country's workbook takes about 30 s on two cores.
TIMEOUT_S = 600
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


class PdfError(RuntimeError):
    """The workbook could not be converted to PDF (LibreOffice missing, failed or too slow)."""


def soffice() -> str | None:
    """Return LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(xlsx: Path, out_dir: Path | None = None, timeout: float = TIMEOUT_S) -> Path:
    """Convert `xlsx` to a PDF of the same name in `out_dir` (default: beside it); return the PDF's path."""
    command = soffice()
    if command is None:
        raise PdfError("LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)")
    xlsx = Path(xlsx).resolve()
    out = Path(out_dir).resolve() if out_dir is not None else xlsx.parent
    pdf = out / f"{xlsx.stem}.pdf"
    with tempfile.TemporaryDirectory(prefix="readiness-lo-") as home:
        env = {**os.environ, "HOME": home}
        try:
            done = subprocess.run(
                [command, f"-env:UserInstallation={Path(home).as_uri()}/profile", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                env=env, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice did not convert {xlsx.name} within {timeout:g} s") from exc
    if done.returncode != 0 or not pdf.exists():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PdfError(f"LibreOffice could not convert {xlsx.name}: {detail[-1] if detail else done.returncode}")
    return pdf


def pdf_pages(data: bytes) -> int:
    """Return the number of pages of a PDF: its page objects (/Type /Page, not the /Pages tree nodes).

    LibreOffice writes every object's dictionary uncompressed (no object streams), so the page
    objects can be counted in the bytes; `pdfinfo` gives the same count.
    """
    if not data.startswith(b"%PDF"):
        raise ValueError("not a PDF")
    return len(_PAGE.findall(data))
