"""The readiness instrument, loaded from `catalogue.yaml` into frozen typed objects.

Everything else (the form, validation, Excel templates, scoring, the methodology page) is made
from one `Catalogue`. Loading checks the file loudly: every problem names the id it is about.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).with_name("catalogue.yaml")

ANSWER_TYPES = ("count", "percentage", "yes_no", "stage", "multi_choice", "service_inventory", "derived")
#: Answer types a respondent types in (the others are computed from the inventory or other answers).
ENTERED_TYPES = ("count", "percentage", "yes_no", "stage", "multi_choice")
INVENTORY_MEASURES = ("online_ratio", "volume_online_ratio", "paperless_ratio", "shared_service_ratio")
RULE_OPS = ("<=", "<", ">=", ">", "==", "implies_option")
#: The choice "none of these" of a multi-choice question, as the web form and a CSV give it. The
#: validator stores it as the empty option list, which is what a workbook with every option answered
#: "no" gives, so every channel stores, scores and counts it the same (answered, zero options). No
#: option in the catalogue may use this id.
NONE_OPTION = "NONE"
LANGS = ("th", "en")
_ID = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9_]+)*$")


class CatalogueError(ValueError):
    """A catalogue that cannot be used; the message lists every problem with its id."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("catalogue is invalid:\n- " + "\n- ".join(problems))


@dataclass(frozen=True)
class Text:
    """A user-facing text in Thai and English."""

    th: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in `lang` ("th" or "en")."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
        return self.th if lang == "th" else self.en


@dataclass(frozen=True)
class Option:
    id: str
    label: Text


@dataclass(frozen=True)
class Level:
    """One step of an ordinal scale (standard stage, digital level)."""

    value: int
    label: Text


@dataclass(frozen=True)
class Band:
    """A maturity band: scores from `min` (0-100) up to the next band's `min`."""

    level: int
    min: float
    label: Text


