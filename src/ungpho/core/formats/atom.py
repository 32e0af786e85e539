"""An Atom 1.0 feed (RFC 4287) of the current public alerts, each linking to its CAP 1.2
document (``cap.py``). Entry ids of alerts whose identifier is no URN are tag URIs
(RFC 4151). Builds and writes only; reads no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from ungpho.core.formats.cap import (
    CAP_MIME,
    CAP_NS,
    EXERCISE_BOTH,
    XML_LANG,
    cap_datetime,
    check_aware,
    check_text,
    check_token,
    check_uri,
    exercise_prefixed,
    xml_document,
    xml_sub,
)

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, kw_only=True)
class AtomEntry:
    """A current alert in the feed: its CAP identifier, Vietnamese headline and summary, its
    CAP ``sent`` as ``updated`` and the URL of its CAP document."""

    identifier: str
    title: str
    summary: str
    updated: datetime
    cap_url: str
    exercise: bool = False

    def __post_init__(self) -> None:
        check_token("identifier", self.identifier)
        check_text("title", self.title)
        check_text("summary", self.summary)
        check_aware("updated", self.updated)
        check_uri("cap_url", self.cap_url, web=True)


def atom_entry_id(identifier: str, *, authority: str, sent: datetime) -> str:
    """The Atom id (RFC 4287 §4.2.6) of a CAP alert: the identifier itself when it is a URN
    (``urn:oid:2.49.0.1.704…``), else the tag URI (RFC 4151)
    ``tag:<authority>,<UTC date of sent>:cap:<identifier>`` — stable, as a CAP message
    never changes its identifier or sent."""
    check_token("identifier", identifier)
    check_aware("sent", sent)
    if identifier.casefold().startswith("urn:"):
        return identifier
    check_text("authority", authority)
    day = sent.astimezone(UTC).date()
    return f"tag:{authority.lower()},{day.isoformat()}:cap:{quote(identifier, safe=':@-._~')}"


def atom_feed(entries: Iterable[AtomEntry], *, feed_id: str, title: str, updated: datetime,
              self_url: str, author: str | None = None) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of the current alerts, ``xml:lang="vi"``: feed id, title,
    updated, author (``author``, else ``title``) and rel="self" link (§4.1.1); per entry id,
    title, updated, summary, a rel="alternate" link of type application/cap+xml and, for an
    Exercise, a category "Exercise" (§4.1.2). Entry ids: ``atom_entry_id`` with the host of
    ``self_url`` as the tagging authority."""
    check_uri("feed_id", feed_id)
    check_text("title", title)
    check_aware("updated", updated)
    check_uri("self_url", self_url, web=True)
    check_text("author", author, optional=True)
    authority = urlsplit(self_url).hostname or ""
    root = ET.Element("feed", {XML_LANG: "vi"})
    xml_sub(root, "id", feed_id)
    xml_sub(root, "title", title)
    xml_sub(root, "updated", cap_datetime(updated))
    xml_sub(ET.SubElement(root, "author"), "name", author or title)
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=self_url)
    for i, entry in enumerate(entries):
        if not isinstance(entry, AtomEntry):
            raise ValueError(f"entries[{i}]: an AtomEntry is required, got {entry!r}")
        element = ET.SubElement(root, "entry")
        xml_sub(element, "id", atom_entry_id(entry.identifier, authority=authority,
                                          sent=entry.updated))
        title_text, summary = entry.title, entry.summary
        if entry.exercise:
            title_text = exercise_prefixed(title_text, "vi-VN")
            summary = exercise_prefixed(summary, "vi-VN")
        xml_sub(element, "title", title_text)
        xml_sub(element, "updated", cap_datetime(entry.updated))
        xml_sub(element, "summary", summary)
        ET.SubElement(element, "link", rel="alternate", type=CAP_MIME, href=entry.cap_url)
        if entry.exercise:
            ET.SubElement(element, "category", term="Exercise", scheme=f"{CAP_NS}#status",
                          label=EXERCISE_BOTH)
    return xml_document(root, ATOM_NS)
