"""One call for the duty desk: every decision the facts of an incident allow, under the
instrument in force on the incident's date (TT 12/2023 or, before 2023-08-18, TT 25/2014)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ungpho.core.rules.alarm import alarm_level
from ungpho.core.rules.category import hazard_category
from ungpho.core.rules.deadlines import legal_deadlines
from ungpho.core.rules.decision import Decision
from ungpho.core.rules.facts import FactsError, IncidentFacts, Problem
from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.scope import incident_scope
from ungpho.core.rules.sources import source_group
from ungpho.core.vietnam_time import VIETNAM


def decision_date(on: date | None, moment: datetime | None, default: date) -> date:
    """The date that picks the instrument: given, else the local date of first information."""
    if on is not None:
        return on
    return moment.astimezone(VIETNAM).date() if moment is not None else default


def incident_classify(facts: IncidentFacts, *, today: date) -> dict[str, Any]:
    on = decision_date(facts.on, facts.first_information_at, today)
    instrument = rules_in_force(on)
    decisions: dict[str, Decision] = {}
    category = facts.hazard_category
    if facts.hazard is not None:
        decisions["hazard_category"] = computed = hazard_category(facts.hazard, instrument)
        if category and computed.result and computed.result != category:
            because = ", ".join(c.id for c in computed.matched)
            raise FactsError([Problem("$.hazard_category", f"given {category} but the hazard "
                                      f"facts give {computed.result} ({because})")])
        category = category or computed.result
    derived = {}
    if facts.sources:
        decisions["source_group"] = group = source_group(
            facts.sources, aggregated=facts.sources_aggregated)
        if group.result is not None:
            derived["event.source_group"] = group.result
    decisions["alarm_level"] = alarm_level(facts, instrument, category=category,
                                           derived=derived)
    if facts.scope is not None:
        decisions["incident_scope"] = incident_scope(facts.scope, instrument, on)
    if facts.first_information_at is not None and category is not None:
        decisions["deadlines"] = legal_deadlines(
            category=category, first_information_at=facts.first_information_at,
            classified_at=facts.classified_at, instrument=instrument,
            levels=facts.response_levels,
            transboundary=facts.scope.transboundary if facts.scope else None,
            upz_extends_abroad=facts.upz_extends_abroad)
    return {"on": on.isoformat(), "instrument": instrument.summary(),
            "hazard_category": category,
            "decisions": {name: d.as_dict() for name, d in decisions.items()}}
