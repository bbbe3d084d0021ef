"""The command-line scorer and method files, checked against the UN EGDI 2022."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.index import MethodError
from analytics.method_file import load_method, parse_method, score_table
from tests.conftest import DATA

EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"
METHOD_DOC = Path(__file__).parent.parent / "docs" / "METHOD.md"


def _un_groups(egdi: pd.Series) -> pd.Series:
    """UN E-Government Survey 2022: very high > 0.75, high 0.50-0.75, middle 0.25-0.50, low < 0.25."""
    return pd.cut(egdi, [-1, 0.25, 0.50, 0.75, 2], labels=["Low EGDI", "Middle EGDI", "High EGDI",
                                                          "Very high EGDI"], right=False).astype(str)


def test_cli_reproduces_egdi_2022_for_193_countries(tmp_path: Path) -> None:
    """The scorer, run as the command line, gives every country's published EGDI 2022 within 1e-4.

    Source: UN DESA, E-Government Survey 2022 data (tests/data/un_egdi_2022.csv, CC0 copy).
    UN method: EGDI = (OSI + TII + HCI) / 3, no further normalisation. Example, Ireland:
    (0.7796 + 0.8287 + 0.9618) / 3 = 2.5701 / 3 = 0.85670, the published 0.85670.
    The UN's four groups follow from the bands (no country lies exactly on a boundary).
    """
    un = pd.read_csv(DATA / "un_egdi_2022.csv")
    un["unit"] = un["Country Name"].str.strip()
    assert len(un) == 193
    long = un.melt(id_vars=["unit"], value_vars=["Online Service Index", "Telecommunication Infrastructure Index",
                                                 "Human Capital Index"], var_name="indicator")
    long["indicator"] = long["indicator"].map({"Online Service Index": "OSI", "Human Capital Index": "HCI",
                                               "Telecommunication Infrastructure Index": "TII"})
    data_csv, out_csv = tmp_path / "egdi.csv", tmp_path / "scores.csv"
    long.to_csv(data_csv, index=False)
    assert main(["score", "--method", str(DATA / "egdi_method.yaml"), "--data", str(data_csv),
                 "--out", str(out_csv)]) == 0
    scores = pd.read_csv(out_csv, dtype={"unit": str})
    egdi = scores[scores["node"] == "EGDI"].set_index("unit")
    assert len(egdi) == 193
    published = un.set_index("unit")["E-Government Index"]
    diff = (egdi["score"] - published.reindex(egdi.index)).abs()
    assert diff.max() <= 1e-4
    assert (egdi["band_label"] == _un_groups(published).reindex(egdi.index)).all()
    assert (egdi["method_version"] == "UN-EGDI-2022").all()
    ireland = egdi.loc["Ireland"]
    assert ireland["score"] == pytest.approx(0.8567, abs=1e-4)
    assert ireland["band_label"] == "Very high EGDI"
    assert set(scores["kind"]) == {"index", "indicator"}


def test_cli_reports_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A method with an unknown aggregation is refused with exit code 2 and a message naming it."""
    bad = tmp_path / "m.yaml"
    bad.write_text("version: x\naggregation: median\ngroups: [{id: I}]\n"
                   "indicators: [{id: A, parent: I, goalposts: [0, 1]}]\n", encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("unit,indicator,value\nu,A,0.5\n", encoding="utf-8")
    assert main(["score", "--method", str(bad), "--data", str(data), "--out", str(tmp_path / "o.csv")]) == 2
    assert "median" in capsys.readouterr().err


def test_three_level_method_with_missing_data_and_bands() -> None:
    """A three-level method scores every level; a unit below min_coverage gets no score.

    Method: INDEX <- {P (weight 3), Q (weight 1)}; P <- {A, B}, Q <- {C}; goalposts [0, 10], scale 100,
    min_coverage 0.5, bands 0 / 50 "high".
    Unit u: A = 5 -> 50, B = 10 -> 100, C = 2 -> 20.  P = (50 + 100) / 2 = 75; Q = 20;
            INDEX = (3 x 75 + 1 x 20) / 4 = 245 / 4 = 61.25 -> band "high".
    Unit v: A = 4 -> 40, B and C missing.  P coverage 1/2 = 0.5 -> P = 40; Q coverage 0 -> NaN;
            INDEX coverage 3/4 -> INDEX = 40 (re-weighted over P alone) -> band 1.
    """
    method = parse_method({
        "version": "T1", "scale": 100, "min_coverage": 0.5,
        "groups": [{"id": "INDEX"}, {"id": "P", "parent": "INDEX", "weight": 3}, {"id": "Q", "parent": "INDEX"}],
        "indicators": [{"id": a, "parent": p, "goalposts": [0, 10]} for a, p in (("A", "P"), ("B", "P"), ("C", "Q"))],
        "bands": [{"min": 0, "label": "low"}, {"min": 50, "label": "high"}],
    })
    data = pd.DataFrame({"unit": ["u", "u", "u", "v"], "indicator": ["A", "B", "C", "A"], "value": [5, 10, 2, 4]})
    s = score_table(data, method).set_index(["unit", "node"])
    assert s.loc[("u", "P"), "score"] == pytest.approx(75)
    assert s.loc[("u", "INDEX"), "score"] == pytest.approx(61.25)
    assert s.loc[("u", "INDEX"), "band_label"] == "high"
    assert s.loc[("v", "P"), "score"] == pytest.approx(40)
    assert pd.isna(s.loc[("v", "Q"), "score"])
    assert s.loc[("v", "INDEX"), "score"] == pytest.approx(40)
    assert s.loc[("v", "INDEX"), "coverage"] == pytest.approx(0.75)
    assert s.loc[("v", "INDEX"), "band_label"] == "low"
    assert s.loc[("u", "A"), "depth"] == 2


def test_shipped_method_file_loads() -> None:
    method = load_method(DATA / "egdi_method.yaml")
    assert method.root == "EGDI"
    assert method.indicator_ids() == ("OSI", "TII", "HCI")


def test_data_with_unknown_indicator_is_refused() -> None:
    method = load_method(DATA / "egdi_method.yaml")
    with pytest.raises(ValueError, match="XYZ"):
        score_table(pd.DataFrame({"unit": ["a"], "indicator": ["XYZ"], "value": [1.0]}), method)


def test_method_doc_example_scores(tmp_path: Path) -> None:
    """The first example in docs/METHOD.md is a valid method of four levels' depth.

    Unit u: SVC.01 = 50 -> 50, SVC.03 = 100 -> 100: SERVICES = (2 x 50 + 100) / 3 = 66.67.
    DAT.01 = 4 -> 100; SEC.05 = 0 (polarity -1, [0, 5]) -> 100; OPEN_DATA: DAT.04 = 15 -> 50 and DAT.05
    (rank, one unit) -> 50: OPEN_DATA = 50. DATA = (100 + 50 + 100) / 3 = 83.33.
    INDEX = 0.6 x 66.67 + 0.4 x 83.33 = 40 + 33.33 = 73.33 -> band 3 "Advanced".
    """
    import yaml

    doc = (Path(__file__).parent.parent / "docs" / "METHOD.md").read_text(encoding="utf-8")
    block = doc.split("```yaml", 1)[1].split("```", 1)[0]
    method = parse_method(yaml.safe_load(block))
    data = pd.DataFrame({"unit": "u", "indicator": ["SVC.01", "SVC.03", "DAT.01", "SEC.05", "DAT.04", "DAT.05"],
                         "value": [50, 100, 4, 0, 15, 3]})
    s = score_table(data, method).set_index("node")
    assert s.loc["OPEN_DATA", "depth"] == 2
    assert s.loc["DAT.04", "depth"] == 3
    assert s.loc["SERVICES", "score"] == pytest.approx(200 / 3)
    assert s.loc["DATA", "score"] == pytest.approx(250 / 3)
    assert s.loc["INDEX", "score"] == pytest.approx(0.6 * 200 / 3 + 0.4 * 250 / 3)
    assert s.loc["INDEX", "band_label"] == "Advanced"


def test_weights_accept_fractions() -> None:
    """Weights written 2/3 and 1/3 (YAML leaves them strings) are those fractions.

    INDEX <- P (2/3) <- A, Q (1/3) <- B; goalposts [0, 10]. Unit u: A = 9 -> 90, B = 3 -> 30:
    INDEX = 2/3 x 90 + 1/3 x 30 = 60 + 10 = 70.
    """
    import yaml

    method = parse_method(yaml.safe_load("""
        version: F
        groups: [{id: INDEX}, {id: P, parent: INDEX, weight: 2/3}, {id: Q, parent: INDEX, weight: 1 / 3}]
        indicators: [{id: A, parent: P, goalposts: [0, 10]}, {id: B, parent: Q, goalposts: [0, 10]}]
    """))
    assert method.weight_of("P") == 2 / 3
    assert method.weight_of("Q") == 1 / 3
    data = pd.DataFrame({"unit": "u", "indicator": ["A", "B"], "value": [9, 3]})
    assert score_table(data, method).set_index("node").loc["INDEX", "score"] == pytest.approx(70)


BROKEN = """\
groups:
  - {id: INDEX}
  - {id: SERVICES, parent: INDEX, weight: 2/3}
  - {id: DATA, parent: INDEX, weight: 2/x}
  - {id: A, parent: B}
  - {id: B, parent: A}
indicators:
  - {id: SVC.01, parent: SERVICES, goalposts: [0, 100]}
  - {id: SVC.02, parent: SERVICE, goalposts: [0, 100]}
  - {id: DAT.01, parent: DATA, goalposts: [4, 0]}
  - {id: DAT.02, parent: DATA, goalposts: [0, 4], wieght: 2}
  - {id: A.01, parent: A, goalposts: [0, 1]}
  - {id: B.01, parent: B, goalposts: [0, 1]}
bands:
  - {level: [1], min: 0}
"""


def test_every_problem_of_a_method_file_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A method file with seven problems reports all seven, each with its node and field, in file order.

    Before, the weight 2/x stopped the load with "could not convert string to float: '2/x'", naming no node.
    The groups A and B that name each other are one loop (A -> B -> A), not a line for each of A, B,
    A.01 and B.01; SVC.02's parent SERVICE is one letter from the group SERVICES; the typed field
    "wieght" is two edits from "weight".
    """
    import yaml

    with pytest.raises(MethodError) as err:
        parse_method(yaml.safe_load(BROKEN))
    assert [(p.node, p.field) for p in err.value.problems] == [
        ("method", "version"), ("DATA", "weight"), ("A", "parent"), ("SVC.02", "parent"), ("DAT.01", "goalposts"),
        ("DAT.02", "wieght"), ("bands item 1", "level")]
    text = str(err.value)
    for line in ("- method: version is missing",
                 "- DATA: weight '2/x' is not a number; write it like 0.5, 2/3 or 1",
                 "- A: the parents form a loop: A -> B -> A",
                 "- SVC.02: unknown parent 'SERVICE' (closest group: SERVICES)",
                 "- DAT.01: goalposts low 4.0 must be below high 0.0",
                 "- DAT.02: unknown field 'wieght'; did you mean weight?",
                 "- bands item 1: level must be a whole number or a name such as A, got [1]"):
        assert line in text
    shown_in_doc = METHOD_DOC.read_text(encoding="utf-8").split("method file is invalid:\n", 1)[1].split("```")[0]
    assert all(line in text for line in shown_in_doc.strip().splitlines())
    method_file, data = tmp_path / "m.yaml", tmp_path / "d.csv"
    method_file.write_text(BROKEN, encoding="utf-8")
    data.write_text("unit,indicator,value\nu,SVC.01,5\n", encoding="utf-8")
    assert main(["score", "--method", str(method_file), "--data", str(data), "--out", str(tmp_path / "o.csv")]) == 2
    assert capsys.readouterr().err.strip() == text


def test_unknown_indicator_names_the_closest_known_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """OSII (one letter too many) is named with OSI; XYZ (three edits from every id) with none."""
    method = load_method(DATA / "egdi_method.yaml")
    data = pd.DataFrame({"unit": "a", "indicator": ["OSII", "XYZ", "TII"], "value": [0.5, 0.5, 0.5]})
    with pytest.raises(ValueError) as err:
        score_table(data, method)
    assert str(err.value) == "data names indicators the method does not know: 'OSII' (closest known: OSI), 'XYZ'"
    data_csv = tmp_path / "d.csv"
    data.to_csv(data_csv, index=False)
    assert main(["score", "--method", str(DATA / "egdi_method.yaml"), "--data", str(data_csv),
                 "--out", str(tmp_path / "o.csv")]) == 2
    assert "'OSII' (closest known: OSI)" in capsys.readouterr().err



def _run_example(name: str, tmp_path: Path) -> pd.DataFrame:
    """Score docs/examples' method and data files `name` with the command line; return the expected output
    (unit, node as index) after checking the command wrote exactly it. The doc shows the files whole."""
    out = tmp_path / "scores.csv"
    assert main(["score", "--method", str(EXAMPLES / f"method-{name}.yaml"),
                 "--data", str(EXAMPLES / f"data-{name}.csv"), "--out", str(out)]) == 0
    expected = pd.read_csv(EXAMPLES / f"expected-{name}.csv", dtype={"unit": str})
    pd.testing.assert_frame_equal(pd.read_csv(out, dtype={"unit": str}), expected, check_exact=False, rtol=1e-12)
    doc = METHOD_DOC.read_text(encoding="utf-8")
    for shown in (f"method-{name}.yaml", f"data-{name}.csv"):
        assert (EXAMPLES / shown).read_text(encoding="utf-8").rstrip("\n") in doc
    return expected.set_index(["unit", "node"])


def test_worked_example_three_level_tree(tmp_path: Path) -> None:
    """docs/METHOD.md, worked example 1: INDEX <- SERVICES (2/3), ENABLERS (1/3) <- DATA, SECURITY (1/2 each);
    goalposts, min_coverage 0.5; items that do not apply (`n/a` or no row) drop out and the weights are
    re-scaled over the rest.

    AG1: SVC.ONLINE 80 -> 80, SVC.PAYMENT 40 -> 40: SERVICES = (3 x 80 + 40) / 4 = 70.
         DAT.OPEN 10 / 20 -> 50, DAT.CATALOGUE 3 / 4 -> 75: DATA = 62.5.
         SEC.INCIDENTS 2 of [0, 10], polarity -1 -> 100 - 20 = 80; SEC.TRAINED 60: SECURITY = 70.
         ENABLERS = (62.5 + 70) / 2 = 66.25; INDEX = (2 x 70 + 66.25) / 3 = 206.25 / 3 = 68.75 -> band 2.
    AG2: SVC.PAYMENT n/a: SERVICES = 60 alone (coverage 3 / 4). DAT.OPEN n/a: DATA = 2 / 4 -> 50 (coverage 1/2).
         SECURITY = (100 + 90) / 2 = 95; ENABLERS = (50 + 95) / 2 = 72.5; INDEX = (120 + 72.5) / 3 = 64.1667.
    AG3: SERVICES = 100; DATA all n/a -> none; SECURITY = SEC.INCIDENTS 5 -> 50 alone (coverage 1/2);
         ENABLERS = SECURITY alone = 50 (coverage 1/2); INDEX = (200 + 50) / 3 = 83.333 -> band 3 Advanced.
    AG4: only SEC.TRAINED 50: SECURITY = ENABLERS = 50, SERVICES none; INDEX coverage 1/3 < 0.5 -> no score.
    """
    e = _run_example("three-level", tmp_path)
    assert e.loc[("AG1", "SEC.INCIDENTS"), "score"] == pytest.approx(80)
    assert e.loc[("AG1", "SERVICES"), "score"] == pytest.approx(70)
    assert e.loc[("AG1", "DATA"), "score"] == pytest.approx(62.5)
    assert e.loc[("AG1", "ENABLERS"), "score"] == pytest.approx(66.25)
    assert e.loc[("AG1", "INDEX"), ["score", "band", "band_label"]].tolist() == [pytest.approx(68.75), 2, "Developing"]
    assert e.loc[("AG2", "SERVICES"), ["score", "coverage"]].tolist() == pytest.approx([60, 0.75])
    assert e.loc[("AG2", "DATA"), ["score", "coverage"]].tolist() == pytest.approx([50, 0.5])
    assert e.loc[("AG2", "ENABLERS"), "score"] == pytest.approx(72.5)
    assert e.loc[("AG2", "INDEX"), "score"] == pytest.approx(192.5 / 3)
    assert pd.isna(e.loc[("AG3", "DATA"), "score"])
    assert e.loc[("AG3", "ENABLERS"), ["score", "coverage"]].tolist() == pytest.approx([50, 0.5])
    assert e.loc[("AG3", "INDEX"), ["score", "band_label"]].tolist() == [pytest.approx(250 / 3), "Advanced"]
    assert e.loc[("AG4", "ENABLERS"), "score"] == pytest.approx(50)
    assert pd.isna(e.loc[("AG4", "INDEX"), "score"]) and pd.isna(e.loc[("AG4", "INDEX"), "band"])
    assert e.loc[("AG4", "INDEX"), "coverage"] == pytest.approx(1 / 3)
    assert e.loc[("AG1", "DAT.OPEN"), "depth"] == 3


def test_worked_example_letter_bands(tmp_path: Path) -> None:
    """docs/METHOD.md, worked example 2: four sub-indices already on 0-100, equal weights, `normalisation: none`
    at `scale: 100` (values unchanged, not times 100), min_coverage 0.75, bands D (0), C (40), B (60), A (80).

    north: (90 + 85 + 70 + 95) / 4 = 85 -> A "Leading".
    south: (55.5 + 62 + 52 + 70.5) / 4 = 240 / 4 = 60 -> B "Established" (on B's minimum).
    east:  SKILLS n/a, coverage 3/4: (30 + 45 + 33) / 3 = 36 -> D "Emerging".
    west:  coverage 2/4 < 0.75 -> no score, no band.
    """
    e = _run_example("letter-bands", tmp_path)
    assert e.loc[("south", "ACCESS"), "score"] == 55.5
    index = e.xs("INDEX", level="node")
    assert index.loc["north", ["score", "band", "band_label"]].tolist() == [85, "A", "Leading"]
    assert index.loc["south", ["score", "band", "band_label"]].tolist() == [60, "B", "Established"]
    assert index.loc["east", ["score", "coverage", "band"]].tolist() == [36, 0.75, "D"]
    assert pd.isna(index.loc["west", "score"]) and pd.isna(index.loc["west", "band"])
    assert index.loc["west", "coverage"] == 0.5
