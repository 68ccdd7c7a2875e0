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
from functools import cache
from typing import Any

from .laws import cite, rule_bytes

# The rule files this module owns, in the order they are hashed for rules_version().
RULE_FILES: tuple[str, ...] = (
    "laws.toml",
    "fraud_thresholds.toml",
    "criminal.toml",
    "administrative.toml",
    "civil.toml",
    "circumstances.toml",
    "cases.toml",
    "sentencing.toml",   # read by calculators/sentencing.py; hashed here so rules_version covers it
)

TIERS: tuple[str, ...] = ("none", "large", "huge", "especially_huge")
TIER_ORDER: dict[str, int] = {t: i for i, t in enumerate(TIERS)}
AMOUNT_TIERS: tuple[str, ...] = ("large", "huge", "especially_huge")
CONFIDENCES = ("VERIFIED", "REPORTED", "UNKNOWN")


class RulesError(Exception):
    """The rule data is inconsistent (a bug in the data files, not bad user input)."""


@dataclass(frozen=True)
class Thresholds:
    """Floors of the three tiers, in yuan; ``None`` where the source gives no figure."""
    large: int | None
    huge: int | None
    especially_huge: int | None

    def get(self, tier: str) -> int | None:
        return getattr(self, tier)

    def to_dict(self) -> dict[str, int | None]:
        return {"large": self.large, "huge": self.huge, "especially_huge": self.especially_huge}


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    cities: tuple[str, ...]
    region_note: str
    thresholds: Thresholds


@dataclass(frozen=True)
class SpecialRule:
    """A provincial rule that lowers the floor when listed circumstances are present."""
    kind: str                       # lower_large_floor | aggravated_floors | near_large
    circumstances: tuple[str, ...]
    certain: bool
    text: str
    sources: tuple[str, ...]
    min: int | None = None          # lower_large_floor, near_large
    tier: str | None = None
    floors: Thresholds | None = None  # aggravated_floors


@dataclass(frozen=True)
class ProvinceVersion:
    valid_from: date | None
    date_known: bool
    from_basis: str
    confidence: str
    document: str           # the pack's document field, verbatim (may hold research notes)
    document_title: str     # the same in plain Chinese for readers, 待核实 where the pack is unsure
    document_date: str
    sources: tuple[str, ...]
    region_note: str
    thresholds: Thresholds | None     # None when split by region or UNKNOWN
    regions: tuple[Region, ...]
    especially_huge_fallback: bool
    caveats: tuple[str, ...]
    specials: tuple[SpecialRule, ...]

    @property
    def has_figures(self) -> bool:
        return self.thresholds is not None or bool(self.regions)


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    short: str
    confidence: str
    versions: tuple[ProvinceVersion, ...]


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


def _check_citations(ids: list[str], where: str) -> None:
    for cid in ids:
        try:
            cite(cid)
        except (KeyError, ValueError) as exc:
            raise RulesError(f"{where}: citation {cid!r} does not resolve ({exc})") from exc


def _check_figures(t: Thresholds, ranges: dict[str, tuple[int, int]], where: str) -> None:
    for tier in AMOUNT_TIERS:
        value = t.get(tier)
        if value is None:
            continue
        lo, hi = ranges[tier]
        if not lo <= value <= hi:
            raise RulesError(f"{where}: {tier} = {value} outside the national range {lo}-{hi}")
    vals = [t.get(x) for x in AMOUNT_TIERS if t.get(x) is not None]
    if vals != sorted(vals):
        raise RulesError(f"{where}: thresholds not increasing: {vals}")


