"""The reception form (TT 12/2023/TT-BKHCN Phụ lục VIII, mục I) as answers: read and check a
call's answers against the form table, and derive from them the facts the rules engine can
use for a first, preliminary classification (Phụ lục III, Phụ lục VI: classify within 15 min).

Answers are keyed by the form's field ids, plus the placement of the report (``province``,
``lat``/``lon``, ``facility``, ``radioactive_source``, ``occurred_at``), which the paper form
writes as free text under "Vị trí xảy ra sự cố". Every problem is returned at once, each
naming its field; nothing given is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from ungpho.core.rules.guidance import FormField, ReceptionForm
from ungpho.core.validate import (
    Invalid,
    Message,
    gettext_noop,
    local_time_parse,
    text_problem,
)
from ungpho.core.vietnam_time import VIETNAM

#: What a report cannot be placed or judged without: who called (name or telephone), what
#: happened, where (the location as said, and a province or coordinates to put it on the map)
#: and when the call came (the legal deadlines run from it, Phụ lục VI).
MANDATORY = ("incident_location", "incident_description", "call_time")
CALLER = ("caller_name", "caller_phone")
PLACEMENT = ("province", "lat", "lon", "facility", "radioactive_source", "occurred_at")
#: A call time may be this far ahead of the server's clock (a desk clock running fast).
CLOCK_SKEW = timedelta(minutes=5)
MAX_TEXT = {"text": 300, "phone": 40, "textarea": 5000}

# Messages are msgids (the web layer shows them translated, ``platform.forms.message_shown``).
ERR_REQUIRED = gettext_noop("required")
ERR_CALLER = gettext_noop("give the caller's name or telephone number")
ERR_PLACE = gettext_noop("choose the province, or give coordinates or a facility")
ERR_PHONE = gettext_noop("%(value)s is not a telephone number (digits, spaces, + ( ) . - only)")
ERR_FUTURE = gettext_noop("%(value)s is in the future")
ERR_CHOICE = gettext_noop("%(value)s is not one of %(options)s")
ERR_YES_NO = gettext_noop("%(value)s: answer yes or no")
ERR_TOO_LONG = gettext_noop("longer than %(max)s characters")
ERR_UNKNOWN = gettext_noop("not a field of the reception form")
ERR_NUMBER = gettext_noop("%(value)s is not a number")
ERR_RANGE = gettext_noop("%(value)s is outside %(low)s … %(high)s")
ERR_PAIR = gettext_noop("give both latitude and longitude, or neither")
ERR_AFTER_CALL = gettext_noop("the event cannot be after the call (%(call)s)")

_PHONE = re.compile(r"^\+?[0-9 ().-]{2,39}$")
_YES, _NO = {"yes", "true", "1", "có", "co"}, {"no", "false", "0", "không", "khong"}


class ReceptionError(ValueError):
    """``problems``: (field, message) pairs, every one found."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


def _why(error: ValueError) -> str:
    """The reason a ValueError carries: a ``core.validate.Message`` as itself (the web layer
    translates it), any other as its text."""
    reason = error.args[0] if error.args else ""
    return reason if isinstance(reason, Message) else str(error)


def form_fields(form: ReceptionForm) -> dict[str, FormField]:
    return {f.id: f for section in form.sections for f in section.fields}


def _time_parse(text: str, *, now: datetime) -> datetime:
    """A time as a duty officer types it (``core.validate.local_time_parse``: ``21/11/2026
    08:05``, ``2026-11-21 08:05``, ``08:05`` for today, all Vietnam time, or ISO 8601 with an
    offset), inside the accepted window; aware, in UTC+7."""
    try:
        return local_time_parse(text, field="", now=now)
    except Invalid as error:
        raise ValueError(error.message) from None


