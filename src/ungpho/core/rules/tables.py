"""The schema of every rule file: one model per kind of table, strict (unknown keys refused).

Each file names its kind in ``table:``; the loader validates it with the model registered
under that name in :data:`TABLE_MODELS` and then runs the model's own checks (ranges that
overlap, ranges that leave gaps, references to unknown ids).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ungpho.core.rules.conditions import Condition, ConditionError, FactSpec, condition_parse
from ungpho.core.rules.decision import Text
from ungpho.core.rules.facts import (
    Category,
    DoseQuantity,
    IncidentFacts,
    Period,
    Situation,
    fact_specs,
)
from ungpho.core.rules.intervals import Interval, interval_parse, overlapping_pairs
from ungpho.core.rules.units import Measure, measure_parse


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Bilingual(Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self) -> Text:
        return Text(self.vi, self.en)


def _interval(raw: Any) -> Interval:
    return raw if isinstance(raw, Interval) else interval_parse(raw)


def _measure(dimension: str):
    return lambda raw: raw if isinstance(raw, Measure) else measure_parse(raw, dimension)


def _conditions_on(specs: dict[str, FactSpec]):
    def parse(raw: Any) -> Condition:
        try:
            return condition_parse(raw, specs, "when")
        except ConditionError as error:
            raise ValueError(str(error)) from None
    return parse


IntervalText = Annotated[Interval, BeforeValidator(_interval)]
LengthText = Annotated[Measure, BeforeValidator(_measure("length"))]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$")]

INCIDENT_FACTS = fact_specs(IncidentFacts) | {
    "hazard.facility.a_over_d": FactSpec("number"),
    "hazard.foreign_zone": FactSpec("enum", ("PAZ", "UPZ", "EPD", "ICPD")),
}
IncidentCondition = Annotated[Condition, BeforeValidator(_conditions_on(INCIDENT_FACTS))]


def _no_overlap(named: list[tuple[str, Interval]], what: str) -> None:
    pairs = overlapping_pairs(named)
    if pairs:
        raise ValueError("; ".join(f"{what} {a} and {b} overlap" for a, b in pairs))


def _unique(ids: list[str], what: str) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise ValueError(f"duplicate {what}: {sorted(seen)}")


class Absent(Strict):
    """A table the instrument has but whose text we do not hold."""

    table: str
    cite: str
    reason: Bilingual


class InstrumentFile(Strict):
    id: Id
    number: str
    short: str
    kind: Literal["circular", "decision", "standard", "reference"]
    subject: Literal["radiation", "national_scope", "reference"]
    title: Bilingual
    issuer: Bilingual
    issued: date
    effective: date | None
    replaces: str | None = None
    source: Bilingual
    absent_tables: tuple[Absent, ...] = ()

    @model_validator(mode="after")
    def _dated(self):
        if self.subject != "reference" and self.effective is None:
            raise ValueError("an instrument chosen by date needs its 'effective' date")
        if self.effective and self.effective < self.issued:
            raise ValueError("'effective' is before 'issued'")
        return self


class TableFile(Strict):
    table: str
    cite: str
    title: Bilingual


class Rule(Strict):
    id: Id
    cite: str
    text: Bilingual
    when: IncidentCondition


class CategoryRow(Strict):
    category: Category
    rank: int = Field(ge=1, le=5, description="1 is the most severe")
    definition: Bilingual
    criteria: tuple[Rule, ...] = ()


class HazardCategories(TableFile):
    categories: tuple[CategoryRow, ...]

    @model_validator(mode="after")
    def _check(self):
        _unique([c.category for c in self.categories], "category")
        _unique([r.id for c in self.categories for r in c.criteria], "criterion id")
        return self


class SourceGroup(Strict):
    group: int = Field(ge=1, le=5)
    range: IntervalText
    name: Bilingual
    description: Bilingual
    examples: Bilingual | None = None


class SourceGroups(TableFile):
    groups: tuple[SourceGroup, ...]

    @model_validator(mode="after")
    def _check(self):
        _unique([g.group for g in self.groups], "group")
        _no_overlap([(f"group {g.group}", g.range) for g in self.groups], "ranges of")
        ranges = sorted((g.range for g in self.groups), key=lambda r: r.low)
        if ranges[0].low != 0 or not ranges[0].low_closed or not math.isinf(ranges[-1].high):
            raise ValueError("the groups must cover every A/D from 0 to infinity")
        for a, b in zip(ranges, ranges[1:], strict=False):
            if a.high != b.low or a.high_closed == b.low_closed:
                raise ValueError(f"A/D between {a} and {b} falls in no group")
        return self


class DValue(Strict):
    nuclide: str
    d: Annotated[Measure | Literal["unlimited"], BeforeValidator(
        lambda raw: raw if raw == "unlimited" else _measure("activity")(raw))]
    note: Bilingual | None = None


class DValues(TableFile):
    source: Bilingual
    values: tuple[DValue, ...]

    @model_validator(mode="after")
    def _check(self):
        _unique([v.nuclide for v in self.values], "nuclide")
        return self


class ProtectiveZoneRow(Strict):
    id: Id
    category: Literal["I", "II"]
    cite: str
    basis: Literal["reactor_thermal_power", "a_over_d", "fissile_material_within_500_m"]
    range: IntervalText | None = None
    paz: IntervalText | None
    upz: IntervalText

    @model_validator(mode="after")
    def _check(self):
        if (self.range is None) != (self.basis == "fissile_material_within_500_m"):
            raise ValueError("a range is needed exactly when the basis is a quantity")
        for name, zone in (("paz", self.paz), ("upz", self.upz)):
            if zone is not None and zone.dimension != "length":
                raise ValueError(f"{name} must be a length range, e.g. '[3, 5] km'")
        return self


class PlanningDistanceRow(Strict):
    id: Id
    cite: str
    range: IntervalText
    epd: LengthText
    icpd: LengthText


class Zones(TableFile):
    protective_zones: tuple[ProtectiveZoneRow, ...]
    planning_distances: tuple[PlanningDistanceRow, ...]
    notes: tuple[Bilingual, ...] = ()

    @model_validator(mode="after")
    def _check(self):
        _unique([r.id for r in self.protective_zones], "protective zone id")
        for basis in ("reactor_thermal_power", "a_over_d"):
            _no_overlap([(r.id, r.range) for r in self.protective_zones
                         if r.basis == basis and r.range], "rows")
        _no_overlap([(r.id, r.range) for r in self.planning_distances], "rows")
        return self


class Level(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]
    rank: int = Field(ge=1)
    name: Bilingual
    description: Bilingual | None = None
    criteria: tuple[Rule, ...]


class Scheme(Strict):
    id: Id
    cite: str
    categories: tuple[Category, ...]
    levels: tuple[Level, ...]


class AlarmLevels(TableFile):
    schemes: tuple[Scheme, ...]
    notes: tuple[Bilingual, ...] = ()

    @model_validator(mode="after")
    def _check(self):
        _unique([c for s in self.schemes for c in s.categories], "category across schemes")
        _unique([lv.id for s in self.schemes for lv in s.levels], "level id")
        _unique([r.id for s in self.schemes for lv in s.levels for r in lv.criteria],
                "criterion id")
        return self


class DeadlineLimit(Strict):
    categories: tuple[Category, ...]
    level: Literal["facility", "locality"]
    within_minutes: int | None = Field(ge=1, description="'< N'; null: row without a time")


class DeadlineAction(Strict):
    id: Id
    cite: str
    text: Bilingual
    start: Literal["first_information", "classification"]
    only_if: Literal["transboundary", "upz_extends_abroad"] | None = None
    limits: tuple[DeadlineLimit, ...]

    @model_validator(mode="after")
    def _check(self):
        _unique([f"{c}/{lim.level}" for lim in self.limits for c in lim.categories],
                "category/level")
        return self


class Deadlines(TableFile):
    actions: tuple[DeadlineAction, ...]
    notes: tuple[Bilingual, ...] = ()


class DoseCriterion(Strict):
    id: Id
    cite: str
    text: Bilingual
    quantity: DoseQuantity
    period: Period
    pathway: Literal["all", "food_milk_water", "vehicles_goods", "international_trade"]
    threshold: Annotated[Measure, BeforeValidator(
        lambda raw: raw if isinstance(raw, Measure) else measure_parse(raw))]
    atomic_number: IntervalText | None = None
    actions: dict[Literal["projected", "received"], tuple[Id, ...]]


class GenericCriteria(TableFile):
    actions: dict[Id, Bilingual]
    criteria: tuple[DoseCriterion, ...]

    @model_validator(mode="after")
    def _check(self):
        _unique([c.id for c in self.criteria], "criterion id")
        for c in self.criteria:
            unknown = {a for ids in c.actions.values() for a in ids} - set(self.actions)
            if unknown:
                raise ValueError(f"criterion {c.id} names unknown actions {sorted(unknown)}")
            absorbed = c.quantity.startswith("AD")
            if c.threshold.dimension != ("absorbed_dose" if absorbed else "dose"):
                raise ValueError(f"criterion {c.id}: {c.quantity} threshold in wrong unit")
        keyed = [(f"{c.quantity}/{c.period}/{c.pathway}/{b}/{c.atomic_number}", c.id)
                 for c in self.criteria for b in c.actions]
        _unique([k for k, _ in keyed], "criterion for quantity/period/pathway/basis")
        return self


class Restoration(TableFile):
    max_potential_effective_dose_per_year: Annotated[Measure, BeforeValidator(
        _measure("dose"))]
    requires_remediation_applied: bool
    text: Bilingual


class OutdoorCordon(Strict):
    situation: Situation
    cite: str
    text: Bilingual
    radius: LengthText
    at_least: bool = False


class IndoorCordon(Strict):
    id: Id
    cite: str
    situations: tuple[Situation, ...]
    text: Bilingual
    area: Bilingual
    plus_outdoor_radius: bool = False


class CordonExtension(Strict):
    cite: str
    text: Bilingual
    dose_rate: Annotated[Measure, BeforeValidator(_measure("dose_rate"))]


class Cordons(TableFile):
    outdoor: tuple[OutdoorCordon, ...]
    indoor: tuple[IndoorCordon, ...]
    extend: CordonExtension

    @model_validator(mode="after")
    def _check(self):
        _unique([r.situation for r in self.outdoor], "outdoor situation")
        _unique([s for r in self.indoor for s in r.situations], "indoor situation")
        return self


class Party(Strict):
    id: Id
    name: Bilingual
    cite: str
    only_if: Literal["transboundary"] | None = None


class ScopeLevel(Strict):
    id: Literal["facility", "provincial", "national"]
    rank: int = Field(ge=1, le=3)
    name: Bilingual
    criteria: tuple[Rule, ...]
    lead: Party
    notify: tuple[Party, ...]


class IncidentScope(TableFile):
    levels: tuple[ScopeLevel, ...]


class Item(Strict):
    id: Id
    vi: str
    en: str
    cite: str | None = None


class CitedText(Bilingual):
    cite: str | None = None


class EquipmentGroup(Strict):
    id: Id
    cite: str
    name: Bilingual
    items: tuple[Item, ...]


class Equipment(TableFile):
    groups: tuple[EquipmentGroup, ...]


class Phase(Strict):
    number: int = Field(ge=1)
    id: Id
    cite: str
    name: Bilingual
    content: Bilingual
    checklist: tuple[Item, ...]


class ResponsePhases(TableFile):
    phases: tuple[Phase, ...]

    @model_validator(mode="after")
    def _check(self):
        if [p.number for p in self.phases] != list(range(1, len(self.phases) + 1)):
            raise ValueError("phases must be numbered 1, 2, 3 … in order")
        return self


class FormField(Strict):
    id: Id
    label: Bilingual
    type: Literal["text", "phone", "datetime", "yes_no", "choice", "multi_choice", "textarea"]
    options: tuple[Item, ...] = ()
    cite: str | None = None
    hint: Bilingual | None = None


class FormSection(Strict):
    id: Id
    cite: str
    name: Bilingual
    fields: tuple[FormField, ...]


class ReceptionForm(TableFile):
    sections: tuple[FormSection, ...]


class SafetyItem(Strict):
    number: int
    cite: str
    vi: str
    en: str


class PublicSafety(TableFile):
    items: tuple[SafetyItem, ...]


_PLACEHOLDER = re.compile(r"\{(\??|/?)([a-z0-9_]+)\}")


def template_names(body: str) -> tuple[set[str], set[str]]:
    """(placeholders, flags) used in a message body."""
    found = _PLACEHOLDER.findall(body)
    return {n for k, n in found if k == ""}, {n for k, n in found if k == "?"}


class MessageTemplate(Strict):
    id: Id
    cite: str
    title: Bilingual
    use_when: Bilingual
    body: Bilingual


class PublicMessages(TableFile):
    notes: tuple[CitedText, ...] = ()
    placeholders: dict[Id, Bilingual]
    flags: dict[Id, Bilingual] = {}
    templates: tuple[MessageTemplate, ...]

    @model_validator(mode="after")
    def _check(self):
        used_p, used_f = set(), set()
        for t in self.templates:
            names = {lang: template_names(getattr(t.body, lang)) for lang in ("vi", "en")}
            if names["vi"] != names["en"]:
                raise ValueError(f"template {t.id}: Vietnamese and English bodies use "
                                 "different placeholders or flags")
            for lang in ("vi", "en"):
                body = getattr(t.body, lang)
                stray = re.sub(_PLACEHOLDER, "", body)
                if "{" in stray or "}" in stray:
                    raise ValueError(f"template {t.id} ({lang}): a brace outside a "
                                     "placeholder")
                opened = re.findall(r"\{\?([a-z0-9_]+)\}", body)
                closed = re.findall(r"\{/([a-z0-9_]+)\}", body)
                if opened != closed:
                    raise ValueError(f"template {t.id} ({lang}): sections {opened} are not "
                                     f"closed in order ({closed})")
            used_p |= names["vi"][0]
            used_f |= names["vi"][1]
        for kind, used, declared in (("placeholder", used_p, set(self.placeholders)),
                                     ("flag", used_f, set(self.flags))):
            if used - declared:
                raise ValueError(f"undeclared {kind}s: {sorted(used - declared)}")
            if declared - used:
                raise ValueError(f"declared but unused {kind}s: {sorted(declared - used)}")
        return self


TABLE_MODELS: dict[str, type[TableFile]] = {
    "hazard_categories": HazardCategories,
    "source_groups": SourceGroups,
    "d_values": DValues,
    "zones": Zones,
    "alarm_levels": AlarmLevels,
    "deadlines": Deadlines,
    "generic_criteria": GenericCriteria,
    "restoration": Restoration,
    "cordons": Cordons,
    "incident_scope": IncidentScope,
    "equipment": Equipment,
    "response_phases": ResponsePhases,
    "reception_form": ReceptionForm,
    "public_safety": PublicSafety,
    "public_messages": PublicMessages,
}
