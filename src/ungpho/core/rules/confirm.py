"""What an officer may confirm on a classification, whatever the rules engine suggested: a
hazard category, an alarm level on that category's scale and a response scope, each one that
the instruments in force define. Every door that classifies (the API, the incident page, the
services) asks this one function.

- Hazard categories I–V (TT 12/2023/TT-BKHCN Phụ lục I; ``alarm_levels`` schemes list them).
- Alarm levels by rank on the category's scale (Điều 22.1, Phụ lục III: A/B/C for I–II,
  Cấp 1/2/3 for III–V); an instrument held without an alarm-level table (TT 25/2014 as held
  here) is checked against the ranks both scales share, 1 … 3.
- Scopes: the levels of the instrument's ``incident_scope`` table (facility, provincial:
  Điều 1.1.a, 5, 17) and of the national-scope instrument in force (QĐ 1251/QĐ-TTg Điều 1.I).
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any, get_args

from ungpho.core.rules.decision import NoInstrumentInForce
from ungpho.core.rules.facts import Category
from ungpho.core.rules.loader import Instrument, rulebook
from ungpho.core.rules.tables import AlarmLevels, IncidentScope
from ungpho.core.validate import Message, gettext_noop, storable_text, text_problem

#: Ranks shared by both alarm scales, for an instrument held without its table.
_RANKS = (1, 2, 3)
LEAD_CHARS = 200

ERR_CATEGORY = gettext_noop("%(value)s is not a hazard category of %(instrument)s "
                            "(%(allowed)s)")
ERR_LEVEL = gettext_noop("%(value)s is not an alarm level of category %(category)s under "
                         "%(instrument)s (%(allowed)s)")
ERR_LEVEL_CATEGORY = gettext_noop("an alarm level needs the hazard category whose scale it is "
                                  "on")
ERR_SCOPE = gettext_noop("%(value)s is not a response scope in force (%(allowed)s)")
ERR_LEAD = gettext_noop("the lead organisation must be text of at most %(max)s characters "
                        "that can be stored")


def categories_of(instrument: Instrument) -> tuple[str, ...]:
    table = instrument.tables.get("alarm_levels")
    if isinstance(table, AlarmLevels):
        return tuple(c for scheme in table.schemes for c in scheme.categories)
    return get_args(Category)


def level_ranks(instrument: Instrument, category: str) -> tuple[int, ...]:
    table = instrument.tables.get("alarm_levels")
    if not isinstance(table, AlarmLevels):
        return _RANKS
    for scheme in table.schemes:
        if category in scheme.categories:
            return tuple(sorted(level.rank for level in scheme.levels))
    return ()


def scopes_in_force(instrument: Instrument, on: date) -> tuple[str, ...]:
    tables = [instrument.tables.get("incident_scope")]
    with contextlib.suppress(NoInstrumentInForce):  # none held for that date
        tables.append(rulebook().in_force(on, "national_scope").tables.get("incident_scope"))
    return tuple(level.id for table in tables if isinstance(table, IncidentScope)
                 for level in sorted(table.levels, key=lambda lv: lv.rank))


def confirmed_problems(instrument: Instrument, on: date, confirmed: dict[str, Any]
                       ) -> list[tuple[str, str]]:
    """(field, message) for each of ``hazard_category``, ``alarm_level``, ``scope`` and
    ``lead`` in ``confirmed`` (the classification chosen) that the instruments in force on
    ``on`` do not define; empty when all are good. A value left empty is not judged."""
    problems: list[tuple[str, str]] = []
    category = confirmed.get("hazard_category") or ""
    categories = categories_of(instrument)
    if category and category not in categories:
        problems.append(("hazard_category", Message(
            ERR_CATEGORY, value=storable_text(repr(category), max_chars=40),
            instrument=instrument.short, allowed=", ".join(categories))))
    level = confirmed.get("alarm_level")
    if level is not None and not (category and category in categories):
        problems.append(("alarm_level", Message(ERR_LEVEL_CATEGORY)))
    elif level is not None:
        ranks = level_ranks(instrument, category)
        if isinstance(level, bool) or level not in ranks:
            problems.append(("alarm_level", Message(
                ERR_LEVEL, value=storable_text(repr(level), max_chars=40), category=category,
                instrument=instrument.short, allowed=", ".join(map(str, ranks)))))
    scope = confirmed.get("scope") or ""
    scopes = scopes_in_force(instrument, on)
    if scope and scope not in scopes:
        problems.append(("scope", Message(ERR_SCOPE, value=storable_text(repr(scope),
                                                                          max_chars=40),
                                          allowed=", ".join(scopes))))
    lead = confirmed.get("lead") or ""
    if not isinstance(lead, str) or text_problem(lead, max_chars=LEAD_CHARS):
        problems.append(("lead", Message(ERR_LEAD, max=LEAD_CHARS)))
    return problems
