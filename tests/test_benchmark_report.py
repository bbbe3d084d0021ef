"""docs/PERFORMANCE.md is rewritten one section at a time: no run may drop another run's section or marker."""

from __future__ import annotations

from pathlib import Path

from benchmarks import register
from benchmarks.run import write_report

DOC = ("# Performance\n\nintro\n<!-- sqlite -->\n## SQLite\n\nsqlite table\n<!-- /sqlite -->\n\n"
       "## National services register import\n\nold register table\n"
       "<!-- postgresql+psycopg -->\n## PostgreSQL\n\npg table\n<!-- /postgresql+psycopg -->\n")


def test_register_section_ends_before_the_next_backends_marker(tmp_path: Path) -> None:
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text(DOC, encoding="utf-8")
    register.write_section(doc, "## National services register import\n\nnew register table\n")
    text = doc.read_text(encoding="utf-8")
    assert "old register table" not in text and text.endswith("new register table\n")
    assert "<!-- postgresql+psycopg -->\n## PostgreSQL\n\npg table\n<!-- /postgresql+psycopg -->" in text
    assert "<!-- sqlite -->\n## SQLite\n\nsqlite table\n<!-- /sqlite -->" in text


def test_a_backend_run_keeps_the_other_backend_and_the_register_section(tmp_path: Path) -> None:
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text(DOC, encoding="utf-8")
    write_report(doc, "sqlite", "<!-- sqlite -->\n## SQLite\n\nnew sqlite table\n<!-- /sqlite -->\n")
    text = doc.read_text(encoding="utf-8")
    assert "new sqlite table" in text and "\nsqlite table" not in text
    assert "<!-- postgresql+psycopg -->\n## PostgreSQL\n\npg table\n<!-- /postgresql+psycopg -->" in text
    assert "## National services register import\n\nold register table\n" in text
    assert text.index("## SQLite") < text.index("## PostgreSQL") < text.index("## National services")
