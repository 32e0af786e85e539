"""CAP 1.2 alerts (OASIS CAP 1.2, 2010) and the Atom feed (RFC 4287) of the public messages of
TT 12/2023/TT-BKHCN Phụ lục VIII.II, with CAP parameters from the alarm levels of Phụ lục III.

Every CAP document is validated against the OASIS schema with ``xmlschema``. The schema has
no ``xs:import`` (the XML-DSig signature is an ``xs:any … processContents="lax"``), so it loads
offline; ``allow="local"`` makes any remote fetch an error rather than a network call.
"""

import dataclasses
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import xmlschema  # noqa: E402  (a dev dependency: the tests need it, never skip)

from ungpho.core.formats.atom import AtomEntry, atom_entry_id, atom_feed
from ungpho.core.formats.cap import (
    CAP_NS,
    CapAlert,
    CapArea,
    CapInfo,
    cap_levels_table,
    cap_parameters,
    cap_xml,
)
from ungpho.core.rules.loader import rules_in_force

#: The OASIS schema as published (copied from the project's shared/schemas/).
XSD = Path(__file__).resolve().parents[2] / "data" / "CAP-v1.2.xsd"
ICT = timezone(timedelta(hours=7))
SENT = datetime(2026, 11, 21, 10, 5, tzinfo=ICT)
C = {"cap": CAP_NS}
A = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(XSD), allow="local")


def _valid(schema, document: bytes) -> ET.Element:
    schema.validate(io.BytesIO(document))
    return ET.fromstring(document)


AREA = CapArea(
    desc_vi="Phường Láng, Hà Nội", desc_en="Lang ward, Ha Noi",
    polygons=(((21.02, 105.80), (21.03, 105.80), (21.03, 105.81), (21.02, 105.80)),),
    circles=((21.0245, 105.8019, 0.03),))


def _info(language="vi-VN", **changes) -> CapInfo:
    vi = language == "vi-VN"
    values = dict(
        language=language, category=("CBRNE",),
        event="Mất nguồn phóng xạ" if vi else "Radioactive source lost",
        urgency="Immediate", severity="Severe", certainty="Observed",
        headline="Nguồn phóng xạ bị mất tại Hà Nội" if vi else "Radioactive source lost in Ha Noi",
        description="Một nguồn Cs-137 nhóm 2 bị mất." if vi else "A group 2 Cs-137 source is lost.",
        instruction="Không chạm vào, giữ khoảng cách ít nhất 10 m." if vi
        else "Do not touch it; keep at least 10 m away.",
        sender_name="Cục An toàn bức xạ và hạt nhân" if vi
        else "Vietnam Agency for Radiation and Nuclear Safety",
        web="https://canhbao.example.vn/su-co/2026-0001", contact="0243 822 0298",
        effective=SENT, expires=SENT + timedelta(hours=6),
        response_types=("Avoid",), parameters=(("sequence_number", "1"),), areas=(AREA,))
    return CapInfo(**(values | changes))


def _alert(**changes) -> CapAlert:
    values = dict(identifier="VN-VARANS-2026-0001", sender="canhbao@varans.vn", sent=SENT,
                  status="Actual", msg_type="Alert", infos=(_info(), _info("en-US")),
                  incidents=("VN-2026-0001",))
    return CapAlert(**(values | changes))


# --- CAP documents ------------------------------------------------------------------------

def test_two_language_alert_is_valid_cap_1_2_with_vietnamese_first(schema):
    root = _valid(schema, cap_xml(_alert()))
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert [i.findtext("cap:language", namespaces=C) for i in root.findall("cap:info", C)] \
        == ["vi-VN", "en-US"]
    assert root.findtext("cap:sent", namespaces=C) == "2026-11-21T10:05:00+07:00"
    assert root.findtext("cap:scope", namespaces=C) == "Public"
    assert root.findtext("cap:incidents", namespaces=C) == "VN-2026-0001"
    vi, en = root.findall("cap:info", C)
    assert vi.findtext("cap:area/cap:areaDesc", namespaces=C) == "Phường Láng, Hà Nội"
    assert en.findtext("cap:area/cap:areaDesc", namespaces=C) == "Lang ward, Ha Noi"
    assert vi.findtext("cap:parameter/cap:valueName", namespaces=C) == "sequence_number"


