"""The floors hold: each package imports only the floors below it, no module imports another in a circle,
pages hold no computation, and no module grows past what a reader can take in.

    pages/ (and app.py) -> usecases/ -> analytics/, data/ -> survey/

Imports are read with `ast` (those inside functions too), so a change that runs an import the wrong
way fails here. A command line (`__main__.py`) may import anything; tests and benchmarks are not floors.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("survey", "analytics", "data", "usecases", "pages", "benchmarks", "app", "tests")
#: What each floor may import of ours (itself included).
ALLOWED: dict[str, frozenset[str]] = {
    "survey": frozenset({"survey"}),
    "analytics": frozenset({"analytics", "survey"}),
    "data": frozenset({"data", "survey"}),
    "usecases": frozenset({"usecases", "analytics", "data", "survey"}),
    "pages": frozenset({"pages", "usecases", "survey"}),
    "app": frozenset({"pages", "usecases", "survey"}),
}
#: Below the pages nothing draws: no Streamlit.
NO_STREAMLIT = ("survey", "analytics", "data", "usecases")
# Pages draw; they do not compute or query: every number comes from analytics/ through usecases/views.
PAGE_FORBIDDEN = {"numpy", "sqlalchemy", "sklearn", "scipy", "pandas", "math", "statistics"}
MAX_MODULE_LINES = 600
MAX_USECASE_LINES = 420
MAX_PAGE_LINES = 90
MAX_PRIVATE_PAGE_LINES = 150


def _modules() -> dict[str, Path]:
    """Return every module of ours by dotted name (packages by their name)."""
    found = {"app": ROOT / "app.py"}
    for pkg in OURS[:-2]:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def imported(path: Path) -> set[str]:
    """Return the dotted names `path` imports (absolute imports; submodules named in `from x import y` too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def floor(name: str) -> str:
    return name.split(".")[0]


def wrong_way(modules: dict[str, Path]) -> dict[str, list[str]]:
    """Return, per module, the imports of ours that its floor may not make."""
    out = {}
    for name, path in modules.items():
        if name.endswith("__main__") or floor(name) not in ALLOWED:
            continue
        ours = {floor(i) for i in imported(path) if floor(i) in OURS}
        bad = sorted(ours - ALLOWED[floor(name)])
        if bad:
            out[name] = bad
    return out


def cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Return the groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    graph = {n: {i for i in imported(p) if i in modules and i != n} for n, p in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_each_floor_imports_only_the_floors_below_it() -> None:
    assert wrong_way(MODULES) == {}


def test_no_module_imports_another_in_a_circle() -> None:
    assert cycles(MODULES) == []


def test_nothing_below_the_pages_draws() -> None:
    offenders = [n for n, p in MODULES.items() if floor(n) in NO_STREAMLIT
                 and any(floor(i) == "streamlit" for i in imported(p))]
    assert offenders == []


def test_the_checks_see_a_violation(tmp_path: Path) -> None:
    """A data module importing a use case, a page importing the store, and two modules importing each other."""
    (tmp_path / "a.py").write_text("from usecases.views import results\nimport numpy as np\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from data.db import session_scope\nfrom pages import _session\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("from data import d\n", encoding="utf-8")
    (tmp_path / "d.py").write_text("from data.c import x\n", encoding="utf-8")
    fake = {"data.a": tmp_path / "a.py", "pages.b": tmp_path / "b.py", "data.c": tmp_path / "c.py",
            "data.d": tmp_path / "d.py"}
    assert wrong_way(fake) == {"data.a": ["usecases"], "pages.b": ["data"]}
    assert cycles(fake) == [["data.c", "data.d"]]
    assert {floor(i) for i in imported(tmp_path / "a.py")} & PAGE_FORBIDDEN == {"numpy"}


def test_pages_do_not_compute_or_query() -> None:
    offenders = {n: sorted({floor(i) for i in imported(p)} & PAGE_FORBIDDEN) for n, p in MODULES.items()
                 if floor(n) == "pages" and {floor(i) for i in imported(p)} & PAGE_FORBIDDEN}
    assert offenders == {}


def test_every_dashboard_page_checks_its_reader_first() -> None:
    """Each page's first call after reading the language is page_principal(<its key>)."""
    from usecases.access import PAGE_ROLES

    for key in ("overview", "ministries", "agency", "gaps", "adoption", "quality", "methodology"):
        assert key in PAGE_ROLES
        source = (ROOT / "pages" / f"{key}.py").read_text(encoding="utf-8")
        assert f'principal = page_principal("{key}")' in source, key


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_pages_stay_short() -> None:
    """A page longer than about 80 lines is a sign that logic leaked in (docs/style.md); its helpers stay small too."""
    long = {p.name: n for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_") and (n := _lines(p)) > MAX_PAGE_LINES}
    long |= {p.name: n for p in (ROOT / "pages").glob("_*.py") if (n := _lines(p)) > MAX_PRIVATE_PAGE_LINES}
    assert long == {}


def test_modules_stay_readable() -> None:
    """No module outside the text tables is over 600 lines; no use case over about 400."""
    long = {n: lines for n, p in MODULES.items() if not n.startswith("survey.texts")
            and (lines := _lines(p)) > (MAX_USECASE_LINES if floor(n) == "usecases" else MAX_MODULE_LINES)}
    assert long == {}


def test_private_page_modules_are_never_taken_for_pages() -> None:
    """Streamlit reads pages/ before st.navigation runs and names pages by file name without the underscore:
    a helper module named like a page (`_review.py` beside `review.py`) stops the app."""
    pages = {p.stem for p in (ROOT / "pages").glob("*.py") if not p.stem.startswith("_")}
    helpers = {p.stem.lstrip("_") for p in (ROOT / "pages").glob("_*.py")}
    assert pages & helpers == set()


@pytest.mark.parametrize("package", ["survey", "analytics", "data", "usecases", "pages", "benchmarks"])
def test_each_package_says_what_it_holds_and_may_import(package: str) -> None:
    init = ROOT / package / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 80, package
    assert "import" in doc, package
