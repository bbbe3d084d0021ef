"""The layering holds: survey, analytics and data never import streamlit; pages hold no computation."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ("survey", "analytics", "data", "usecases")
# Pages draw; they do not compute or query: every number comes from analytics/ through data/reports.
PAGE_FORBIDDEN = {"numpy", "sqlalchemy", "sklearn", "scipy", "pandas", "math", "statistics"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_packages_never_import_streamlit_or_pages() -> None:
    offenders = [str(p.relative_to(ROOT)) for pkg in CORE for p in (ROOT / pkg).rglob("*.py")
                 if _imports(p) & {"streamlit", "pages"}]
    assert offenders == []


def test_pages_do_not_compute_or_query() -> None:
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & PAGE_FORBIDDEN)
                 for p in (ROOT / "pages").glob("*.py") if p.name != "_shared.py" and _imports(p) & PAGE_FORBIDDEN}
    assert offenders == {}


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\nfrom streamlit import write\nimport math\nfrom statistics import mean\n",
                   encoding="utf-8")
    assert _imports(bad) == {"numpy", "streamlit", "math", "statistics"}
    assert _imports(bad) & PAGE_FORBIDDEN == {"numpy", "math", "statistics"}


def test_every_dashboard_page_checks_its_reader_first() -> None:
    """Each page's first call after reading the language is page_principal(<its key>)."""
    from usecases.access import PAGE_ROLES

    for key in ("overview", "ministries", "agency", "gaps", "adoption", "quality", "methodology"):
        assert key in PAGE_ROLES
        source = (ROOT / "pages" / f"{key}.py").read_text(encoding="utf-8")
        assert f'principal = page_principal("{key}")' in source, key


def test_pages_stay_short() -> None:
    """A page longer than about 80 lines is a sign that logic leaked in (docs/style.md)."""
    long = {p.name: n for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 90}
    assert long == {}
