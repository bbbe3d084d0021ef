"""The instrument catalogue: the shipped file loads, broken ones are refused with the id named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from survey.catalogue import CATALOGUE_PATH, CatalogueError, Text, load_catalogue, parse_catalogue

PLAN_AREAS = {"SVC", "DAT", "INT", "STD", "PLT", "SHR", "SEC", "SKL"}


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_shipped_catalogue_covers_the_plan_areas() -> None:
    cat = load_catalogue()
    assert {d.id for d in cat.dimensions} == PLAN_AREAS
    assert sum(d.weight for d in cat.dimensions) == pytest.approx(1.0)
    ids = [i.id for i in cat.indicators()]
    assert len(ids) == len(set(ids)) == 33
    assert cat.method.version == "M2568.1"
    assert len(cat.sha256) == 64


def test_every_indicator_is_fully_declared() -> None:
    cat = load_catalogue()
    for ind in cat.indicators():
        assert ind.question.th and ind.question.en, ind.id
        assert ind.help.th and ind.help.en, ind.id
        if ind.scored:
            assert ind.goalposts is not None and ind.goalposts[0] < ind.goalposts[1], ind.id
            assert ind.action is not None and ind.owner is not None, ind.id
            assert ind.weight > 0, ind.id


def test_plan_platforms_and_shared_services_are_options() -> None:
    cat = load_catalogue()
    assert set(cat.indicator("PLT.01").option_ids()) == {
        "DATA_GO_TH", "GDX", "CITIZEN_PORTAL", "BIZ_PORTAL", "FOREIGNER_PORTAL", "GIN", "DG_LINK", "GDCC"}
    assert len(cat.indicator("SHR.01").options) == 10
    assert [i.id for i in cat.dimension("STD").indicators] == [f"STD.0{n}" for n in range(1, 7)]
    assert cat.indicator("SVC.01").type == "service_inventory"


def test_bands_follow_the_five_level_model() -> None:
    cat = load_catalogue()
    assert [b.level for b in cat.bands] == [1, 2, 3, 4, 5]
    assert cat.band_for(0).level == 1
    assert cat.band_for(39.99).level == 2
    assert cat.band_for(40).level == 3
    assert cat.band_for(100).level == 5


def _problems(raw: dict[str, Any]) -> str:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(raw)
    return str(err.value)


def _indicator(raw: dict[str, Any], iid: str) -> dict[str, Any]:
    for dim in raw["dimensions"]:
        for ind in dim["indicators"]:
            if ind["id"] == iid:
                return ind
    raise KeyError(iid)


def test_missing_translation_names_the_indicator(raw: dict[str, Any]) -> None:
    del _indicator(raw, "DAT.03")["question"]["th"]
    msg = _problems(raw)
    assert "indicator DAT.03" in msg and "Thai" in msg


def test_rule_naming_an_unknown_indicator_is_refused(raw: dict[str, Any]) -> None:
    raw["rules"][0]["right"] = "DAT.99"
    assert "rule R.DAT.PUBLISHED_LE_CATALOGUED: right names unknown indicator 'DAT.99'" in _problems(raw)


def test_zero_weight_dimension_is_refused(raw: dict[str, Any]) -> None:
    raw["dimensions"][1]["weight"] = 0
    assert "dimension DAT: zero-weight group" in _problems(raw)


def test_duplicate_and_retired_ids_are_refused(raw: dict[str, Any]) -> None:
    bad = copy.deepcopy(raw)
    bad["dimensions"][1]["indicators"].append(copy.deepcopy(_indicator(bad, "DAT.02")))
    assert "indicator DAT.02: duplicate indicator id" in _problems(bad)
    raw["retired"] = ["INT.05"]
    assert "indicator INT.05: this id is retired and can never be reused" in _problems(raw)


def test_every_problem_is_reported_at_once(raw: dict[str, Any]) -> None:
    _indicator(raw, "SEC.04")["goalposts"] = [100, 0]
    _indicator(raw, "STD.02")["type"] = "free_text"
    _indicator(raw, "PLT.01")["crosswalk"] = {"wef": ["X"]}
    msg = _problems(raw)
    assert "indicator SEC.04: goalposts low 100.0 must be below high 0.0" in msg
    assert "indicator STD.02: unknown answer type 'free_text'" in msg
    assert "indicator PLT.01: crosswalk names unknown framework 'wef'" in msg


def test_ratio_terms_must_exist(raw: dict[str, Any]) -> None:
    _indicator(raw, "SKL.03")["ratio"]["denominator"] = "SKL.99"
    assert "indicator SKL.03: ratio names unknown indicator 'SKL.99'" in _problems(raw)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("dimensions: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(path)


def test_text_rejects_unknown_language() -> None:
    assert Text("ไทย", "Thai").get("en") == "Thai"
    with pytest.raises(ValueError, match="unknown language"):
        Text("ไทย", "Thai").get("fr")


def test_the_none_of_these_id_is_reserved(raw: dict[str, Any]) -> None:
    _indicator(raw, "PLT.01")["options"].append({"id": "NONE", "th": "ไม่มี", "en": "None"})
    assert "indicator PLT.01: option id 'NONE' is reserved" in _problems(raw)
