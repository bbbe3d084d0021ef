"""User-facing words, one module per area of the product, each a TEXTS dict of key -> (Thai, English).

Add an area by adding its module to AREAS. A key defined in two areas is refused at import.
"""

from __future__ import annotations

from importlib import import_module

AREAS = ("core", "admin", "workbook", "dashboard", "respond", "messages", "template", "register")


def collect() -> dict[str, tuple[str, str]]:
    """Return every area's texts in one dict; raise ValueError naming a key defined twice."""
    merged: dict[str, tuple[str, str]] = {}
    for area in AREAS:
        texts: dict[str, tuple[str, str]] = import_module(f"survey.texts.{area}").TEXTS
        for key, value in texts.items():
            if key in merged:
                raise ValueError(f"text key {key!r} of area {area!r} is already defined")
            merged[key] = value
    return merged
