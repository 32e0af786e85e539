"""The facts each engine reads, as strict models: unknown keys, wrong units, negative
amounts and contradictory facts are refused with the JSON path of each problem.

The JSON Schema of these models is the documented input of ``ungpho rules`` (docs/rules.md).
Every fact is optional unless an engine cannot start without it: an unknown fact is
reported by the decision as *missing*, never guessed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from types import UnionType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    StrictBool,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from ungpho.core.rules.conditions import FactSpec
from ungpho.core.rules.quantities import (
    AbsorbedDoseRate,
    Activity,
    AnyDose,
    Dimensions,
    DoseRate,
    EffectiveDose,
    Length,
    Power,
)
from ungpho.core.science.nuclides import nuclide_normalise
from ungpho.core.validate import Day, Moment, json_problems

Category = Literal["I", "II", "III", "IV", "V"]
FacilityKind = Literal[
    "power_reactor", "research_reactor", "spent_fuel_store", "irradiator", "radiotherapy",
    "nuclear_medicine", "industrial_radiography", "well_logging", "fixed_gauge",
    "fuel_cycle", "other"]
ActivityKind = Literal[
    "licensed_practice", "illicit_trafficking", "malicious_act", "orphan_source",
    "elevated_readings_unknown_origin", "clinical_symptoms", "transboundary_event"]
Zone = Literal["PAZ", "UPZ", "EPD", "ICPD"]


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class FactsError(ValueError):
    """Facts that cannot be used; ``problems`` lists each with its JSON path."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def as_dict(self) -> dict[str, Any]:
        return {"error": "invalid facts",
                "problems": [{"path": p.path, "message": p.message} for p in self.problems]}


class Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def contradictions(self) -> list[Problem]:
        """Facts that cannot all be true at once (each engine's model adds its own)."""
        return []


M = TypeVar("M", bound=Facts)