def _load_provinces(data: dict[str, Any], ranges: dict[str, tuple[int, int]]) -> dict[str, Province]:
    provinces: dict[str, Province] = {}
    for code, p in data["provinces"].items():
        if not (len(code) == 6 and code.isdigit() and code.endswith("0000")):
            raise RulesError(f"province code {code!r} is not a GB/T 2260 province code")
        versions = []
        for i, v in enumerate(p["versions"]):
            where = f"fraud_thresholds {p['short']} v{i}"
            conf = v["confidence"]
            if conf not in CONFIDENCES:
                raise RulesError(f"{where}: confidence {conf!r}")
            if conf != "UNKNOWN" and not v.get("sources"):
                raise RulesError(f"{where}: figures without a source")
            if v.get("date_known", False) != ("from" in v):
                raise RulesError(f"{where}: date_known must be true exactly when `from` is given")
            regions = tuple(
                Region(r["code"], r["label"], tuple(r["cities"]), r.get("region_note", ""), _thresholds(r))
                for r in v.get("regions", [])
            )
            fallback = bool(v.get("especially_huge_fallback", False))
            thresholds = None
            if not regions and any(k in v for k in AMOUNT_TIERS):
                t = _thresholds(v)
                if t.especially_huge is None and fallback:
                    t = Thresholds(t.large, t.huge, ranges["especially_huge"][0])
                thresholds = t
            if conf == "UNKNOWN" and (thresholds or regions):
                raise RulesError(f"{where}: UNKNOWN rows carry no figures")
            if conf != "UNKNOWN" and not (thresholds or regions):
                raise RulesError(f"{where}: {conf} row without figures")
            for t in ([thresholds] if thresholds else []) + [r.thresholds for r in regions]:
                if None in (t.large, t.huge, t.especially_huge):
                    raise RulesError(f"{where}: missing figure without fallback")
                _check_figures(t, ranges, where)
            specials = []
            for s in v.get("special", []):
                floors = None
                if s["kind"] == "aggravated_floors":
                    floors = _thresholds(s)
                elif s["kind"] not in ("lower_large_floor", "near_large"):
                    raise RulesError(f"{where}: unknown special rule kind {s['kind']!r}")
                if not s.get("sources"):
                    raise RulesError(f"{where}: special rule without a source")
                specials.append(SpecialRule(
                    kind=s["kind"], circumstances=tuple(s["circumstances"]), certain=bool(s["certain"]),
                    text=s["text"], sources=tuple(s["sources"]), min=s.get("min"), tier=s.get("tier"),
                    floors=floors,
                ))
            versions.append(ProvinceVersion(
                valid_from=v.get("from"), date_known=bool(v.get("date_known", False)),
                from_basis=v.get("from_basis", ""), confidence=conf, document=v.get("document", ""),
                document_title=v["document_title"],
                document_date=v.get("document_date", ""), sources=tuple(v.get("sources", [])),
                region_note=v.get("region_note", ""), thresholds=thresholds, regions=regions,
                especially_huge_fallback=fallback, caveats=tuple(v.get("caveats", [])),
                specials=tuple(specials),
            ))
        provinces[code] = Province(code, p["name"], p["short"], p["confidence"], tuple(versions))
    return provinces


def _load_circumstances(data: dict[str, Any]) -> dict[str, Circumstance]:
    out: dict[str, Circumstance] = {}
    for c in data["circumstances"]:
        tracks = {k: c[k] for k in ("criminal", "admin_2012", "admin_2025") if k in c}
        for track, eff in tracks.items():
            if not eff.get("citations"):
                raise RulesError(f"circumstance {c['code']} {track}: no citation")
            _check_citations(eff["citations"], f"circumstance {c['code']} {track}")
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


@cache
def load() -> Ruleset:
    """Load and validate every rule file (once per process)."""
    raw = {name: _read(name) for name in RULE_FILES}
    parsed = {name: tomllib.loads(raw[name].decode("utf-8")) for name in RULE_FILES}
    ft = parsed["fraud_thresholds.toml"]
    national = ft["national"]
    ranges = {t: (int(national[t]["min"]), int(national[t]["max"])) for t in AMOUNT_TIERS}
    _check_citations(national["citations"], "national")
    provinces = _load_provinces(ft, ranges)
    for name in ("criminal.toml", "administrative.toml", "civil.toml", "cases.toml"):
        ids: list[str] = []
        _collect_ids(parsed[name], ids)
        _check_citations(ids, name)
    circumstances = _load_circumstances(parsed["circumstances.toml"])
    for p in provinces.values():
        for v in p.versions:
            for s in v.specials:
                unknown = set(s.circumstances) - set(circumstances)
                if unknown:
                    raise RulesError(f"special rule of {p.short} names unknown circumstances {unknown}")
    index: dict[str, str] = {}
    for code, p in provinces.items():
        for key in (code, p.name, p.short):
            index[key] = code
    digest = hashlib.sha256()
    for name in RULE_FILES:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(raw[name])
    return Ruleset(
        national=national, national_from=national["from"], national_ranges=ranges,
        provinces=provinces, criminal=parsed["criminal.toml"],
        administrative=parsed["administrative.toml"], civil=parsed["civil.toml"],
        circumstances=circumstances, cases=tuple(parsed["cases.toml"].get("cases", [])),
        version=digest.hexdigest()[:12], province_index=index,
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
                "sources": list(v.sources),
                "caveats": list(v.caveats), "region_note": v.region_note,
                "especially_huge_fallback": v.especially_huge_fallback,
                "special_rules": [
                    {"kind": s.kind, "text": s.text, "circumstances": list(s.circumstances),
                     "certain": s.certain, "sources": list(s.sources)}
                    for s in v.specials
                ],
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
        out.append({"tier": code} | {k: (list(v) if isinstance(v, list) else v) for k, v in t.items()})
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
