"""The rule data: load the TOML files of ``calculators/rules`` once, validate them, pick the version in
force on a date, and give the site plain tables to render.

Every figure in these files comes from the legal source pack (legal/). The loader refuses data that
breaks the pack's own constraints (a provincial figure outside the national range of the 2011
interpretation, a citation id that names no text, a provincial version without a source).

Standard library only: this module runs in CPython and in Pyodide.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Any

from .errors import RulesError
from .laws import cite, rule_bytes

# The national ranges of 解释第一条 and the index of the province files (one file per province).
NATIONAL_FILE = "thresholds/000000-national.toml"
# The criminal track's rule data, one file per provision (calculators/criminal/<same name>.py reads it).
CRIMINAL_FILES: tuple[str, ...] = (
    "criminal/amounts.toml",
    "criminal/art2.toml",
    "criminal/characterisation.toml",
    "criminal/time_effect.toml",
    "criminal/attempt.toml",
    "criminal/penalty.toml",
    "criminal/leniency.toml",
)
# The rule files this module owns, in the order they are hashed for rules_version(); the province files
# listed in NATIONAL_FILE's [index] follow it.
RULE_FILES: tuple[str, ...] = (
    "laws.toml",
    "labels.toml",
    NATIONAL_FILE,
    *CRIMINAL_FILES,
    "administrative.toml",
    "civil.toml",
    "circumstances.toml",
    "cases.toml",
    "criminal/sentencing.toml",   # read by calculators/criminal/sentencing.py; hashed here so rules_version covers it
)


class Tier(StrEnum):
    """The amount tiers of 刑法第二百六十六条, in order (``none``: below 数额较大)."""
    NONE = "none"
    LARGE = "large"
    HUGE = "huge"
    ESPECIALLY_HUGE = "especially_huge"


class Confidence(StrEnum):
    """How well the source pack supports a text or a figure (labels: rules/labels.toml)."""
    VERIFIED = "VERIFIED"
    PARTIAL = "PARTIAL"
    REPORTED = "REPORTED"
    UNKNOWN = "UNKNOWN"


class LocalRuleKind(StrEnum):
    """A province's own rule for 解释第二条 circumstances (applied by calculators/criminal/art2.py)."""
    LOWER_LARGE_FLOOR = "lower_large_floor"    # 数额较大 from a lower figure with listed circumstances (上海)
    AGGRAVATED_FLOORS = "aggravated_floors"    # other figures with a 第二条 circumstance (湖北, 北京)
    NEAR_LARGE = "near_large"                  # "接近数额较大" with listed circumstances: possible only (江苏)
    NEAR = "near"                              # the province's own "接近" figures for the higher tiers


TIERS: tuple[str, ...] = tuple(t.value for t in Tier)
TIER_ORDER: dict[str, int] = {t: i for i, t in enumerate(TIERS)}
AMOUNT_TIERS: tuple[str, ...] = (Tier.LARGE.value, Tier.HUGE.value, Tier.ESPECIALLY_HUGE.value)
CONFIDENCES = tuple(c.value for c in Confidence if c is not Confidence.PARTIAL)


@dataclass(frozen=True)
class Thresholds:
    """Floors of the three tiers, in yuan; ``None`` where the source gives no figure."""
    large: int | None
    huge: int | None
    especially_huge: int | None

    def get(self, tier: str) -> int | None:
        return self.to_dict()[tier]

    def to_dict(self) -> dict[str, int | None]:
        return {"large": self.large, "huge": self.huge, "especially_huge": self.especially_huge}


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    cities: tuple[str, ...]
    region_note: str            # the pack's research note, verbatim
    thresholds: Thresholds


@dataclass(frozen=True)
class SpecialRule:
    """A province's own rule for 解释第二条 circumstances (its text, figures and source)."""
    kind: LocalRuleKind
    circumstances: tuple[str, ...]
    certain: bool
    text: str
    sources: tuple[str, ...]
    confidence: str = "VERIFIED"
    min: int | None = None          # lower_large_floor, near_large
    floors: Thresholds | None = None  # aggravated_floors, near (the 接近 figures of the higher tiers)
    warning: str = ""               # a reader warning that goes with the rule (江苏: 接近 has no figure)
    warning_code: str = ""