def _shown(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        return ", ".join(str(r) for r in raw).strip()
    return str(raw).strip()


def _field_parse(field: FormField, raw: Any, *, now: datetime) -> Any:
    """The answer to one field, or None when not answered; ValueError with the message."""
    if field.type == "multi_choice":
        values = [raw] if isinstance(raw, str) else list(raw or [])
        values = [str(v).strip() for v in values if str(v).strip()]
        options = [o.id for o in field.options]
        wrong = [v for v in values if v not in options]
        if wrong:
            raise ValueError(Message(ERR_CHOICE, value=", ".join(wrong),
                                     options=", ".join(options)))
        return [o for o in options if o in values] or None
    if field.type == "yes_no" and isinstance(raw, bool):
        return raw
    text = _text(raw)
    if not text:
        return None
    if text_problem(text):
        raise ValueError(text_problem(text))
    if field.type in MAX_TEXT and len(text) > MAX_TEXT[field.type]:
        raise ValueError(Message(ERR_TOO_LONG, max=MAX_TEXT[field.type]))
    if field.type == "phone":
        if not _PHONE.match(text) or sum(c.isdigit() for c in text) < 3:
            raise ValueError(Message(ERR_PHONE, value=repr(text)))
        return text
    if field.type == "datetime":
        moment = _time_parse(text, now=now)
        if moment > now + CLOCK_SKEW:
            raise ValueError(Message(ERR_FUTURE, value=_shown(moment)))
        return moment.isoformat()
    if field.type == "yes_no":
        if text.lower() in _YES | _NO:
            return text.lower() in _YES
        raise ValueError(Message(ERR_YES_NO, value=repr(text)))
    if field.type == "choice":
        options = [o.id for o in field.options]
        if text not in options:
            raise ValueError(Message(ERR_CHOICE, value=repr(text), options=", ".join(options)))
    return text


def _coordinate(raw: Any, low: float, high: float) -> float | None:
    text = _text(raw) if not isinstance(raw, int | float) or isinstance(raw, bool) else raw
    if text in ("", None):
        return None
    try:
        value = float(text)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond a double
        raise ValueError(Message(ERR_NUMBER, value=repr(text))) from None
    if not low <= value <= high:
        raise ValueError(Message(ERR_RANGE, value=value, low=low, high=high))
    return value


def _placement(raw: Mapping[str, Any], call_time: str | None, *, now: datetime,
               problems: list[tuple[str, str]]) -> dict[str, Any]:
    place: dict[str, Any] = {}
    for name, (low, high) in (("lat", (-90.0, 90.0)), ("lon", (-180.0, 180.0))):
        try:
            place[name] = _coordinate(raw.get(name), low, high)
        except ValueError as error:
            problems.append((name, _why(error)))
    given = [n for n in ("lat", "lon") if _text(raw.get(n))]
    if len(given) == 1:
        problems.append(("lon" if given == ["lat"] else "lat", ERR_PAIR))
    for name in ("province", "facility", "radioactive_source"):
        place[name] = _text(raw.get(name)) or None
        if place[name] and text_problem(place[name], max_chars=MAX_TEXT["text"]):
            problems.append((name, cast(str, text_problem(place[name],
                                                          max_chars=MAX_TEXT["text"]))))
            place[name] = None
    if not (place["province"] or place["facility"] or len(given) == 2):
        problems.append(("province", ERR_PLACE))
    occurred = _text(raw.get("occurred_at"))
    place["occurred_at"] = None
    if occurred:
        try:
            moment = _time_parse(occurred, now=now)
            if moment > now + CLOCK_SKEW:
                raise ValueError(Message(ERR_FUTURE, value=_shown(moment)))
            if call_time and moment > datetime.fromisoformat(call_time):
                raise ValueError(Message(ERR_AFTER_CALL,
                                         call=_shown(datetime.fromisoformat(call_time))))
            place["occurred_at"] = moment.isoformat()
        except ValueError as error:
            problems.append(("occurred_at", _why(error)))
    return place


def reception_parse(form: ReceptionForm, raw: Mapping[str, Any], *,
                    now: datetime) -> dict[str, Any]:
    """The answers of one call, checked against the form: texts stripped, telephone numbers
    checked, times read as Vietnam time unless an offset is given (ISO 8601 out), yes/no as
    booleans, choices among the form's options; unanswered fields left out, placement keys
    always present. Raises :class:`ReceptionError` naming every field at fault."""
    fields = form_fields(form)
    problems: list[tuple[str, str]] = [(k, ERR_UNKNOWN) for k in raw
                                       if k not in fields and k not in PLACEMENT]
    answers: dict[str, Any] = {}
    for name, field in fields.items():
        try:
            value = _field_parse(field, raw.get(name), now=now)
        except ValueError as error:
            problems.append((name, _why(error)))
            continue
        if value is not None:
            answers[name] = value
    answered = {name for name, _ in problems} | set(answers)
    problems += [(name, ERR_REQUIRED) for name in MANDATORY if name not in answered]
    if not any(name in answered for name in CALLER):
        problems.append((CALLER[0], ERR_CALLER))
    answers |= _placement(raw, answers.get("call_time"), now=now, problems=problems)
    if problems:
        order = [*fields, *PLACEMENT]
        problems.sort(key=lambda p: order.index(p[0]) if p[0] in order else len(order))
        raise ReceptionError(problems)
    return answers


def reception_facts(answers: Mapping[str, Any], *, source: Mapping[str, Any] | None = None,
                    source_lost: bool = False,
                    facility: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The facts (JSON of ``IncidentFacts``) a call's answers support, for a preliminary
    classification; nothing is guessed, an unknown fact is left out (the decision then lists
    it as missing).

    - first information: the call time (Phụ lục VI deadlines run from it);
    - ``event.information_clear`` from "Xác minh cuộc gọi": an unverified call is
      information not yet clear (Phụ lục III.2, Cấp 2);
    - the linked source (``SourceFacts`` JSON: nuclide, activity at the call, sealed): its
      group follows from A/D; lost or stolen, it is an orphan source out of control, not in
      a facility (Phụ lục I nhóm IV; Phụ lục III.2);
    - the linked facility (``FacilityFacts`` JSON): its hazard category (Phụ lục I), an event
      at the facility (Điều 1.1.a);
    - "Có ảnh hưởng tới người dân": members of the public affected, effects beyond the site.
    """
    facts: dict[str, Any] = {"first_information_at": answers["call_time"]}
    event: dict[str, Any] = {}
    scope: dict[str, Any] = {}
    hazard: dict[str, Any] = {}
    if answers.get("call_verified") is not None:
        event["information_clear"] = answers["call_verified"]
    if source is not None:
        facts["sources"] = [dict(source)]
        if source.get("sealed") is not None:
            event["source_sealed"] = source["sealed"]
        if source_lost:
            hazard["activity"] = "orphan_source"
            event |= {"source_out_of_control": True, "in_facility": False}
            scope["at_facility"] = False
    if facility is not None and not source_lost:
        hazard["facility"] = dict(facility)
        event["in_facility"] = scope["at_facility"] = True
    if answers.get("public_affected"):
        scope["effects_beyond_site"] = True
    for name, part in (("hazard", hazard), ("event", event), ("scope", scope)):
        if part:
            facts[name] = part
    return facts