def json_path(loc: tuple[Any, ...]) -> str:
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    if error["type"] == "extra_forbidden":
        key = str(error["loc"][-1])
        known = _known_keys(model, error["loc"][:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key{hint}; known keys: {', '.join(sorted(known))}"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if isinstance(current, type) else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def facts_parse(model: type[M], data: Any) -> M:
    """Validate ``data`` (parsed JSON) into ``model`` or raise :class:`FactsError`."""
    if not isinstance(data, dict):
        raise FactsError([Problem("$", "the facts must be a JSON object")])
    unstorable = json_problems(data)
    if unstorable:
        raise FactsError([Problem(path, message) for path, message in unstorable])
    try:
        facts = model.model_validate(data)
    except ValidationError as error:
        raise FactsError([Problem(json_path(e["loc"]), _message(e, model))
                          for e in error.errors()]) from None
    problems = facts.contradictions()
    if problems:
        raise FactsError(problems)
    return facts


class SourceFacts(Facts):
    """One radioactive source: its A/D, or the nuclide and activity to compute it."""

    nuclide: str | None = None
    activity: Activity | None = None
    a_over_d: NonNegativeFloat | None = Field(None, description="A/D, dimensionless")
    sealed: StrictBool | None = None

    @field_validator("nuclide")
    @classmethod
    def _nuclide(cls, value: str | None) -> str | None:
        return None if value is None else nuclide_normalise(value)


class ZoneRadii(Facts):
    PAZ: Length | None = None
    UPZ: Length | None = None
    EPD: Length | None = None
    ICPD: Length | None = None


class FacilityFacts(Facts):
    """A facility, for its hazard category (TT 12/2023 Phụ lục I)."""

    kind: FacilityKind | None = None
    reactor_thermal_power: Power | None = None
    spent_fuel_cs137_inventory: Activity | None = None
    spent_fuel_active_cooling_required: StrictBool | None = None
    sources: tuple[SourceFacts, ...] = ()
    sources_aggregated: StrictBool = Field(
        False, description="the sources are together, so their A/D add up (Σ Aᵢ/Dᵢ)")
    dose_rate_1m_unshielded: AbsorbedDoseRate | None = None
    release_potential: Literal[
        "severe_deterministic_offsite", "urgent_action_offsite", "urgent_action_onsite",
        "none"] | None = None
    loss_of_control_extent: Literal[
        "within_0_5_km_of_boundary", "0_5_km_or_more_from_boundary"] | None = None
    fissile_material_within_500_m: StrictBool | None = None


class ForeignFacilityFacts(Facts):
    """A category I/II facility in another country, for category V (Phụ lục I, IV)."""

    name: str
    country: str
    hazard_category: Literal["I", "II"]
    distance: Length = Field(description="from the Vietnamese area to the release point")
    reactor_thermal_power: Power | None = None
    zones: ZoneRadii | None = Field(None, description="the radii its plan uses, if published")


class HazardFacts(Facts):
    facility: FacilityFacts | None = None
    activity: ActivityKind | None = None
    foreign_facilities: tuple[ForeignFacilityFacts, ...] = ()


class PlantFacts(Facts):
    """Conditions at a category I/II facility, for alarm levels A/B/C (Phụ lục III.1)."""

    abnormal_condition: Literal[
        "not_leading_to_major_accident", "may_lead_to_major_accident"] | None = None
    offsite_effect_possible: StrictBool | None = None
    spent_fuel_safety_function_threatened: StrictBool | None = None
    release_without_fuel_damage: StrictBool | None = None
    fuel_damage: Literal["none", "imminent", "occurred", "severe_expected", "severe"] | None \
        = None
    safety_functions_lost: tuple[Literal[
        "reactor_shutdown", "core_cooling", "heat_removal", "essential_support_systems"],
        ...] | None = None
    fuel_protection_control_lost: StrictBool | None = None
    offsite_dose_rate: DoseRate | None = None

    def contradictions(self) -> list[Problem]:
        if self.release_without_fuel_damage and self.fuel_damage not in (None, "none"):
            return [Problem("$.plant.release_without_fuel_damage",
                            f"contradicts fuel_damage={self.fuel_damage!r}")]
        return []


class EventFacts(Facts):
    """An event of category III–V, for alarm levels Cấp 1–3 (Phụ lục III.2)."""

    information_clear: StrictBool | None = None
    in_facility: StrictBool | None = None
    source_group: int | None = Field(None, ge=1, le=5)
    source_sealed: StrictBool | None = None
    source_out_of_control: StrictBool | None = None
    transport: StrictBool | None = None
    malicious_act: StrictBool | None = None
    dose_rate: DoseRate | None = Field(None, description="the highest dose rate it can cause")
    release: StrictBool | None = None
    contamination: Literal["none", "small_area", "wide_area"] | None = None
    deterministic_effects: Literal["not_possible", "possible", "occurred"] | None = None
    public_exposure: Literal["none_overexposed", "highly_exposed"] | None = None
    provinces_affected: int | None = Field(None, ge=0)
    harm_to_people_or_environment: StrictBool | None = None
    origin: Literal["this_province", "other_province", "abroad"] | None = None
    effect_in_vietnam: Literal["insignificant", "environment_or_food"] | None = None

    def contradictions(self) -> list[Problem]:
        problems = []
        if self.release is False and self.contamination in ("small_area", "wide_area"):
            problems.append(Problem("$.event.contamination",
                                    f"{self.contamination!r} contradicts release=false"))
        if self.release is True and self.contamination == "none":
            problems.append(Problem("$.event.contamination",
                                    "'none' contradicts release=true"))
        if self.in_facility and self.origin == "abroad":
            problems.append(Problem("$.event.origin", "'abroad' contradicts in_facility=true"))
        if self.effect_in_vietnam is not None and self.origin not in (None, "abroad"):
            problems.append(Problem("$.event.effect_in_vietnam",
                                    f"only for events abroad, but origin={self.origin!r}"))
        return problems


class ScopeFacts(Facts):
    """Where the event reaches, for the incident scope (QĐ 1251 Điều 1.I; TT 12 Điều 1)."""

    at_facility: StrictBool | None = None
    effects_beyond_site: StrictBool | None = None
    provinces_affected: int | None = Field(None, ge=0)
    ministries_involved: int | None = Field(None, ge=0)
    transboundary: StrictBool | None = None

    def contradictions(self) -> list[Problem]:
        if self.effects_beyond_site is False and (self.provinces_affected or 0) >= 2:
            return [Problem("$.scope.provinces_affected",
                            f"{self.provinces_affected} provinces contradicts "
                            "effects_beyond_site=false")]
        return []


def _dated(on: date | None, first_information_at: datetime | None) -> list[Problem]:
    if on and first_information_at and first_information_at.date() != on:
        return [Problem("$.on", f"{on} differs from first_information_at "
                                f"{first_information_at.isoformat()}")]
    return []


class IncidentFacts(Facts):
    """Input of ``ungpho rules classify``: everything known about one incident."""

    on: Day | None = Field(None, description="date of the event; picks the instrument")
    first_information_at: Moment | None = None
    classified_at: Moment | None = None
    hazard_category: Category | None = None
    hazard: HazardFacts | None = None
    sources: tuple[SourceFacts, ...] = Field((), description="the sources involved")
    sources_aggregated: StrictBool = False
    plant: PlantFacts | None = None
    event: EventFacts | None = None
    scope: ScopeFacts | None = None
    response_levels: tuple[Literal["facility", "locality"], ...] = ("facility", "locality")
    upz_extends_abroad: StrictBool | None = None

    def contradictions(self) -> list[Problem]:
        problems = _dated(self.on, self.first_information_at)
        if self.classified_at and self.first_information_at \
                and self.classified_at < self.first_information_at:
            problems.append(Problem("$.classified_at", "is before first_information_at"))
        for part in (self.plant, self.event, self.scope):
            problems += part.contradictions() if part else []
        if self.event and self.event.source_group and self.sources:
            problems.append(Problem("$.event.source_group",
                                    "give the sources or their group, not both"))
        return problems


class DeadlineFacts(Facts):
    """Input of ``ungpho rules deadlines`` (TT 12/2023 Phụ lục VI)."""

    hazard_category: Category
    first_information_at: Moment
    classified_at: Moment | None = None
    response_levels: tuple[Literal["facility", "locality"], ...] = ("facility", "locality")
    transboundary: StrictBool | None = None
    upz_extends_abroad: StrictBool | None = None

    def contradictions(self) -> list[Problem]:
        if self.classified_at and self.classified_at < self.first_information_at:
            return [Problem("$.classified_at", "is before first_information_at")]
        return []


class ZoneFacts(Facts):
    """Input of ``ungpho rules zones`` (TT 12/2023 Phụ lục IV)."""

    on: Day | None = None
    reactor_thermal_power: Power | None = None
    a_over_d: NonNegativeFloat | None = None
    sources: tuple[SourceFacts, ...] = ()
    sources_aggregated: StrictBool = False
    fissile_material_within_500_m: StrictBool | None = None
    chosen: ZoneRadii | None = Field(None, description="the radii the plan chose")

    def contradictions(self) -> list[Problem]:
        if self.a_over_d is not None and self.sources:
            return [Problem("$.a_over_d", "give the sources or their A/D, not both")]
        return []


Situation = Literal[
    "unshielded_or_damaged_source", "large_spill", "fire_explosion_smoke", "suspected_bomb"]


class Measurement(Facts):
    distance: Length = Field(description="from the source to where it was measured")
    dose_rate: DoseRate


class CordonFacts(Facts):
    """Input of ``ungpho rules cordon`` (TT 12/2023 Phụ lục VIII.IV)."""

    on: Day | None = None
    setting: Literal["outdoors", "indoors"]
    situations: tuple[Situation, ...] = Field(min_length=1)
    measurements: tuple[Measurement, ...] = ()


DoseQuantity = Literal[
    "E", "H_thyroid", "H_fetus", "AD_red_marrow", "AD_fetus", "AD_tissue", "AD_skin",
    "AD_delta_red_marrow", "AD_delta_thyroid", "AD_delta_lung", "AD_delta_colon",
    "AD_delta_fetus"]
Period = Literal[
    "acute_external_lt_10h", "intake_30_days", "first_7_days", "first_month", "first_year",
    "full_in_utero", "per_year"]


class DoseFacts(Facts):
    quantity: DoseQuantity
    dose: AnyDose
    basis: Literal["projected", "received"]
    period: Period
    pathway: Literal["all", "food_milk_water", "vehicles_goods", "international_trade"] = "all"
    atomic_number: int | None = Field(None, ge=1, le=118,
                                      description="Z of the nuclide, for AD(Δ) red marrow")


class RestorationFacts(Facts):
    potential_effective_dose_per_year: EffectiveDose
    remediation_applied: StrictBool | None = None


class ActionFacts(Facts):
    """Input of ``ungpho rules actions`` (TT 12/2023 Phụ lục II, Điều 25.2)."""

    on: Day | None = None
    doses: tuple[DoseFacts, ...] = ()
    restoration: RestorationFacts | None = None

    def contradictions(self) -> list[Problem]:
        problems = []
        for i, dose in enumerate(self.doses):
            path = f"$.doses[{i}]"
            absorbed = dose.quantity.startswith("AD")
            expected = "absorbed_dose" if absorbed else "dose"
            if dose.dose.dimension != expected:
                problems.append(Problem(f"{path}.dose", f"{dose.quantity} is an "
                                        f"{'absorbed dose in Gy' if absorbed else 'dose in Sv'}"
                                        f", got {dose.dose.given!r}"))
            if dose.atomic_number is not None and dose.quantity != "AD_delta_red_marrow":
                problems.append(Problem(f"{path}.atomic_number",
                                        "only used for AD_delta_red_marrow"))
        return problems


class MessageFacts(Facts):
    """Input of ``ungpho rules message`` (TT 12/2023 Phụ lục VIII.II)."""

    on: Day | None = None
    template: str
    values: dict[str, str | dict[Literal["vi", "en"], str]] = {}
    flags: dict[str, StrictBool] = {}


def _leaf_spec(annotation: Any, metadata: list[Any]) -> FactSpec | None:
    for item in metadata:
        if isinstance(item, Dimensions) and len(item.names) == 1:
            return FactSpec(item.names[0])
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _leaf_spec(args[0], list(args[1:]))
    if origin is Literal:
        return FactSpec("enum", args)
    if origin in (Union, UnionType):
        specs = [_leaf_spec(a, []) for a in args if a is not type(None)]
        return specs[0] if len(specs) == 1 else None
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = _leaf_spec(args[0], [])
        return inner if inner and inner.kind == "enum" else None
    return {bool: FactSpec("bool"), int: FactSpec("int"), float: FactSpec("number")}.get(
        annotation)


def fact_specs(model: type[BaseModel], prefix: str = "") -> dict[str, FactSpec]:
    """Every scalar fact of ``model`` by dotted name, for checking the rule files' conditions.

    >>> fact_specs(ScopeFacts)["transboundary"].kind
    'bool'
    """
    specs: dict[str, FactSpec] = {}
    for name, field in model.model_fields.items():
        nested = _model_in(field.annotation)
        if nested is not None and get_origin(field.annotation) is not tuple:
            specs |= fact_specs(nested, f"{prefix}{name}.")
            continue
        spec = _leaf_spec(field.annotation, list(field.metadata))
        if spec is not None:
            specs[f"{prefix}{name}"] = spec
    return specs