@dataclass(frozen=True)
class Alternative:
    """A second reading of a province's figures from other sources (上海: the 2011 figures against
    two later REPORTED ones): where the readings differ, the answer is uncertain."""
    thresholds: Thresholds
    confidence: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ProvinceVersion:
    valid_from: date | None         # None: the pack gives no effective date
    from_basis: str
    confidence: str
    document_title: str             # reader-facing title, 待核实 where the pack is unsure
    date_text: str                  # reader-facing date text
    reader_note: str                # short reader note (shown wherever the province is offered)
    research: dict[str, str]        # the pack's verbatim fields: document, date, region_note
    sources: tuple[str, ...]
    thresholds: Thresholds | None   # None when split by region or UNKNOWN
    regions: tuple[Region, ...]
    especially_huge_fallback: bool  # the source gives no 数额特别巨大: the national value (that figure only)
    caveats: tuple[str, ...]
    specials: tuple[SpecialRule, ...]
    alternative: Alternative | None = None

    @property
    def has_figures(self) -> bool:
        return self.thresholds is not None or bool(self.regions)

    @property
    def date_known(self) -> bool:
        return self.valid_from is not None

    @property
    def document(self) -> str:
        return self.research.get("document", "")

    @property
    def document_date(self) -> str:
        return self.research.get("date", "")

    @property
    def region_note(self) -> str:
        return self.research.get("region_note", "")


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str
    confidence: str
    versions: tuple[ProvinceVersion, ...]
    file: str = ""


@dataclass(frozen=True)
class Circumstance:
    code: str
    label: str
    help: str
    group: str
    applies_to: tuple[str, ...]
    tags: tuple[str, ...]
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)  # criminal / admin_2012 / admin_2025

    def effect(self, track: str) -> dict[str, Any] | None:
        return self.tracks.get(track)


@dataclass(frozen=True)
class Ruleset:
    national: dict[str, Any]
    national_from: date
    national_ranges: dict[str, tuple[int, int]]
    provinces: dict[str, Province]
    criminal: dict[str, Any]
    administrative: dict[str, Any]
    civil: dict[str, Any]
    circumstances: dict[str, Circumstance]
    cases: tuple[dict[str, Any], ...]
    version: str
    # lookup tables built once
    province_index: dict[str, str] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)          # rules/labels.toml
    art2: dict[str, tuple[str, ...]] = field(default_factory=dict)  # circumstance sets of 解释第二条

    # ---- lookups -------------------------------------------------------------------------------
    def find_province(self, text: str) -> Province | None:
        code = self.province_index.get(text.strip())
        return self.provinces.get(code) if code else None

    def version_in_force(self, province: Province, on: date) -> ProvinceVersion | None:
        """The provincial version in force on ``on``. A version whose date the pack does not give is
        treated as in force for acts on or after the 2011 interpretation (the caller warns)."""
        best: ProvinceVersion | None = None
        for v in province.versions:
            start = v.valid_from if v.valid_from is not None else self.national_from
            if start <= on and (best is None or start >= (best.valid_from or self.national_from)):
                best = v
        return best

    def national_thresholds_low(self) -> Thresholds:
        r = self.national_ranges
        return Thresholds(r["large"][0], r["huge"][0], r["especially_huge"][0])

    def national_thresholds_high(self) -> Thresholds:
        r = self.national_ranges
        return Thresholds(r["large"][1], r["huge"][1], r["especially_huge"][1])


# ---- loading ------------------------------------------------------------------------------------

def _read(name: str) -> bytes:
    return rule_bytes(name)


def _thresholds(d: dict[str, Any]) -> Thresholds:
    return Thresholds(d.get("large"), d.get("huge"), d.get("especially_huge"))


def check_citations(ids: list[str], where: str, error: type[RulesError] = RulesError) -> None:
    """Every citation id of a rule file resolves to an article of the registry (laws.toml), or
    ``error`` names the first that does not. Used by every loader of rule data."""
    for cid in ids:
        try:
            cite(cid)
        except (KeyError, ValueError) as exc:
            raise error(f"{where}: citation {cid!r} does not resolve ({exc})") from exc


def _check_figures(t: Thresholds, ranges: dict[str, tuple[int, int]], where: str) -> None:
    for tier in AMOUNT_TIERS:
        value = t.get(tier)
        if value is None:
            continue
        lo, hi = ranges[tier]
        if not lo <= value <= hi:
            raise RulesError(f"{where}: {tier} = {value} outside the national range {lo}-{hi}")
    vals = [v for x in AMOUNT_TIERS if (v := t.get(x)) is not None]
    if vals != sorted(vals):
        raise RulesError(f"{where}: thresholds not increasing: {vals}")


