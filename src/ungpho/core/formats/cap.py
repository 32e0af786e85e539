"""Public alerts as OASIS CAP 1.2 documents (the Atom feed listing them: ``atom.py``).

The public information of incident response (TT 12/2023/TT-BKHCN Phụ lục VIII.II: the public
messages; Điều 22.1 and Phụ lục III: the alarm level) is published as CAP 1.2 alerts and listed
in an Atom feed. This module only builds and writes them; it reads no database and sends
nothing.

Standards:
- OASIS, "Common Alerting Protocol Version 1.2", OASIS Standard, 1 July 2010 (§3.2 the
  element dictionary, §3.3.2 date-times, §3.4 the XML schema).

Choices where CAP leaves room (each checked when the object is built, the field named):
- status is Actual, Exercise, Test or Draft and msgType Alert, Update or Cancel (System, Ack
  and Error are not public messages); scope is Public only;
- an Alert or Update carries at least one info; an Update or Cancel carries references;
  an Exercise carries a note (CAP §3.2.1 note);
- an Exercise's headline and description start with "DIỄN TẬP" (vi-VN) or "EXERCISE"
  (en-US); ``cap_xml`` adds the word when it is missing;
- date-times are aware and written with their own offset, whole seconds (a fraction is cut)
  and ``+00:00`` for UTC (CAP §3.3.2 forbids ``Z`` and ``-00:00``).
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from ungpho.core.yaml_strict import yaml_strict

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_MIME = "application/cap+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

STATUSES = ("Actual", "Exercise", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel")
SCOPES = ("Public",)
LANGUAGES = ("vi-VN", "en-US")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
RESPONSE_TYPES = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess",
                  "AllClear", "None")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
BASES = ("observed", "projected")

EXERCISE_PREFIX = {"vi-VN": "DIỄN TẬP", "en-US": "EXERCISE"}
EXERCISE_BOTH = "DIỄN TẬP / EXERCISE"

# XML 1.0 §2.2 Char: anything else makes the document unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# CAP §3.2.1 identifier, sender: no spaces, commas or restricted characters (< and &).
_NOT_CAP_TOKEN = re.compile(r"[\s,<&]")


# --- checks -------------------------------------------------------------------------------

def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")


def check_text(name: str, value: Any, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: a non-empty text is required, got {value!r}")
    if bad := _NOT_XML.search(value):
        raise ValueError(f"{name}: character U+{ord(bad.group()):04X} is not allowed in XML")


def check_token(name: str, value: Any) -> None:
    check_text(name, value)
    if _NOT_CAP_TOKEN.search(value):
        raise ValueError(f"{name}: {value!r} must not contain spaces, commas, '<' or '&'")


def check_aware(name: str, value: Any, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, datetime):
        raise ValueError(f"{name}: a datetime is required, got {value!r}")
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"{name}: {value.isoformat()} is naive; an aware datetime is required")
    if offset % timedelta(minutes=1):
        raise ValueError(f"{name}: UTC offset {offset} is not a whole number of minutes")


def check_uri(name: str, value: Any, *, optional: bool = False, web: bool = False) -> None:
    if value is None and optional:
        return
    check_text(name, value)
    parts = urlsplit(value)
    if (not parts.scheme or (web and (parts.scheme not in ("http", "https") or not parts.netloc))
            or re.search(r"\s", value)):
        raise ValueError(f"{name}: {value!r} is not an absolute "
                         f"{'http(s) URL' if web else 'URI'}")


def _point(name: str, lat: Any, lon: Any) -> None:
    for axis, v, limit in (("latitude", lat, 90), ("longitude", lon, 180)):
        if (isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
                or abs(v) > limit):
            raise ValueError(f"{name}: {axis} {v!r} is not a number in [-{limit}, {limit}]")


def _tuple(obj: Any, name: str) -> None:
    """Freeze a list given for a tuple field (frozen dataclasses stay hashable)."""
    value = getattr(obj, name)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{name}: a sequence is required, got {value!r}")
    object.__setattr__(obj, name, tuple(value))


def cap_datetime(value: datetime) -> str:
    """``2026-11-21T10:05:00+07:00``: CAP 1.2 §3.3.2 (and RFC 3339 for Atom); the offset as
    given, whole seconds, ``+00:00`` for UTC."""
    check_aware("datetime", value)
    return value.replace(microsecond=0).isoformat()


def _number(value: float) -> str:
    """Decimal degrees or km without exponent: 6 decimals (0.1 m), trailing zeros cut."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --- the alert ----------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class CapArea:
    """CAP 1.2 §3.2.4 ``area``: a description in each language, WGS 84 polygons of (lat, lon)
    points — at least 4, the first repeated as the last — and circles (lat, lon, radius_km)."""

    desc_vi: str
    desc_en: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()

    def __post_init__(self) -> None:
        check_text("desc_vi", self.desc_vi)
        check_text("desc_en", self.desc_en)
        _tuple(self, "polygons")
        _tuple(self, "circles")
        polygons = []
        for i, polygon in enumerate(self.polygons):
            name = f"polygons[{i}]"
            points = tuple(tuple(p) for p in polygon)
            if len(points) < 4:
                raise ValueError(f"{name}: a polygon needs at least 4 points, got {len(points)}")
            for j, point in enumerate(points):
                if len(point) != 2:
                    raise ValueError(f"{name}[{j}]: a point is (lat, lon), got {point!r}")
                _point(f"{name}[{j}]", *point)
            if points[0] != points[-1]:
                raise ValueError(f"{name}: the polygon is open; its first point {points[0]} "
                                 f"must be repeated as the last, got {points[-1]}")
            polygons.append(points)
        object.__setattr__(self, "polygons", tuple(polygons))
        circles = []
        for i, circle in enumerate(self.circles):
            circle = tuple(circle)
            if len(circle) != 3:
                raise ValueError(f"circles[{i}]: a circle is (lat, lon, radius_km), "
                                 f"got {circle!r}")
            _point(f"circles[{i}]", circle[0], circle[1])
            radius = circle[2]
            if (isinstance(radius, bool) or not isinstance(radius, int | float)
                    or not math.isfinite(radius) or radius <= 0):
                raise ValueError(f"circles[{i}]: radius_km {radius!r} must be a positive number")
            circles.append(circle)
        object.__setattr__(self, "circles", tuple(circles))


