"""Result types of the engine and their JSON form.

Every step and warning carries citation ids; ``Result.to_dict()`` adds the ``citations`` map
(id -> label, title, url, confidence) for every id used anywhere in the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from .laws import cite

DISCLAIMER = (
    "本结果是根据所填事实和公开法律文本作出的法律信息说明，不是法律意见，也不是对案件结果的预测或认定。"
    "具体案件请以办案机关和法院的认定为准，必要时咨询执业律师。"
)


class Track(StrEnum):
    """Which part of the answer a step or warning belongs to (the JSON ``track`` values)."""
    CRIMINAL = "criminal"
    ADMINISTRATIVE = "administrative"
    CIVIL = "civil"
    FACTS = "facts"
    GENERAL = "general"


@dataclass
class Step:
    track: Track
    text: str
    citations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"track": self.track.value, "text": self.text, "citations": list(self.citations)}


@dataclass
class Caveat:
    """One warning of the result (the JSON ``warnings`` items; named so as not to shadow the
    builtin ``Warning``)."""
    code: str
    text: str
    citations: list[str] = field(default_factory=list)
    track: Track = Track.GENERAL

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "track": self.track.value, "text": self.text, "citations": list(self.citations)}


@dataclass
class Trail:
    """Collects the reasoning steps and warnings while the tracks run."""
    steps: list[Step] = field(default_factory=list)
    warnings: list[Caveat] = field(default_factory=list)

    def step(self, track: Track | str, text: str, citations: list[str] | tuple[str, ...] = ()) -> None:
        self.steps.append(Step(Track(track), text, list(citations)))

    def warn(self, code: str, text: str, citations: list[str] | tuple[str, ...] = (), track: Track | str = Track.GENERAL) -> None:
        if any(w.code == code and w.text == text for w in self.warnings):
            return
        self.warnings.append(Caveat(code, text, list(citations), Track(track)))


@dataclass
class CriminalResult:
    tier: str
    possible_tiers: list[str]
    tier_label: str
    thresholds_yuan: dict[str, str] | None
    thresholds_source: dict[str, Any] | None
    national_ranges_yuan: dict[str, list[str]] | None
    sentence: str | None
    sentences: list[dict[str, Any]]
    limitation_years: int | None
    limitation_years_by_tier: dict[str, int]
    limitation: dict[str, Any] | None
    attempt: bool
    circumstances: list[dict[str, Any]]
    non_prosecution_possible: bool
    close_relative: dict[str, Any] | None
    probation_excluded: bool
    characterisation: list[dict[str, Any]]
    time_effect: dict[str, Any]
    pending_verification: bool
    what_changes: list[str]
    citations: list[str]
    # issue 14: one estimate per possible tier (calculators/criminal/sentencing.py); empty when tier is "none"
    sentence_estimate: list[dict[str, Any]] = field(default_factory=list)
    # where REPORTED figures name a tier the national range leaves open: that tier (待核实)
    likely_tier: str | None = None
    # ordinary 诈骗 or possibly 电信网络诈骗 (criminal/characterisation.py)
    offence: dict[str, Any] | None = None
    # one line for the headline; "按合计数" where the claims were summed
    summary: str = ""
    amount_basis: str = "single"   # single | total

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class AdministrativeResult:
    applies: bool | str
    summary: str
    law_version: str
    law_versions: list[str]
    transition: bool
    article: str
    detention_days: list[int] | None
    fine_max_yuan: str | None
    fine_alone_possible: bool | None
    serious: dict[str, Any] | None
    mitigation: list[dict[str, Any]]
    aggravation: list[dict[str, Any]]
    versions: list[dict[str, Any]]
    lighter: dict[str, Any] | None
    discovery_period: dict[str, Any]
    citations: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CivilResult:
    summary: str
    fraud: dict[str, Any]
    amount_to_recover_yuan: str
    revocation: dict[str, Any]
    limitation: dict[str, Any]
    remedies: list[dict[str, Any]]
    consumer_law: dict[str, Any]
    what_changes: list[str]
    citations: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@lru_cache(maxsize=512)
def _citation(cid: str) -> dict[str, str]:
    return cite(cid).to_dict()


def _ids(node: Any, acc: dict[str, None]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("citations",) and isinstance(v, list):
                for cid in v:
                    if isinstance(cid, str):
                        acc[cid] = None
            elif k == "citation" and isinstance(v, str):
                acc[v] = None
            else:
                _ids(v, acc)
    elif isinstance(node, list):
        for v in node:
            _ids(v, acc)


@dataclass
class Result:
    amount_yuan: str
    facts: dict[str, Any]
    criminal: CriminalResult
    administrative: AdministrativeResult
    civil: CivilResult
    steps: list[Step]
    warnings: list[Caveat]
    similar_cases: list[dict[str, Any]]
    rules_version: str
    package_version: str
    as_of: str

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "amount_yuan": self.amount_yuan,
            "facts": self.facts,
            "criminal": self.criminal.to_dict(),
            "administrative": self.administrative.to_dict(),
            "civil": self.civil.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
            "warnings": [w.to_dict() for w in self.warnings],
            "similar_cases": self.similar_cases,
        }
        ids: dict[str, None] = {}
        _ids(out, ids)
        out["citations"] = {cid: _citation(cid) for cid in ids}
        out["disclaimer"] = DISCLAIMER
        out["rules_version"] = self.rules_version
        out["ruleset"] = {"version": self.package_version, "hash": self.rules_version}
        out["as_of"] = self.as_of
        from .labels import result_labels  # the display labels, read from the rule data (no copy in the page)

        out["labels"] = result_labels()
        return out