def _local_rule(s: dict[str, Any], art2: dict[str, tuple[str, ...]], where: str) -> SpecialRule:
    try:
        kind = LocalRuleKind(s["kind"])
    except ValueError:
        raise RulesError(f"{where}: unknown local rule kind {s['kind']!r}") from None
    if not s.get("sources"):
        raise RulesError(f"{where}: local rule without a source")
    circ = s["circumstances"]
    # "art2-1": the circumstances of 解释第二条第一款; "art2": those or a fraud group's leader (art2.toml)
    codes = art2[circ] if isinstance(circ, str) else tuple(circ)
    floors = _thresholds(s) if kind in (LocalRuleKind.AGGRAVATED_FLOORS, LocalRuleKind.NEAR) else None
    return SpecialRule(
        kind=kind, circumstances=codes, certain=bool(s["certain"]), text=s["text"], sources=tuple(s["sources"]),
        confidence=Confidence(s.get("confidence", "VERIFIED")).value, min=s.get("min"), floors=floors,
        warning=s.get("warning", ""), warning_code=s.get("warning_code", ""),
    )


def _load_province(p: dict[str, Any], ranges: dict[str, tuple[int, int]],
                   art2: dict[str, tuple[str, ...]], file: str = "") -> Province:
    code = p["code"]
    if not (len(code) == 6 and code.isdigit() and code.endswith("0000")):
        raise RulesError(f"province code {code!r} is not a GB/T 2260 province code")
    versions = []
    for i, v in enumerate(p["version"]):
        where = f"thresholds {p['short']} v{i}"
        try:
            conf = Confidence(v["confidence"]).value
        except ValueError:
            raise RulesError(f"{where}: confidence {v['confidence']!r}") from None
        if conf not in CONFIDENCES:
            raise RulesError(f"{where}: confidence {conf!r}")
        if conf != "UNKNOWN" and not v.get("sources"):
            raise RulesError(f"{where}: figures without a source")
        if ("from" in v) != ("from_basis" in v):
            raise RulesError(f"{where}: `from` and `from_basis` go together")
        if "from" in v and not isinstance(v["from"], date):
            raise RulesError(f"{where}: `from` must be a TOML date")
        for stand_in in ("date_known", "especially_huge_fallback", "max_years"):
            if stand_in in v:
                raise RulesError(f"{where}: {stand_in!r} is not a key (a missing value is an absent key)")
        regions = tuple(
            Region(r["code"], r["label"], tuple(r["cities"]), r.get("research_note", ""), _thresholds(r))
            for r in v.get("region", [])
        )
        figures = any(k in v for k in AMOUNT_TIERS)
        fallback = figures and "especially_huge" not in v
        thresholds = None
        if not regions and figures:
            t = _thresholds(v)
            if t.especially_huge is None:  # the pack's rule: an empty figure falls back to the national value
                t = Thresholds(t.large, t.huge, ranges["especially_huge"][0])
            thresholds = t
        if conf == "UNKNOWN" and (thresholds or regions):
            raise RulesError(f"{where}: UNKNOWN rows carry no figures")
        if conf != "UNKNOWN" and not (thresholds or regions):
            raise RulesError(f"{where}: {conf} row without figures")
        for t in ([thresholds] if thresholds else []) + [r.thresholds for r in regions]:
            if None in (t.large, t.huge, t.especially_huge):
                raise RulesError(f"{where}: missing figure")
            _check_figures(t, ranges, where)
        specials = tuple(_local_rule(s, art2, where) for s in v.get("local_rule", []))
        alternative = None
        if "conflict" in v:
            alt = v["conflict"]
            if not alt.get("sources") or alt["confidence"] not in CONFIDENCES:
                raise RulesError(f"{where}: conflicting reading without a source or confidence")
            _check_figures(_thresholds(alt), ranges, where + " conflict")
            alternative = Alternative(_thresholds(alt), alt["confidence"], alt["text"], tuple(alt["sources"]))
        research = v.get("research", {})
        versions.append(ProvinceVersion(
            valid_from=v.get("from"), from_basis=v.get("from_basis", ""), confidence=conf,
            document_title=v["title"], date_text=v.get("date_text", ""), reader_note=v.get("reader_note", ""),
            research={k: str(research.get(k, "")) for k in ("document", "date", "region_note")},
            sources=tuple(v.get("sources", [])), thresholds=thresholds, regions=regions,
            especially_huge_fallback=fallback, caveats=tuple(v.get("caveats", [])),
            specials=specials, alternative=alternative,
        ))
    confs = {v.confidence for v in versions}
    return Province(code, p["name"], p["short"], versions[-1].confidence if len(confs) > 1 else confs.pop(),
                    tuple(versions), file)


