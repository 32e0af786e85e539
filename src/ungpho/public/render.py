"""The text of a public message: the template of TT 12/2023 Phụ lục VIII.II filled with the
message's values by the rules engine (``core.rules.messages.public_message``), and the
public-safety guidance of Phụ lục VIII.III given with it.

Four placeholders are the system's, not the drafter's: the date and time of issue and the
sequence number are stamped when the message is released (a draft shows those it would get if
released now), the next-update time comes from the message's ``next_update_at``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ungpho.core.rules.decision import NoInstrumentInForce
from ungpho.core.rules.facts import MessageFacts
from ungpho.core.rules.guidance import PublicMessages, PublicSafety, template_names
from ungpho.core.rules.loader import Instrument, rules_in_force
from ungpho.core.rules.messages import public_message
from ungpho.core.vietnam_time import VIETNAM
from ungpho.incidents.errors import IncidentError

#: Vietnam's time (UTC+7, no daylight saving): the time the public reads.
STAMPED = ("date", "time", "sequence_number", "next_update_time")


def when_text(at: dt.datetime) -> dict[str, str]:
    """``10:05 ngày 21/11/2026`` / ``10:05 on 2026-11-21 (UTC+7)``."""
    local = at.astimezone(VIETNAM)
    return {"vi": f"{local:%H:%M} ngày {local:%d/%m/%Y}",
            "en": f"{local:%H:%M} on {local:%Y-%m-%d} (UTC+7)"}


def stamp(*, number: int, at: dt.datetime, next_update_at: dt.datetime | None) -> dict:
    """The system's placeholders for a message numbered ``number`` issued ``at``."""
    local = at.astimezone(VIETNAM)
    values = {"date": {"vi": f"{local:%d/%m/%Y}", "en": f"{local:%Y-%m-%d}"},
              "time": {"vi": f"{local:%H:%M}", "en": f"{local:%H:%M} (UTC+7)"},
              "sequence_number": str(number)}
    if next_update_at is not None:
        values["next_update_time"] = when_text(next_update_at)
    return values


def instrument_for(incident) -> Instrument:
    """The instrument in force on the incident's date, which must hold the templates."""
    try:
        instrument = rules_in_force(incident.first_information_at.date())
    except NoInstrumentInForce as error:
        raise IncidentError([("template", str(error))]) from None
    if not isinstance(instrument.tables.get("public_messages"), PublicMessages):
        raise IncidentError([("template", f"{instrument.short} has no public message "
                                          "templates (Phụ lục VIII.II)")])
    return instrument


def templates(instrument: Instrument):
    return instrument.tables["public_messages"].templates


def template_of(instrument: Instrument, template_id: str):
    found = next((t for t in templates(instrument) if t.id == template_id), None)
    if found is None:
        raise IncidentError([("template", f"{template_id!r} is not one of "
                                          f"{[t.id for t in templates(instrument)]}")])
    return found


@dataclass(frozen=True)
class Field:
    """A placeholder or flag of a template, with its label, for the drafting form."""

    name: str
    label_vi: str
    label_en: str


def template_fields(instrument: Instrument, template_id: str) -> tuple[list[Field], list[Field]]:
    """(placeholders the drafter fills, flags) of a template, in the order of its body."""
    table = instrument.tables["public_messages"]
    body = template_of(instrument, template_id).body.vi
    names, flags = template_names(body)
    order = {name: body.find("{" + name) for name in names | flags}
    placeholders = sorted((n for n in names if n not in STAMPED), key=order.get)
    return ([Field(n, table.placeholders[n].vi, table.placeholders[n].en) for n in placeholders],
            [Field(n, table.flags[n].vi, table.flags[n].en) for n in sorted(flags, key=order.get)])


def safety_items(instrument: Instrument):
    """The public-safety guidance of Phụ lục VIII.III (numbered items), or none."""
    table = instrument.tables.get("public_safety")
    return table.items if isinstance(table, PublicSafety) else ()


def guidance_text(instrument: Instrument, numbers: list[int], lang: str) -> str | None:
    items = [getattr(i, lang) for i in safety_items(instrument) if i.number in numbers]
    return "\n".join(f"- {text}" for text in items) or None


@dataclass(frozen=True)
class Texts:
    vi: str
    en: str
    unfilled: tuple[str, ...]


def message_texts(message, *, number: int, at: dt.datetime) -> Texts:
    """The message's text in both languages as if released as ``number`` at ``at``, and the
    placeholders still unfilled (shown as ``⟦name: label⟧``, never blank)."""
    if message.kind == message.Kind.CANCEL:
        return Texts(message.text_vi, message.text_en, ())
    instrument = instrument_for(message.incident)
    values = {**message.values, **stamp(number=number, at=at,
                                         next_update_at=message.next_update_at)}
    decision = public_message(MessageFacts(template=message.template, values=values,
                                           flags=message.flags), instrument)
    return Texts(decision.result["text"]["vi"], decision.result["text"]["en"],
                 tuple(decision.missing))