@dataclass(frozen=True)
class Ratio:
    numerator: str
    denominator: str
    factor: float


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    type: str
    question: Text
    help: Text
    since: str
    required: bool
    scored: bool
    polarity: int
    weight: float
    goalposts: tuple[float, float] | None
    minimum: float | None
    maximum: float | None
    options: tuple[Option, ...]
    measure: str | None
    ratio: Ratio | None
    action: Text | None
    owner: Text | None
    evidence: bool
    crosswalk: Mapping[str, tuple[str, ...]]

    @property
    def entered(self) -> bool:
        """True when a respondent types this answer in (it is not computed)."""
        return self.type in ENTERED_TYPES

    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Dimension:
    id: str
    name: Text
    weight: float
    section: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: `left op right`, or for `implies_option`: left = yes -> right has option."""

    id: str
    left: str
    op: str
    right: str
    option: str | None
    message: Text


class KpiId(StrEnum):
    """The national figures the product follows; targets name them, and every use of one names it through here."""

    ONLINE_RATIO = "KPI.ONLINE_RATIO"
    READINESS = "KPI.READINESS"
    RESPONSE_RATE = "KPI.RESPONSE_RATE"
    EGDI_RANK = "KPI.EGDI_RANK"
    EGDI_SCORE = "KPI.EGDI_SCORE"


@dataclass(frozen=True)
class Kpi:
    """A followed national figure; `headline` gives its place among the headline figures (cards, the
    workbook's summary), `figure` the national figure that carries its value (analytics.pipeline),
    `indicator` the indicator behind it, `short` its name on a card; `definition` and `source` say what it
    counts and where the definition comes from (the headline share of services online has both)."""

    id: str
    name: Text
    unit: str
    polarity: int
    headline: int | None = None
    figure: str | None = None
    indicator: str | None = None
    short: Text | None = None
    definition: Text | None = None
    source: Text | None = None


@dataclass(frozen=True)
class Method:
    version: str
    normalisation: str
    aggregation: str
    min_coverage: float
    jump_threshold: float


@dataclass(frozen=True)
class Catalogue:
    version: str
    title: Text
    online_level: int
    stages: tuple[Level, ...]
    digital_levels: tuple[Level, ...]
    bands: tuple[Band, ...]
    method: Method
    kpis: tuple[Kpi, ...]
    frameworks: Mapping[str, tuple[str, ...]]
    dimensions: tuple[Dimension, ...]
    rules: tuple[Rule, ...]
    retired: frozenset[str]
    sha256: str
    _by_id: Mapping[str, Indicator] = field(repr=False, compare=False)

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id, or raise KeyError naming it."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator id {indicator_id!r}") from None

    def indicators(self) -> Iterator[Indicator]:
        for dim in self.dimensions:
            yield from dim.indicators

    def entered_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators() if i.entered]

    def scored_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators() if i.scored]

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(f"unknown dimension id {dimension_id!r}")

    @property
    def headline_kpis(self) -> tuple[Kpi, ...]:
        """Return the headline figures in their order (the Overview's cards, the workbook's summary)."""
        return tuple(sorted((k for k in self.kpis if k.headline is not None), key=lambda k: k.headline or 0))

    def kpi(self, kpi_id: str) -> Kpi:
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise KeyError(f"unknown KPI id {kpi_id!r}")

    def band_for(self, score: float) -> Band:
        """Return the maturity band of a 0-100 score."""
        chosen = self.bands[0]
        for band in self.bands:
            if score >= band.min:
                chosen = band
        return chosen

    def stage_label(self, value: int, lang: str) -> str:
        return _level_label(self.stages, value, lang)

    def digital_level_label(self, value: int, lang: str) -> str:
        return _level_label(self.digital_levels, value, lang)


def _level_label(levels: tuple[Level, ...], value: int, lang: str) -> str:
    for lv in levels:
        if lv.value == value:
            return lv.label.get(lang)
    raise ValueError(f"no level {value}")


class _Reader:
    """Collects every problem while building the catalogue, so one load reports them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def text(self, where: str, raw: Any, name: str = "text") -> Text:
        if not isinstance(raw, Mapping):
            self.fail(where, f"{name} must have Thai (th) and English (en)")
            return Text("", "")
        values = {}
        for lang in LANGS:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.fail(where, f"{name} is missing its {'Thai' if lang == 'th' else 'English'} translation ({lang})")
                value = ""
            values[lang] = value
        return Text(values["th"], values["en"])

    def levels(self, where: str, raw: Any) -> tuple[Level, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail(where, "must list levels")
            return ()
        out = tuple(Level(int(r["value"]), self.text(f"{where} {r.get('value')}", r, "label")) for r in raw)
        if [lv.value for lv in out] != list(range(len(out))):
            self.fail(where, "levels must be numbered 0, 1, 2, ... in order")
        return out

    def indicator(self, raw: Mapping[str, Any], dim_id: str, frameworks: Mapping[str, tuple[str, ...]]) -> Indicator:
        iid = str(raw.get("id", "?"))
        where = f"indicator {iid}"
        if not _ID.match(iid):
            self.fail(where, "id must be upper-case words joined by dots, like DAT.01")
        itype = raw.get("type")
        if itype not in ANSWER_TYPES:
            self.fail(where, f"unknown answer type {itype!r}; use one of {', '.join(ANSWER_TYPES)}")
        scored = bool(raw.get("scored", True))
        weight = float(raw.get("weight", 1))
        polarity = int(raw.get("polarity", 1))
        if polarity not in (1, -1):
            self.fail(where, "polarity must be 1 or -1")
        if scored and weight <= 0:
            self.fail(where, "a scored indicator needs a positive weight")
        goalposts = raw.get("goalposts")
        gp: tuple[float, float] | None = None
        if goalposts is not None:
            if not (isinstance(goalposts, list) and len(goalposts) == 2):
                self.fail(where, "goalposts must be [low, high]")
            else:
                gp = (float(goalposts[0]), float(goalposts[1]))
                if gp[0] >= gp[1]:
                    self.fail(where, f"goalposts low {gp[0]} must be below high {gp[1]}")
        if scored and gp is None:
            self.fail(where, "a scored indicator needs goalposts")
        options = tuple(
            Option(str(o.get("id")), self.text(f"{where} option {o.get('id')}", o, "option label"))
            for o in raw.get("options", []) or []
        )
        if itype == "multi_choice" and not options:
            self.fail(where, "a multi-choice question needs options")
        if len({o.id for o in options}) != len(options):
            self.fail(where, "option ids must be unique")
        if NONE_OPTION in {o.id for o in options}:
            self.fail(where, f"option id {NONE_OPTION!r} is reserved for “none of these”")
        measure = raw.get("measure")
        needs_measure = itype == "service_inventory" or (itype == "derived" and "ratio" not in raw)
        if needs_measure and measure not in INVENTORY_MEASURES:
            self.fail(where, f"measure must be one of {', '.join(INVENTORY_MEASURES)}")
        ratio = None
        if "ratio" in raw:
            r = raw["ratio"]
            ratio = Ratio(str(r.get("numerator")), str(r.get("denominator")), float(r.get("factor", 1)))
        crosswalk: dict[str, tuple[str, ...]] = {}
        for fw, dims in (raw.get("crosswalk") or {}).items():
            if fw not in frameworks:
                self.fail(where, f"crosswalk names unknown framework {fw!r}")
                continue
            for d in dims:
                if d not in frameworks[fw]:
                    self.fail(where, f"crosswalk names unknown {fw} dimension {d!r}")
            crosswalk[fw] = tuple(dims)
        action = self.text(where, raw["action"], "action") if raw.get("action") else None
        if scored and action is None:
            self.fail(where, "a scored indicator needs a recommended action")
        owner = self.text(where, raw["owner"], "owner") if raw.get("owner") else None
        minimum = raw.get("min")
        maximum = raw.get("max")
        if itype == "percentage":
            minimum = 0 if minimum is None else minimum
            maximum = 100 if maximum is None else maximum
        if minimum is not None and maximum is not None and float(minimum) > float(maximum):
            self.fail(where, f"min {minimum} is above max {maximum}")
        return Indicator(
            id=iid,
            dimension=dim_id,
            type=str(itype),
            question=self.text(where, raw.get("question"), "question"),
            help=self.text(where, raw.get("help"), "help"),
            since=str(raw.get("since", "")),
            required=bool(raw.get("required", False)),
            scored=scored,
            polarity=polarity,
            weight=weight,
            goalposts=gp,
            minimum=None if minimum is None else float(minimum),
            maximum=None if maximum is None else float(maximum),
            options=options,
            measure=measure,
            ratio=ratio,
            action=action,
            owner=owner,
            evidence=bool(raw.get("evidence", False)),
            crosswalk=crosswalk,
        )


def parse_catalogue(raw: Mapping[str, Any], sha256: str = "") -> Catalogue:
    """Build a Catalogue from parsed YAML, or raise CatalogueError listing every problem by id."""
    rd = _Reader()
    if not isinstance(raw, Mapping):
        raise CatalogueError(["catalogue: the file must be a mapping"])
    version = str(raw.get("version") or "")
    if not version:
        rd.fail("catalogue", "version is missing")
    frameworks = {str(k): tuple(v) for k, v in (raw.get("crosswalk_frameworks") or {}).items()}
    retired = frozenset(str(x) for x in raw.get("retired") or [])

    dims: list[Dimension] = []
    by_id: dict[str, Indicator] = {}
    dim_ids: set[str] = set()
    for draw in raw.get("dimensions") or []:
        did = str(draw.get("id", "?"))
        where = f"dimension {did}"
        if did in dim_ids:
            rd.fail(where, "duplicate dimension id")
        dim_ids.add(did)
        weight = float(draw.get("weight", 0))
        if weight <= 0:
            rd.fail(where, "zero-weight group: a dimension needs a positive weight")
        inds = []
        for iraw in draw.get("indicators") or []:
            ind = rd.indicator(iraw, did, frameworks)
            if ind.id in by_id:
                rd.fail(f"indicator {ind.id}", "duplicate indicator id")
            if ind.id in retired:
                rd.fail(f"indicator {ind.id}", "this id is retired and can never be reused; give the question a new id")
            by_id[ind.id] = ind
            inds.append(ind)
        if not any(i.scored for i in inds):
            rd.fail(where, "has no scored indicator")
        dims.append(Dimension(did, rd.text(where, draw, "name"), weight, str(draw.get("section", "")), tuple(inds)))
    if not dims:
        rd.fail("catalogue", "has no dimensions")

    for ind in by_id.values():
        if ind.ratio:
            for ref in (ind.ratio.numerator, ind.ratio.denominator):
                if ref not in by_id:
                    rd.fail(f"indicator {ind.id}", f"ratio names unknown indicator {ref!r}")
                elif by_id[ref].type not in ("count", "percentage"):
                    rd.fail(f"indicator {ind.id}", f"ratio term {ref} must be a count")

    rules = []
    for rraw in raw.get("rules") or []:
        rid = str(rraw.get("id", "?"))
        op = str(rraw.get("op"))
        if op not in RULE_OPS:
            rd.fail(f"rule {rid}", f"unknown operator {op!r}")
        for side in ("left", "right"):
            ref = str(rraw.get(side))
            if ref not in by_id:
                rd.fail(f"rule {rid}", f"{side} names unknown indicator {ref!r}")
        option = rraw.get("option")
        if op == "implies_option":
            right = by_id.get(str(rraw.get("right")))
            if right is not None and option not in right.option_ids():
                rd.fail(f"rule {rid}", f"option {option!r} is not an option of {right.id}")
        rules.append(Rule(rid, str(rraw.get("left")), op, str(rraw.get("right")), option,
                          rd.text(f"rule {rid}", rraw.get("message"), "message")))

    bands = tuple(
        Band(int(b["level"]), float(b["min"]), rd.text(f"band {b.get('level')}", b, "label"))
        for b in raw.get("bands") or []
    )
    if not bands or bands[0].min != 0 or any(a.min >= b.min for a, b in itertools.pairwise(bands)):
        rd.fail("bands", "bands must start at 0 and rise")

    mraw = raw.get("method") or {}
    method = Method(
        version=str(mraw.get("version", "")),
        normalisation=str(mraw.get("normalisation", "goalposts")),
        aggregation=str(mraw.get("aggregation", "arithmetic")),
        min_coverage=float(mraw.get("min_coverage", 0.6)),
        jump_threshold=float(mraw.get("jump_threshold", 0.5)),
    )
    if not method.version:
        rd.fail("method", "version is missing")
    if not 0 <= method.min_coverage <= 1:
        rd.fail("method", "min_coverage must be between 0 and 1")

    kpis = []
    for k in raw.get("kpis") or []:
        kid = str(k.get("id"))
        if kid not in set(KpiId):
            rd.fail(f"kpi {kid}", f"is not one of the followed figures ({', '.join(KpiId)})")
        short, definition, source = k.get("short"), k.get("definition"), k.get("source")
        kpis.append(Kpi(kid, rd.text(f"kpi {kid}", k, "name"), str(k.get("unit", "")), int(k.get("polarity", 1)),
                        None if k.get("headline") is None else int(k["headline"]),
                        None if k.get("figure") is None else str(k["figure"]),
                        None if k.get("indicator") is None else str(k["indicator"]),
                        None if short is None else rd.text(f"kpi {kid}", short, "short"),
                        None if definition is None else rd.text(f"kpi {kid}", definition, "definition"),
                        None if source is None else rd.text(f"kpi {kid}", source, "source")))
    missing = sorted(set(KpiId) - {k.id for k in kpis})
    if missing:
        rd.fail("kpis", f"missing {', '.join(missing)}")

    title = rd.text("catalogue", raw.get("title"), "title")
    stages = rd.levels("stages", raw.get("stages"))
    digital_levels = rd.levels("digital_levels", raw.get("digital_levels"))
    if rd.problems:
        raise CatalogueError(rd.problems)
    return Catalogue(
        version=version,
        title=title,
        online_level=int(raw.get("online_level", 4)),
        stages=stages,
        digital_levels=digital_levels,
        bands=bands,
        method=method,
        kpis=tuple(kpis),
        frameworks=frameworks,
        dimensions=tuple(dims),
        rules=tuple(rules),
        retired=retired,
        sha256=sha256,
        _by_id=by_id,
    )


def load_catalogue(path: Path | str = CATALOGUE_PATH) -> Catalogue:
    """Load and check a catalogue file."""
    data = Path(path).read_bytes()
    try:
        # libyaml's parser where PyYAML has it (the same safe constructor, about 10x faster to load)
        raw = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise CatalogueError([f"catalogue: not valid YAML ({exc})"]) from exc
    return parse_catalogue(raw, hashlib.sha256(data).hexdigest())


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """Return the shipped catalogue, loaded once per process."""
    return load_catalogue(CATALOGUE_PATH)