def _load_provinces(docs: dict[str, dict[str, Any]], ranges: dict[str, tuple[int, int]],
                    art2: dict[str, tuple[str, ...]] | None = None) -> dict[str, Province]:
    """The province files (name -> parsed TOML), keyed by GB/T 2260 code."""
    art2 = art2 or {}
    provinces: dict[str, Province] = {}
    for name, doc in docs.items():
        prov = _load_province(doc, ranges, art2, name)
        if not name.split("/")[-1].startswith(prov.code + "-"):
            raise RulesError(f"{name}: file name does not start with the province code {prov.code}")
        if prov.code in provinces:
            raise RulesError(f"{name}: duplicate province {prov.code}")
        provinces[prov.code] = prov
    return dict(sorted(provinces.items()))


def _load_circumstances(data: dict[str, Any]) -> dict[str, Circumstance]:
    out: dict[str, Circumstance] = {}
    for c in data["circumstances"]:
        tracks = {k: c[k] for k in ("criminal", "admin_2012", "admin_2025") if k in c}
        for track, eff in tracks.items():
            if not eff.get("citations"):
                raise RulesError(f"circumstance {c['code']} {track}: no citation")
            check_citations(eff["citations"], f"circumstance {c['code']} {track}")
        if c["code"] in out:
            raise RulesError(f"duplicate circumstance {c['code']}")
        out[c["code"]] = Circumstance(
            code=c["code"], label=c["label"], help=c["help"], group=c["group"],
            applies_to=tuple(c["applies_to"]), tags=tuple(c.get("tags", [])), tracks=tracks,
        )
    return out


def _collect_ids(node: Any, acc: list[str]) -> None:
    """Every value under a key named citation/citations/*_citation(s) is a citation id."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "citation" or k.endswith("_citation"):
                acc.append(v)
            elif k == "citations" or k.endswith("_citations"):
                acc.extend(v)
            else:
                _collect_ids(v, acc)
    elif isinstance(node, list):
        for v in node:
            _collect_ids(v, acc)


def art2_sets(art2: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The circumstance sets of 解释第二条 (rules/criminal/art2.toml): ``art2-1`` (第一款) and ``art2``
    (第一款 or a fraud group's leader, 第二款)."""
    p1 = tuple(art2["paragraph1"])
    return {"art2-1": p1, "art2": p1 + tuple(art2["leader"])}


@cache
def load() -> Ruleset:
    """Load and validate every rule file (once per process)."""
    raw = {name: _read(name) for name in RULE_FILES}
    parsed = {name: tomllib.loads(raw[name].decode("utf-8")) for name in RULE_FILES}
    national = parsed[NATIONAL_FILE]
    for name in national["index"]["provinces"]:
        path = "thresholds/" + name
        raw[path] = _read(path)
        parsed[path] = tomllib.loads(raw[path].decode("utf-8"))
    ranges = {t: (int(national[t]["min"]), int(national[t]["max"])) for t in AMOUNT_TIERS}
    check_citations(national["citations"], "national")
    crim = {name.split("/")[1].removesuffix(".toml"): parsed[name] for name in CRIMINAL_FILES}
    art2 = art2_sets(crim["art2"])
    provinces = _load_provinces({n: parsed[n] for n in parsed if n.startswith("thresholds/") and n != NATIONAL_FILE},
                                ranges, art2)
    criminal = dict(crim["penalty"]) | {k: v for k, v in crim.items() if k != "penalty"}
    criminal["time_effect"] = crim["time_effect"]["time_effect"]
    criminal["attempt"] = crim["attempt"]["attempt"]
    for name in (*CRIMINAL_FILES, "administrative.toml", "civil.toml", "cases.toml"):
        ids: list[str] = []
        _collect_ids(parsed[name], ids)
        check_citations(ids, name)
    circumstances = _load_circumstances(parsed["circumstances.toml"])
    unknown_art2 = set(art2["art2"]) - set(circumstances)
    if unknown_art2:
        raise RulesError(f"criminal/art2.toml names unknown circumstances {unknown_art2}")
    for p in provinces.values():
        for v in p.versions:
            for s in v.specials:
                unknown = set(s.circumstances) - set(circumstances)
                if unknown:
                    raise RulesError(f"local rule of {p.short} names unknown circumstances {unknown}")
    index: dict[str, str] = {}
    for code, p in provinces.items():
        for key in (code, p.name, p.short):
            index[key] = code
    digest = hashlib.sha256()
    for name, data in raw.items():
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(data)
    return Ruleset(
        national=national, national_from=national["from"], national_ranges=ranges,
        provinces=provinces, criminal=criminal,
        administrative=parsed["administrative.toml"], civil=parsed["civil.toml"],
        circumstances=circumstances, cases=tuple(parsed["cases.toml"].get("cases", [])),
        version=digest.hexdigest()[:12], province_index=index, labels=parsed["labels.toml"],
        art2=art2,
    )