def test_alert_elements_come_in_the_schema_order():
    root = ET.fromstring(cap_xml(_alert(references=(("canhbao@varans.vn", "X-0", SENT),),
                                        note="ghi chú")))
    assert [e.tag.split("}")[1] for e in root][:10] == [
        "identifier", "sender", "sent", "status", "msgType", "scope", "note", "references",
        "incidents", "info"]
    info = root.find("cap:info", C)
    assert [e.tag.split("}")[1] for e in info] == [
        "language", "category", "event", "responseType", "urgency", "severity", "certainty",
        "effective", "expires", "senderName", "headline", "description", "instruction", "web",
        "contact", "parameter", "area"]


def test_schema_rejects_elements_out_of_order(schema):
    document = cap_xml(_alert()).replace(b"<sender>canhbao@varans.vn</sender>\n  ", b"")
    document = document.replace(b"<status>", b"<sender>canhbao@varans.vn</sender><status>")
    assert not schema.is_valid(io.BytesIO(document))


def test_polygon_and_circle_are_written_as_lat_lon_lists(schema):
    root = _valid(schema, cap_xml(_alert()))
    area = root.find("cap:info/cap:area", C)
    assert area.findtext("cap:polygon", namespaces=C) == \
        "21.02,105.8 21.03,105.8 21.03,105.81 21.02,105.8"
    assert area.findtext("cap:circle", namespaces=C) == "21.0245,105.8019 0.03"


def test_datetimes_have_no_fraction_and_utc_is_plus_zero(schema):
    sent = datetime(2026, 11, 21, 3, 5, 0, 999_999, tzinfo=UTC)
    document = cap_xml(_alert(sent=sent, infos=(_info(effective=None, expires=None),)))
    root = _valid(schema, document)
    assert root.findtext("cap:sent", namespaces=C) == "2026-11-21T03:05:00+00:00"
    assert b"-00:00" not in document and b"Z<" not in document


def test_update_lists_its_references_as_sender_identifier_sent(schema):
    first = _alert()
    earlier = SENT - timedelta(hours=1)
    update = _alert(identifier="VN-VARANS-2026-0002", msg_type="Update",
                    references=((first.sender, first.identifier, earlier),
                                (first.sender, "VN-VARANS-2026-0000", earlier)))
    root = _valid(schema, cap_xml(update))
    assert root.findtext("cap:msgType", namespaces=C) == "Update"
    assert root.findtext("cap:references", namespaces=C) == (
        "canhbao@varans.vn,VN-VARANS-2026-0001,2026-11-21T09:05:00+07:00 "
        "canhbao@varans.vn,VN-VARANS-2026-0000,2026-11-21T09:05:00+07:00")


def test_cancel_without_info_is_valid(schema):
    cancel = _alert(identifier="VN-VARANS-2026-0003", msg_type="Cancel", infos=(),
                    references=(("canhbao@varans.vn", "VN-VARANS-2026-0001", SENT),))
    root = _valid(schema, cap_xml(cancel))
    assert root.findtext("cap:msgType", namespaces=C) == "Cancel"
    assert root.find("cap:info", C) is None


def test_exercise_texts_start_with_the_exercise_word_in_each_language(schema):
    exercise = _alert(status="Exercise", note="Diễn tập ứng phó sự cố bức xạ cấp tỉnh 2026")
    root = _valid(schema, cap_xml(exercise))
    assert root.findtext("cap:status", namespaces=C) == "Exercise"
    vi, en = root.findall("cap:info", C)
    assert vi.findtext("cap:headline", namespaces=C) == \
        "DIỄN TẬP: Nguồn phóng xạ bị mất tại Hà Nội"
    assert vi.findtext("cap:description", namespaces=C).startswith("DIỄN TẬP: ")
    assert en.findtext("cap:headline", namespaces=C) == \
        "EXERCISE: Radioactive source lost in Ha Noi"
    assert en.findtext("cap:description", namespaces=C).startswith("EXERCISE: ")


