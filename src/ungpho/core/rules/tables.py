"""The schema of every rule file that the engines decide from, and the registry of all
table kinds (the guidance tables' schemas are in ``guidance.py``); strict throughout.

Each file names its kind in ``table:``; the loader validates it with the model registered
under that name in :data:`TABLE_MODELS` and then runs the model's own checks (ranges that
overlap, ranges that leave gaps, references to unknown ids).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from ungpho.core.rules.conditions import Condition, ConditionError, FactSpec, condition_parse
from ungpho.core.rules.facts import (
    Category,
    DoseQuantity,
    IncidentFacts,
    Period,
    Situation,
    fact_specs,
)
from ungpho.core.rules.guidance import (
    Equipment,
    PublicMessages,
    PublicSafety,
    ReceptionForm,
    ResponsePhases,
)
from ungpho.core.rules.table_fields import (
    Bilingual,
    Id,
    IntervalText,
    LengthText,
    Strict,
    TableFile,
    measure_field,
    no_overlap,
    unique,
)
from ungpho.core.rules.units import Measure, measure_parse


def _conditions_on(specs: dict[str, FactSpec]):
    def parse(raw: Any) -> Condition:
        try:
            return condition_parse(raw, specs, "when")
        except ConditionError as error:
            raise ValueError(str(error)) from None
    return parse




INCIDENT_FACTS = fact_specs(IncidentFacts) | {
    "hazard.facility.a_over_d": FactSpec("number"),
    "hazard.foreign_zone": FactSpec("enum", ("PAZ", "UPZ", "EPD", "ICPD")),
}
IncidentCondition = Annotated[Condition, BeforeValidator(_conditions_on(INCIDENT_FACTS))]




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
        unique([c.category for c in self.categories], "category")
        unique([r.id for c in self.categories for r in c.criteria], "criterion id")
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
        unique([g.group for g in self.groups], "group")
        no_overlap([(f"group {g.group}", g.range) for g in self.groups], "ranges of")
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
        lambda raw: raw if raw == "unlimited" else measure_field("activity")(raw))]
    note: Bilingual | None = None


class DValues(TableFile):
    source: Bilingual
    values: tuple[DValue, ...]

    @model_validator(mode="after")
    def _check(self):
        unique([v.nuclide for v in self.values], "nuclide")
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
        unique([r.id for r in self.protective_zones], "protective zone id")
        for basis in ("reactor_thermal_power", "a_over_d"):
            no_overlap([(r.id, r.range) for r in self.protective_zones
                         if r.basis == basis and r.range], "rows")
        no_overlap([(r.id, r.range) for r in self.planning_distances], "rows")
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
        unique([c for s in self.schemes for c in s.categories], "category across schemes")
        unique([lv.id for s in self.schemes for lv in s.levels], "level id")
        unique([r.id for s in self.schemes for lv in s.levels for r in lv.criteria],
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
        unique([f"{c}/{lim.level}" for lim in self.limits for c in lim.categories],
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
        unique([c.id for c in self.criteria], "criterion id")
        for c in self.criteria:
            unknown = {a for ids in c.actions.values() for a in ids} - set(self.actions)
            if unknown:
                raise ValueError(f"criterion {c.id} names unknown actions {sorted(unknown)}")
            absorbed = c.quantity.startswith("AD")
            if c.threshold.dimension != ("absorbed_dose" if absorbed else "dose"):
                raise ValueError(f"criterion {c.id}: {c.quantity} threshold in wrong unit")
        keyed = [(f"{c.quantity}/{c.period}/{c.pathway}/{b}/{c.atomic_number}", c.id)
                 for c in self.criteria for b in c.actions]
        unique([k for k, _ in keyed], "criterion for quantity/period/pathway/basis")
        return self


class Restoration(TableFile):
    max_potential_effective_dose_per_year: Annotated[Measure, BeforeValidator(
        measure_field("dose"))]
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
    dose_rate: Annotated[Measure, BeforeValidator(measure_field("dose_rate"))]


class Cordons(TableFile):
    outdoor: tuple[OutdoorCordon, ...]
    indoor: tuple[IndoorCordon, ...]
    extend: CordonExtension

    @model_validator(mode="after")
    def _check(self):
        unique([r.situation for r in self.outdoor], "outdoor situation")
        unique([s for r in self.indoor for s in r.situations], "indoor situation")
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