def rules_version() -> str:
    """A short hash of the rule files' bytes: changes whenever any rule data changes."""
    return load().version


# ---- tables for the site ------------------------------------------------------------------------

def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def thresholds_table() -> list[dict[str, Any]]:
    """One row per province (and per region where the province splits), GB/T 2260 order."""
    rs = load()
    rows: list[dict[str, Any]] = []
    for code in sorted(rs.provinces):
        p = rs.provinces[code]
        for v in p.versions:
            base = {
                "code": code, "name": p.name, "short": p.short, "confidence": v.confidence,
                "from": _iso(v.valid_from), "date_known": v.date_known, "from_basis": v.from_basis,
                "document": v.document, "document_title": v.document_title, "document_date": v.document_date,
                "date_text": v.date_text, "reader_note": v.reader_note,
                "sources": list(v.sources),
                "caveats": list(v.caveats), "region_note": v.region_note,
                "especially_huge_fallback": v.especially_huge_fallback,
                "special_rules": [
                    {"kind": s.kind.value, "text": s.text, "circumstances": list(s.circumstances),
                     "certain": s.certain, "confidence": s.confidence, "sources": list(s.sources),
                     "floors": s.floors.to_dict() if s.floors else None, "min": s.min}
                    for s in v.specials
                ],
                "conflict": None if v.alternative is None else {
                    "confidence": v.alternative.confidence, "text": v.alternative.text,
                    "sources": list(v.alternative.sources)} | v.alternative.thresholds.to_dict(),
                "pending_verification": v.confidence != "VERIFIED" or bool(v.caveats) or not v.date_known,
            }
            if v.regions:
                for r in v.regions:
                    rows.append(base | {"region": r.code, "region_label": r.label, "cities": list(r.cities)}
                                | r.thresholds.to_dict())
            else:
                t = v.thresholds.to_dict() if v.thresholds else {"large": None, "huge": None, "especially_huge": None}
                rows.append(base | {"region": None, "region_label": None, "cities": []} | t)
    return rows


def national_ranges() -> dict[str, Any]:
    rs = load()
    return {
        "from": _iso(rs.national_from), "citations": list(rs.national["citations"]),
        "source": rs.national["source"],
        "ranges": {t: {"min": lo, "max": hi} for t, (lo, hi) in rs.national_ranges.items()},
    }


def administrative_versions() -> list[dict[str, Any]]:
    rs = load()
    out = []
    for key, v in rs.administrative["versions"].items():
        out.append({
            "version": key, "label": v["label"], "law": v["law"], "from": _iso(v.get("from")),
            "to": _iso(v.get("to")), "article": v["article"], "citation": v["citation"], "text": v["text"],
            "detention_days": list(v["detention_days"]), "fine_max_yuan": v["fine_max_yuan"],
            "fine_alone_possible": v["fine_alone_possible"],
            "serious": {"detention_days": list(v["serious_detention_days"]),
                        "fine_max_yuan": v["serious_fine_max_yuan"],
                        "fine_alone_possible": v["serious_fine_alone_possible"]},
            "discovery_months": v["discovery_months"], "discovery_citation": v["discovery_citation"],
            "discovery_text": v["discovery_text"],
            "mitigation_citation": v["mitigation_citation"], "aggravation_citation": v["aggravation_citation"],
        })
    return out


def criminal_tiers() -> list[dict[str, Any]]:
    rs = load()
    out = []
    for code in TIERS:
        t = rs.criminal["tiers"][code]
        row = {"tier": code} | {k: (list(v) if isinstance(v, list) else v) for k, v in t.items()}
        # absent keys in the data (no penalty below 数额较大, no fixed maximum under 无期徒刑) read as None here
        for key in ("statutory_text", "fine", "limitation_item", "limitation_years", "min_years", "max_years"):
            row.setdefault(key, None)
        row.setdefault("penalties", [])
        row.setdefault("life", False)
        out.append(row)
    return out


def circumstances() -> list[dict[str, Any]]:
    """The documented circumstance codes, in file order (the calculator form renders these)."""
    rs = load()
    return [
        {"code": c.code, "label": c.label, "help": c.help, "group": c.group,
         "applies_to": list(c.applies_to), "tags": list(c.tags),
         "effects": {k: dict(v) for k, v in c.tracks.items()}}
        for c in rs.circumstances.values()
    ]


def civil_periods() -> list[dict[str, Any]]:
    rs = load()
    return [dict(p) for p in rs.civil["periods"]]


def amount_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)
