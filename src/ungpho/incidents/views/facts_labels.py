"""Labels of the facts the rules engine reads (``core.rules.facts``), by field name, of their
choices and of what its decisions give, for every page that shows a fact, a criterion or a
missing fact: no internal key reaches a screen. A name missing here is shown as written."""

import re

from django.utils.translation import gettext_lazy as _

FACT_LABELS = {
    "on": _("Date of the event (picks the instrument)"),
    "hazard_category": _("Hazard category (if known)"),
    "hazard": _("Hazard (for the category, Phụ lục I)"),
    "facility": _("Facility"),
    "kind": _("Kind of facility"),
    "reactor_thermal_power": _("Reactor thermal power"),
    "spent_fuel_cs137_inventory": _("Cs-137 in the spent-fuel store"),
    "spent_fuel_active_cooling_required": _("Spent fuel needs active cooling"),
    "sources": _("Radioactive sources involved"),
    "sources_aggregated": _("Sources kept together (Σ A/D)"),
    "dose_rate_1m_unshielded": _("Dose rate at 1 m if unshielded"),
    "release_potential": _("Release potential"),
    "loss_of_control_extent": _("Extent of a loss of control"),
    "fissile_material_within_500_m": _("Fissile material within 500 m of the boundary"),
    "activity": _("Activity"),
    "HazardFacts.activity": _("Kind of activity or event"),
    "foreign_facilities": _("Foreign facilities (category V)"),
    "name": _("Name"),
    "country": _("Country"),
    "distance": _("Distance"),
    "zones": _("Zone radii of its plan"),
    "nuclide": _("Nuclide"),
    "a_over_d": _("A/D (if known instead of nuclide and activity)"),
    "sealed": _("Sealed source"),
    "plant": _("Plant conditions (categories I–II, levels A/B/C)"),
    "abnormal_condition": _("Abnormal condition"),
    "offsite_effect_possible": _("Off-site effect possible"),
    "spent_fuel_safety_function_threatened": _("Spent-fuel safety function threatened"),
    "release_without_fuel_damage": _("Release without fuel damage"),
    "fuel_damage": _("Fuel damage"),
    "safety_functions_lost": _("Safety functions lost"),
    "fuel_protection_control_lost": _("Control of fuel protection lost"),
    "offsite_dose_rate": _("Off-site dose rate"),
    "event": _("Event (categories III–V, levels 1–3)"),
    "information_clear": _("Information clear"),
    "in_facility": _("In a facility"),
    "source_group": _("Source group 1–5 (if no sources are given)"),
    "source_sealed": _("Sealed source"),
    "source_out_of_control": _("Source out of control"),
    "transport": _("Transport incident"),
    "malicious_act": _("Riot, terrorism or sabotage"),
    "dose_rate": _("Highest dose rate it can cause"),
    "release": _("Release of radioactive material"),
    "contamination": _("Contamination"),
    "deterministic_effects": _("Deterministic effects"),
    "public_exposure": _("Exposure of the public"),
    "provinces_affected": _("Provinces affected"),
    "harm_to_people_or_environment": _("Harm to people or the environment"),
    "origin": _("Where it started"),
    "effect_in_vietnam": _("Effect in Vietnam (events abroad)"),
    "scope": _("Scope (response level and lead)"),
    "at_facility": _("At a facility"),
    "effects_beyond_site": _("Effects beyond the site"),
    "ministries_involved": _("Ministries involved"),
    "transboundary": _("Transboundary"),
    "response_levels": _("Response levels with deadlines"),
    "upz_extends_abroad": _("UPZ extends abroad"),
}

