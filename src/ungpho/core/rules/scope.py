"""Incident scope — facility, provincial or national — with who leads and who is told.

Facility and provincial levels come from the radiation instrument in force (TT 12/2023
Điều 1.1.a, 5, 17); the national level from QĐ 1251/QĐ-TTg Điều 1.I (≥ 2 provinces, ≥ 2
ministries, or transboundary) when it is in force. The widest level matched wins.
"""

from __future__ import annotations

from datetime import date

from ungpho.core.rules.criteria import facts_flatten, rules_match
from ungpho.core.rules.decision import Criterion, Decision, NoInstrumentInForce, Text
from ungpho.core.rules.facts import ScopeFacts
from ungpho.core.rules.loader import Instrument, rulebook
from ungpho.core.rules.tables import IncidentScope, ScopeLevel


def _levels(instrument: Instrument) -> list[tuple[Instrument, ScopeLevel]]:
    table = instrument.tables.get("incident_scope")
    return [(instrument, level) for level in table.levels] \
        if isinstance(table, IncidentScope) else []


def incident_scope(facts: ScopeFacts, instrument: Instrument, on: date) -> Decision:
    levels = _levels(instrument)
    notes = []
    try:
        levels += _levels(rulebook().in_force(on, "national_scope"))
    except NoInstrumentInForce as error:
        notes.append(Text(f"Không có văn bản về sự cố cấp quốc gia có hiệu lực ngày {on}.",
                          f"No national-scope instrument held was in force: {error}"))
    flat = facts_flatten(facts, "scope.")
    matched: list[Criterion] = []
    unknown: list[str] = []
    result = None
    for source, level in sorted(levels, key=lambda pair: -pair[1].rank):
        evaluation = rules_match(source, level.criteria, flat, level.id)
        matched += evaluation.matched
        if evaluation.matched and result is None:
            result = (source, level)
        if result is None:
            unknown += evaluation.unknown
    if result is None:
        return Decision("incident_scope", None, instrument.short, (),
                        tuple(dict.fromkeys(unknown)), tuple(notes))
    source, level = result
    transboundary = facts.transboundary is True
    # A national incident still runs through the province where it happens (QĐ 1251
    # III.2.b: "Địa phương nơi xảy ra sự cố phải báo cáo ngay"), so its board is told too.
    told = [(s, p) for s, lv in levels if lv.rank == level.rank or 2 <= lv.rank < level.rank
            for p in lv.notify if p.only_if is None or transboundary]
    notify = {p.id: {"id": p.id, "name": p.name.text().as_dict(), "citation": s.cite(p.cite)}
              for s, p in told}
    return Decision(
        "incident_scope",
        {"scope": level.id, "name": level.name.text().as_dict(),
         "lead": {"id": level.lead.id, "name": level.lead.name.text().as_dict(),
                  "citation": source.cite(level.lead.cite)},
         "notify": list(notify.values())},
        source.short, tuple(matched), tuple(dict.fromkeys(unknown)), tuple(notes))