@dataclass(frozen=True, kw_only=True)
class CapInfo:
    """CAP 1.2 §3.2.2 ``info`` in one language (vi-VN or en-US). ``parameters`` are
    (valueName, value) pairs, e.g. the sequence number Phụ lục VIII.II asks of every message."""

    language: str
    category: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str | None = None
    sender_name: str | None = None
    web: str | None = None
    contact: str | None = None
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    response_types: tuple[str, ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    areas: tuple[CapArea, ...] = ()

    def __post_init__(self) -> None:
        _one_of("language", self.language, LANGUAGES)
        for name in ("category", "response_types", "parameters", "areas"):
            _tuple(self, name)
        if not self.category:
            raise ValueError("category: at least one CAP category is required")
        for i, category in enumerate(self.category):
            _one_of(f"category[{i}]", category, CATEGORIES)
        for i, response in enumerate(self.response_types):
            _one_of(f"response_types[{i}]", response, RESPONSE_TYPES)
        _one_of("urgency", self.urgency, URGENCIES)
        _one_of("severity", self.severity, SEVERITIES)
        _one_of("certainty", self.certainty, CERTAINTIES)
        for name in ("event", "headline", "description"):
            check_text(name, getattr(self, name))
        for name in ("instruction", "sender_name", "contact"):
            check_text(name, getattr(self, name), optional=True)
        check_uri("web", self.web, optional=True, web=True)
        for name in ("effective", "onset", "expires"):
            check_aware(name, getattr(self, name), optional=True)
        start = self.onset or self.effective
        if self.expires is not None and start is not None and self.expires <= start:
            raise ValueError(f"expires: {cap_datetime(self.expires)} is not after "
                             f"{cap_datetime(start)}")
        for i, pair in enumerate(self.parameters):
            if len(pair) != 2:
                raise ValueError(f"parameters[{i}]: a (valueName, value) pair is required")
            check_text(f"parameters[{i}].valueName", pair[0])
            check_text(f"parameters[{i}].value", pair[1])
        for i, area in enumerate(self.areas):
            if not isinstance(area, CapArea):
                raise ValueError(f"areas[{i}]: a CapArea is required, got {area!r}")


@dataclass(frozen=True, kw_only=True)
class CapAlert:
    """CAP 1.2 §3.2.1 ``alert``. ``references`` are the (sender, identifier, sent) of earlier
    messages; ``incidents`` group the messages of one incident (CAP §3.2.1 incidents)."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    infos: tuple[CapInfo, ...] = ()
    scope: str = "Public"
    references: tuple[tuple[str, str, datetime], ...] = ()
    incidents: tuple[str, ...] = ()
    note: str | None = None

    def __post_init__(self) -> None:
        check_token("identifier", self.identifier)
        check_token("sender", self.sender)
        check_aware("sent", self.sent)
        _one_of("status", self.status, STATUSES)
        _one_of("msg_type", self.msg_type, MSG_TYPES)
        _one_of("scope", self.scope, SCOPES)
        check_text("note", self.note, optional=True)
        for name in ("infos", "references", "incidents"):
            _tuple(self, name)
        for i, info in enumerate(self.infos):
            if not isinstance(info, CapInfo):
                raise ValueError(f"infos[{i}]: a CapInfo is required, got {info!r}")
            if info.expires is not None and info.expires <= self.sent:
                raise ValueError(f"infos[{i}].expires: {cap_datetime(info.expires)} is not "
                                 f"after sent {cap_datetime(self.sent)}")
        for i, reference in enumerate(self.references):
            if len(reference) != 3:
                raise ValueError(f"references[{i}]: (sender, identifier, sent) is required")
            check_token(f"references[{i}].sender", reference[0])
            check_token(f"references[{i}].identifier", reference[1])
            check_aware(f"references[{i}].sent", reference[2])
            if reference[2] > self.sent:
                raise ValueError(f"references[{i}].sent: {cap_datetime(reference[2])} is "
                                 f"after this message's sent {cap_datetime(self.sent)}")
        for i, incident in enumerate(self.incidents):
            check_token(f"incidents[{i}]", incident)
            if '"' in incident:
                raise ValueError(f"incidents[{i}]: {incident!r} must not contain '\"'")
        if self.msg_type in ("Update", "Cancel") and not self.references:
            raise ValueError(f"references: an {self.msg_type} must reference the messages it "
                             f"updates or cancels")
        if self.msg_type in ("Alert", "Update") and not self.infos:
            raise ValueError(f"infos: an {self.msg_type} needs at least one info")
        if self.status == "Exercise" and self.note is None:
            raise ValueError("note: an Exercise must carry a note naming the exercise")


def exercise_prefixed(text: str, language: str) -> str:
    """``DIỄN TẬP: …`` / ``EXERCISE: …`` unless the text already starts with its word."""
    prefix = EXERCISE_PREFIX[language]
    start = unicodedata.normalize("NFC", text).lstrip().casefold()
    if start.startswith((prefix.casefold(), EXERCISE_BOTH.casefold())):
        return text
    return f"{prefix}: {text}"


def xml_sub(parent: ET.Element, tag: str, text: str | None) -> None:
    if text is not None:
        ET.SubElement(parent, tag).text = text


def _pairs(parent: ET.Element, tag: str, pairs: Iterable[tuple[str, str]]) -> None:
    for value_name, value in pairs:
        element = ET.SubElement(parent, tag)
        xml_sub(element, "valueName", value_name)
        xml_sub(element, "value", value)


def xml_document(root: ET.Element, namespace: str) -> bytes:
    root.set("xmlns", namespace)  # the default namespace; tags below are written plain
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def cap_xml(alert: CapAlert) -> bytes:
    """The CAP 1.2 document of ``alert`` (OASIS CAP 1.2, 2010, §3.4: elements in the schema's
    order), UTF-8. An Exercise's headline and description get "DIỄN TẬP" / "EXERCISE"."""
    root = ET.Element("alert")
    for tag, text in (("identifier", alert.identifier), ("sender", alert.sender),
                      ("sent", cap_datetime(alert.sent)), ("status", alert.status),
                      ("msgType", alert.msg_type), ("scope", alert.scope),
                      ("note", alert.note)):
        xml_sub(root, tag, text)
    if alert.references:
        xml_sub(root, "references", " ".join(f"{sender},{identifier},{cap_datetime(sent)}"
                                          for sender, identifier, sent in alert.references))
    if alert.incidents:
        xml_sub(root, "incidents", " ".join(alert.incidents))
    exercise = alert.status == "Exercise"
    for info in alert.infos:
        element = ET.SubElement(root, "info")
        xml_sub(element, "language", info.language)
        for category in info.category:
            xml_sub(element, "category", category)
        xml_sub(element, "event", info.event)
        for response in info.response_types:
            xml_sub(element, "responseType", response)
        for tag in ("urgency", "severity", "certainty"):
            xml_sub(element, tag, getattr(info, tag))
        for tag in ("effective", "onset", "expires"):
            when = getattr(info, tag)
            xml_sub(element, tag, None if when is None else cap_datetime(when))
        headline, description = info.headline, info.description
        if exercise:
            headline = exercise_prefixed(headline, info.language)
            description = exercise_prefixed(description, info.language)
        for tag, text in (("senderName", info.sender_name), ("headline", headline),
                          ("description", description), ("instruction", info.instruction),
                          ("web", info.web), ("contact", info.contact)):
            xml_sub(element, tag, text)
        _pairs(element, "parameter", info.parameters)
        for area in info.areas:
            area_element = ET.SubElement(element, "area")
            xml_sub(area_element, "areaDesc",
                 area.desc_vi if info.language == "vi-VN" else area.desc_en)
            for polygon in area.polygons:
                xml_sub(area_element, "polygon",
                     " ".join(f"{_number(lat)},{_number(lon)}" for lat, lon in polygon))
            for lat, lon, radius_km in area.circles:
                xml_sub(area_element, "circle",
                        f"{_number(lat)},{_number(lon)} {_number(radius_km)}")
    return xml_document(root, CAP_NS)


# --- alarm level -> urgency, severity, certainty ------------------------------------------

@dataclass(frozen=True)
class CapLevelRow:
    """One row of ``data/cap_levels.yaml``: an alarm level of TT 12/2023 Phụ lục III (by the
    rules engine's id) and its CAP 1.2 urgency, severity and certainty per basis."""

    alarm_level: str
    scale: str
    name_vi: str
    name_en: str
    urgency: str
    severity: str
    certainty_observed: str
    certainty_projected: str
    justification_vi: str
    justification_en: str


@cache
def cap_levels_table() -> tuple[CapLevelRow, ...]:
    """The rows of ``data/cap_levels.yaml`` in file order, checked against CAP 1.2 §3.2.2."""
    where = "cap_levels.yaml"
    data = yaml_strict((files(__package__) / "data" / where).read_text(encoding="utf-8"))
    rows: list[CapLevelRow] = []
    for i, raw in enumerate(data["rows"]):
        try:
            row = CapLevelRow(
                alarm_level=raw["alarm_level"], scale=raw["scale"], name_vi=raw["name"]["vi"],
                name_en=raw["name"]["en"], urgency=raw["urgency"], severity=raw["severity"],
                certainty_observed=raw["certainty"]["observed"],
                certainty_projected=raw["certainty"]["projected"],
                justification_vi=raw["justification"]["vi"],
                justification_en=raw["justification"]["en"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"{where}: rows[{i}]: missing or malformed {error}") from None
        for field_name, allowed in (("urgency", URGENCIES), ("severity", SEVERITIES),
                                    ("certainty_observed", CERTAINTIES),
                                    ("certainty_projected", CERTAINTIES)):
            _one_of(f"{where}: rows[{i}].{field_name}", getattr(row, field_name), allowed)
        for f in fields(row):
            check_text(f"{where}: rows[{i}].{f.name}", getattr(row, f.name))
        if any(r.alarm_level == row.alarm_level for r in rows):
            raise ValueError(f"{where}: rows[{i}].alarm_level: {row.alarm_level!r} repeated")
        rows.append(row)
    return tuple(rows)


def cap_parameters(alarm_level: str, *, basis: str) -> tuple[str, str, str]:
    """(urgency, severity, certainty) of CAP 1.2 §3.2.2 for an alarm level of TT 12/2023
    Phụ lục III, named by the rules engine's level id (``A``, ``B``, ``C``, ``cap_1``,
    ``cap_2``, ``cap_3``). ``basis`` is ``observed`` when every matched criterion was observed,
    ``projected`` when one is a projection or the information is not yet clear."""
    _one_of("basis", basis, BASES)
    for row in cap_levels_table():
        if row.alarm_level == alarm_level:
            certainty = row.certainty_observed if basis == "observed" else row.certainty_projected
            return row.urgency, row.severity, certainty
    known = ", ".join(r.alarm_level for r in cap_levels_table())
    raise ValueError(f"alarm_level: {alarm_level!r} is not one of {known}")