#: The values of the facts' choices (``Literal`` options of ``core.rules.facts``).
OPTION_LABELS = {
    "0_5_km_or_more_from_boundary": _("0.5 km or more from the boundary"),
    "abroad": _("abroad"),
    "clinical_symptoms": _("clinical symptoms"),
    "core_cooling": _("core cooling"),
    "elevated_readings_unknown_origin": _("elevated readings of unknown origin"),
    "environment_or_food": _("environment or food"),
    "essential_support_systems": _("essential support systems"),
    "facility": _("facility"),
    "fixed_gauge": _("fixed gauge"),
    "fuel_cycle": _("fuel cycle facility"),
    "heat_removal": _("heat removal"),
    "highly_exposed": _("highly exposed"),
    "illicit_trafficking": _("illicit trafficking"),
    "imminent": _("imminent"),
    "industrial_radiography": _("industrial radiography"),
    "insignificant": _("insignificant"),
    "irradiator": _("irradiator"),
    "licensed_practice": _("licensed practice"),
    "locality": _("locality"),
    "malicious_act": _("malicious act"),
    "may_lead_to_major_accident": _("may lead to a major accident"),
    "none": _("none"),
    "none_overexposed": _("nobody overexposed"),
    "not_leading_to_major_accident": _("not leading to a major accident"),
    "not_possible": _("not possible"),
    "nuclear_medicine": _("nuclear medicine"),
    "occurred": _("occurred"),
    "orphan_source": _("orphan source"),
    "other": _("other"),
    "other_province": _("another province"),
    "possible": _("possible"),
    "power_reactor": _("power reactor"),
    "radiotherapy": _("radiotherapy"),
    "reactor_shutdown": _("reactor shutdown"),
    "research_reactor": _("research reactor"),
    "severe": _("severe"),
    "severe_deterministic_offsite": _("severe deterministic effects off site"),
    "severe_expected": _("severe, expected"),
    "small_area": _("small area"),
    "spent_fuel_store": _("spent fuel store"),
    "this_province": _("this province"),
    "transboundary_event": _("transboundary event"),
    "urgent_action_offsite": _("urgent action off site"),
    "urgent_action_onsite": _("urgent action on site"),
    "well_logging": _("well logging"),
    "wide_area": _("wide area"),
    "within_0_5_km_of_boundary": _("within 0.5 km of the boundary"),
    "true": _("yes"),
    "false": _("no"),
}
#: The rules engine's decisions, by name.
DECISION_LABELS = {
    "hazard_category": _("Hazard category"),
    "alarm_level": _("Alarm level"),
    "incident_scope": _("Response scope"),
    "deadlines": _("Deadlines"),
}
#: What a criterion gives (a level, a scope) and the levels a deadline binds, by id
#: (TT 12/2023 Phụ lục III, Phụ lục VI; Điều 5).
GIVES_LABELS = {
    "cap_1": _("level 1"), "cap_2": _("level 2"), "cap_3": _("level 3"),
    "A": _("level A"), "B": _("level B"), "C": _("level C"),
    "facility": _("facility level"), "provincial": _("provincial level"),
    "locality": _("local level"),
}


#: A fact's path: ``event.dose_rate``, ``$.sources[0].activity``.
_PATH = re.compile(r"^[$\w.\[\]]+$")


def option_label(value: object) -> str:
    """A choice's label; a value without one (a number, a category I–V) as written."""
    label = OPTION_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def fact_label(path: str) -> str:
    """A fact by its labels: ``hazard.facility.release_potential`` (or
    ``$.sources[0].activity``) → ``Facility › Release potential`` (its last two names)."""
    parts = [p for p in re.split(r"[.\[\]$]+", path) if p and not p.isdigit()][-2:]
    labels = [FACT_LABELS.get(f"{before.capitalize()}Facts.{part}")  # its model's own label
              or FACT_LABELS.get(part, part.replace("_", " "))
              for before, part in zip(["", *parts], parts, strict=False)]
    return " › ".join(map(str, labels)) or path


def facts_shown(text: str) -> str:
    """A criterion's facts as ``core.rules.conditions.fact_show`` writes them (``name =
    value; …``), in labels: ``event.release = false`` → ``Event › Release…: no``."""
    shown = []
    for item in text.split("; "):
        name, equals, value = item.partition(" = ")
        if not equals or not _PATH.match(name):  # "A/D = 18.75": a quantity, not a fact
            shown.append(item)
            continue
        values = value.strip("[]").split(", ") if value.startswith("[") else [value]
        shown.append(f"{fact_label(name)}: {', '.join(option_label(v) for v in values)}")
    return "; ".join(shown)


def gives_label(value: object) -> str:
    label = GIVES_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def decision_label(name: str) -> str:
    label = DECISION_LABELS.get(name)
    return str(label) if label is not None else fact_label(name)
