"""The rule tables as text for people: Vietnamese first, English gloss after, each row with
its citation (``ungpho rules show``)."""

from __future__ import annotations

from collections.abc import Iterator

from ungpho.core.rules.conditions import Condition
from ungpho.core.rules.guidance import (
    Equipment,
    PublicMessages,
    PublicSafety,
    ReceptionForm,
    ResponsePhases,
)
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.table_fields import Bilingual, TableFile
from ungpho.core.rules.tables import (
    AlarmLevels,
    Cordons,
    Deadlines,
    DValues,
    GenericCriteria,
    HazardCategories,
    IncidentScope,
    Restoration,
    Rule,
    SourceGroups,
    Zones,
)


def _both(text: Bilingual) -> str:
    return f"{text.vi} — {text.en}"


def _when(condition: Condition) -> str:
    if condition.all:
        return " và/and ".join(_when(c) for c in condition.all)
    test = (f"∈ {condition.within}" if condition.within is not None
            else f"∈ {list(condition.one_of)}" if condition.one_of else f"= {condition.equals}")
    return f"{condition.fact} {test}"


def _rules(rules: tuple[Rule, ...]) -> Iterator[str]:
    for rule in rules:
        yield f"    - {_both(rule.text)}"
        yield f"      [{rule.cite}] khi/when {_when(rule.when)}"


def _rows(table: TableFile) -> Iterator[str]:  # noqa: C901 - one branch per kind of table
    if isinstance(table, HazardCategories):
        for row in table.categories:
            yield f"  Nhóm nguy cơ {row.category}: {_both(row.definition)}"
            yield from _rules(row.criteria)
    elif isinstance(table, AlarmLevels):
        for scheme in table.schemes:
            yield f"  [{scheme.cite}] nhóm/categories {', '.join(scheme.categories)}"
            for level in scheme.levels:
                yield f"  {_both(level.name)}"
                yield from _rules(level.criteria)
    elif isinstance(table, IncidentScope):
        for level in table.levels:
            yield f"  {_both(level.name)} — chủ trì/lead: {_both(level.lead.name)}"
            yield from _rules(level.criteria)
            for party in level.notify:
                only = f" (chỉ khi/only if {party.only_if})" if party.only_if else ""
                yield f"    → thông báo/notify: {_both(party.name)} [{party.cite}]{only}"
    elif isinstance(table, Zones):
        for row in table.protective_zones:
            yield (f"  [{row.cite}] nhóm {row.category}, {row.basis} {row.range or ''}: "
                   f"PAZ {row.paz or 'không/none'}, UPZ {row.upz}")
        for row in table.planning_distances:
            yield f"  [{row.cite}] {row.range}: EPD {row.epd}, ICPD {row.icpd}"
    elif isinstance(table, Deadlines):
        for action in table.actions:
            yield f"  [{action.cite}] {_both(action.text)}"
            for lim in action.limits:
                limit = f"< {lim.within_minutes} phút/min" if lim.within_minutes else "—"
                yield f"    nhóm {', '.join(lim.categories)} / {lim.level}: {limit}"
    elif isinstance(table, GenericCriteria):
        for c in table.criteria:
            acts = "; ".join(f"{basis}: {', '.join(ids)}" for basis, ids in c.actions.items())
            yield f"  [{c.cite}] {_both(c.text)} → {acts}"
        for key, text in table.actions.items():
            yield f"    {key}: {_both(text)}"
    elif isinstance(table, Cordons):
        for row in table.outdoor:
            yield (f"  [{row.cite}] {_both(row.text)}: {'≥ ' if row.at_least else ''}"
                   f"{row.radius}")
        for row in table.indoor:
            yield f"  [{row.cite}] {_both(row.text)}: {_both(row.area)}"
        yield f"  [{table.extend.cite}] {_both(table.extend.text)}"
    elif isinstance(table, SourceGroups):
        for g in table.groups:
            yield f"  {_both(g.name)}: A/D {g.range} — {_both(g.description)}"
    elif isinstance(table, DValues):
        for v in table.values:
            yield f"  {v.nuclide}: D = {v.d}"
    elif isinstance(table, Restoration):
        yield f"  {_both(table.text)}"
    elif isinstance(table, Equipment):
        for group in table.groups:
            yield f"  [{group.cite}] {_both(group.name)}"
            yield from (f"    - {i.vi} — {i.en}" for i in group.items)
    elif isinstance(table, ResponsePhases):
        for p in table.phases:
            yield f"  {p.number}. [{p.cite}] {_both(p.name)}"
            yield from (f"    - {i.vi} — {i.en}" for i in p.checklist)
    elif isinstance(table, ReceptionForm):
        for section in table.sections:
            yield f"  [{section.cite}] {_both(section.name)}"
            yield from (f"    - {_both(f.label)} ({f.type})" for f in section.fields)
    elif isinstance(table, PublicSafety):
        yield from (f"  {i.number}. {i.vi} — {i.en}" for i in table.items)
    elif isinstance(table, PublicMessages):
        for t in table.templates:
            yield f"  [{t.cite}] {t.id}: {_both(t.title)}"


def instrument_show(instrument: Instrument) -> Iterator[str]:
    head = (f"{instrument.short} — {instrument.title.vi}\n  ({instrument.title.en})\n"
            f"  hiệu lực/in force: {instrument.effective or '—'}"
            f"{f' → {instrument.until}' if instrument.until else ''}")
    yield head
    for table in instrument.tables.values():
        yield f"\n■ {table.title.vi} — {table.title.en}  [{instrument.cite(table.cite)}]"
        yield from _rows(table)
    for name, absent in instrument.absent.items():
        yield f"\n□ {name} [{absent.cite}]: {_both(absent.reason)}"
