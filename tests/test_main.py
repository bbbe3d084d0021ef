"""The analytics command line (the `score` command is tested in test_method_file.py) and its boundaries."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from analytics.__main__ import main
from tests.conftest import DemoFrames

ANALYTICS = Path(__file__).parent.parent / "analytics"


def test_kpis_command_on_demo(demo: DemoFrames, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """`kpis --cycle 2022` (C.E.) reads B.E. 2565 and prints the published 72.71 %."""
    monkeypatch.setenv("DATABASE_URL", demo.url)
    assert main(["kpis", "--cycle", "2022", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cycle_be"] == 2565
    assert out["online_service_ratio"] == pytest.approx(72.71, abs=0.01)
    assert main(["kpis", "--cycle", "2599"]) == 2


def test_analytics_stays_pure() -> None:
    """No analytics module imports streamlit, pages or the database layer (only the CLI reads the database)."""
    for path in ANALYTICS.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {str(n.module).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "streamlit" not in names and "pages" not in names, path.name
        if path.name != "__main__.py":
            assert "data" not in names and "sqlalchemy" not in names, path.name