def test_exercise_word_already_present_is_not_repeated():
    exercise = _alert(status="Exercise", note="diễn tập", infos=(
        _info(headline="DIỄN TẬP / EXERCISE — mất nguồn", description="Diễn tập: mất nguồn"),
        _info("en-US", headline="DIỄN TẬP / EXERCISE — source lost")))
    vi, en = ET.fromstring(cap_xml(exercise)).findall("cap:info", C)
    assert vi.findtext("cap:headline", namespaces=C) == "DIỄN TẬP / EXERCISE — mất nguồn"
    assert vi.findtext("cap:description", namespaces=C) == "Diễn tập: mất nguồn"
    assert en.findtext("cap:headline", namespaces=C) == "DIỄN TẬP / EXERCISE — source lost"


def test_actual_alert_texts_are_not_prefixed():
    vi = ET.fromstring(cap_xml(_alert())).find("cap:info", C)
    assert vi.findtext("cap:headline", namespaces=C) == "Nguồn phóng xạ bị mất tại Hà Nội"


def test_text_is_escaped(schema):
    root = _valid(schema, cap_xml(_alert(infos=(_info(description="Cs-137 < 1 Sv/h & …"),))))
    assert root.findtext("cap:info/cap:description", namespaces=C) == "Cs-137 < 1 Sv/h & …"


# --- invalid input names the field --------------------------------------------------------

@pytest.mark.parametrize(("build", "field"), [
    (lambda: _alert(sent=datetime(2026, 11, 21, 10, 5)), "sent"),
    (lambda: _info(effective=datetime(2026, 11, 21, 10, 5)), "effective"),
    (lambda: _alert(msg_type="Update", references=(("s", "i", datetime(2026, 1, 1)),)),
     r"references\[0\].sent"),
    (lambda: _info(urgency="Soon"), "urgency"),
    (lambda: _info(severity="Bad"), "severity"),
    (lambda: _info(language="fr-FR"), "language"),
    (lambda: _info(category=("Radiation",)), r"category\[0\]"),
    (lambda: _info(category=()), "category"),
    (lambda: _alert(status="System"), "status"),
    (lambda: _alert(msg_type="Ack"), "msg_type"),
    (lambda: _alert(scope="Private"), "scope"),
    (lambda: _alert(identifier="VN 0001"), "identifier"),
    (lambda: _alert(sender="a,b"), "sender"),
    (lambda: CapArea(desc_vi="x", desc_en="x",
                     polygons=(((21, 105), (21.1, 105), (21.1, 105.1), (21, 105.1)),)),
     r"polygons\[0\].*open"),
    (lambda: CapArea(desc_vi="x", desc_en="x", polygons=(((21, 105), (21.1, 105), (21, 105)),)),
     r"polygons\[0\].*at least 4"),
    (lambda: CapArea(desc_vi="x", desc_en="x",
                     polygons=(((91, 105), (21.1, 105), (21.1, 105.1), (91, 105)),)),
     r"polygons\[0\]\[0\].*latitude"),
    (lambda: CapArea(desc_vi="x", desc_en="x", circles=((21, 105, 0),)), r"circles\[0\]"),
    (lambda: _alert(msg_type="Update"), "references"),
    (lambda: _alert(msg_type="Cancel", infos=()), "references"),
    (lambda: _alert(infos=()), "infos"),
    (lambda: _alert(status="Exercise"), "note"),
    (lambda: _info(expires=SENT - timedelta(minutes=1)), "expires"),
    (lambda: _alert(infos=(_info(effective=None, expires=SENT),)), r"infos\[0\].expires"),
    (lambda: _info(web="canhbao.example.vn/x"), "web"),
    (lambda: _info(headline="  "), "headline"),
    (lambda: _info(description="bell \x07"), "description"),
    (lambda: _alert(sent=datetime(2026, 11, 21, tzinfo=timezone(timedelta(seconds=25_200.5)))),
     "sent"),
])
def test_invalid_input_raises_value_error_naming_the_field(build, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        build()


def test_lists_are_frozen_into_tuples():
    area = CapArea(desc_vi="x", desc_en="x",
                   polygons=[[(21, 105), (21.1, 105), (21.1, 105.1), (21, 105)]])
    assert area.polygons == (((21, 105), (21.1, 105), (21.1, 105.1), (21, 105)),)
    assert hash(area)
    with pytest.raises(dataclasses.FrozenInstanceError):
        area.desc_vi = "y"  # type: ignore[misc]


# --- alarm level -> CAP parameters ----------------------------------------------------------

TT12_LEVELS = rules_in_force(date(2026, 11, 21)).tables["alarm_levels"]
URGENCY_ORDER = ("Unknown", "Past", "Future", "Expected", "Immediate")
SEVERITY_ORDER = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")


def test_mapping_covers_every_alarm_level_of_the_rules_and_no_other():
    rules = {level.id: (scheme.id, level) for scheme in TT12_LEVELS.schemes
             for level in scheme.levels}
    rows = {row.alarm_level: row for row in cap_levels_table()}
    assert set(rows) == set(rules)
    for level_id, (scale, level) in rules.items():
        assert rows[level_id].scale == scale
        assert (rows[level_id].name_vi, rows[level_id].name_en) == (level.name.vi, level.name.en)


def test_higher_levels_are_never_less_urgent_or_severe():
    rows = {row.alarm_level: row for row in cap_levels_table()}
    for scheme in TT12_LEVELS.schemes:
        ordered = [rows[lv.id] for lv in sorted(scheme.levels, key=lambda lv: lv.rank)]
        urgency = [URGENCY_ORDER.index(r.urgency) for r in ordered]
        severity = [SEVERITY_ORDER.index(r.severity) for r in ordered]
        assert urgency == sorted(urgency) and severity == sorted(severity)
        assert severity[0] < severity[-1]


@pytest.mark.parametrize("level", ["C", "cap_3"])
def test_highest_levels_are_immediate_extreme_observed(level):
    assert cap_parameters(level, basis="observed") == ("Immediate", "Extreme", "Observed")


def test_site_area_emergency_is_a_precaution():
    assert cap_parameters("B", basis="projected") == ("Expected", "Moderate", "Likely")


def test_basis_selects_observed_or_likely_certainty():
    for row in cap_levels_table():
        assert cap_parameters(row.alarm_level, basis="observed")[2] == "Observed"
        assert cap_parameters(row.alarm_level, basis="projected")[2] == "Likely"


def test_every_row_is_justified_in_both_languages():
    for row in cap_levels_table():
        assert row.justification_vi.strip() and row.justification_en.strip()


@pytest.mark.parametrize(("level", "basis", "field"), [
    (2, "observed", "alarm_level"), ("D", "observed", "alarm_level"), ("A", "guess", "basis")])
def test_unknown_level_or_basis_is_rejected(level, basis, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        cap_parameters(level, basis=basis)


def test_mapped_parameters_make_a_valid_alert(schema):
    urgency, severity, certainty = cap_parameters("cap_2", basis="projected")
    info = _info(urgency=urgency, severity=severity, certainty=certainty)
    _valid(schema, cap_xml(_alert(infos=(info,))))


# --- Atom feed ----------------------------------------------------------------------------

FEED_URL = "https://canhbao.example.vn/cap/feed.atom"


def _feed(entries) -> ET.Element:
    return ET.fromstring(atom_feed(entries, feed_id="tag:canhbao.example.vn,2026:cap",
                                   title="Cảnh báo sự cố bức xạ", updated=SENT,
                                   self_url=FEED_URL, author="Cục An toàn bức xạ và hạt nhân"))


ENTRIES = (
    AtomEntry(identifier="VN-VARANS-2026-0001", title="Nguồn phóng xạ bị mất tại Hà Nội",
              summary="Không chạm vào, giữ khoảng cách 10 m.", updated=SENT,
              cap_url="https://canhbao.example.vn/cap/VN-VARANS-2026-0001.xml"),
    AtomEntry(identifier="urn:oid:2.49.0.1.704.0.2026.11.21.1", title="Ứng phó sự cố tại Khánh Hòa",
              summary="Diễn tập ứng phó.", updated=SENT - timedelta(hours=2),
              cap_url="https://canhbao.example.vn/cap/2.xml", exercise=True),
)


def test_atom_feed_has_the_elements_rfc_4287_requires():
    feed = _feed(ENTRIES)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    for tag in ("a:id", "a:title", "a:updated", "a:author"):
        assert len(feed.findall(tag, A)) == 1, tag  # §4.1.1
    assert feed.findtext("a:author/a:name", namespaces=A) == "Cục An toàn bức xạ và hạt nhân"
    assert [(link.get("rel"), link.get("href")) for link in feed.findall("a:link", A)] == \
        [("self", FEED_URL)]
    assert feed.findtext("a:updated", namespaces=A) == "2026-11-21T10:05:00+07:00"
    for entry in feed.findall("a:entry", A):
        for tag in ("a:id", "a:title", "a:updated", "a:summary"):
            assert len(entry.findall(tag, A)) == 1, tag  # §4.1.2


def test_atom_entries_carry_cap_ids_and_links_to_the_cap_documents():
    first, second = _feed(ENTRIES).findall("a:entry", A)
    assert first.findtext("a:id", namespaces=A) == \
        "tag:canhbao.example.vn,2026-11-21:cap:VN-VARANS-2026-0001"
    assert second.findtext("a:id", namespaces=A) == "urn:oid:2.49.0.1.704.0.2026.11.21.1"
    for entry, source in zip((first, second), ENTRIES, strict=True):
        (link,) = entry.findall("a:link", A)
        assert (link.get("rel"), link.get("type"), link.get("href")) == \
            ("alternate", "application/cap+xml", source.cap_url)
    assert first.findtext("a:title", namespaces=A) == "Nguồn phóng xạ bị mất tại Hà Nội"


def test_exercise_entries_are_categorised_and_prefixed():
    first, second = _feed(ENTRIES).findall("a:entry", A)
    assert first.find("a:category", A) is None
    assert second.find("a:category", A).get("term") == "Exercise"
    assert second.findtext("a:title", namespaces=A) == "DIỄN TẬP: Ứng phó sự cố tại Khánh Hòa"


def test_empty_feed_is_still_a_complete_feed():
    feed = _feed(())
    assert feed.findall("a:entry", A) == []
    assert feed.findtext("a:id", namespaces=A) and feed.findtext("a:author/a:name", namespaces=A)


def test_atom_entry_id_uses_the_utc_date_of_sent():
    late = datetime(2026, 11, 21, 2, 0, tzinfo=ICT)  # 2026-11-20 19:00 UTC
    assert atom_entry_id("X-1", authority="canhbao.example.vn", sent=late) == \
        "tag:canhbao.example.vn,2026-11-20:cap:X-1"


@pytest.mark.parametrize(("build", "field"), [
    (lambda: AtomEntry(identifier="a b", title="t", summary="s", updated=SENT,
                       cap_url="https://x.vn/1.xml"), "identifier"),
    (lambda: AtomEntry(identifier="a", title="t", summary="s", updated=datetime(2026, 1, 1),
                       cap_url="https://x.vn/1.xml"), "updated"),
    (lambda: AtomEntry(identifier="a", title="t", summary="s", updated=SENT, cap_url="/1.xml"),
     "cap_url"),
    (lambda: atom_feed((), feed_id="feed", title="t", updated=SENT, self_url=FEED_URL),
     "feed_id"),
    (lambda: atom_feed((), feed_id="urn:x:y", title="t", updated=datetime(2026, 1, 1),
                       self_url=FEED_URL), "updated"),
])
def test_invalid_feed_input_names_the_field(build, field):
    with pytest.raises(ValueError, match=f"^{field}"):
        build()
