import datetime as dt
import json

from ungpho.core.audit.anchors import anchor_line, anchors_check, anchors_read
from ungpho.core.audit.images import rows_compare

KEY = b"k" * 32
AT = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)


def _read(text, key=KEY):
    return anchors_read(text.splitlines(keepends=True), key=key, source="anchors")


def test_an_anchor_line_reads_back():
    anchors, findings, notes = _read(anchor_line(seq=7, hash="ab" * 32, at=AT, key=KEY))
    assert [(a.seq, a.hash, a.at, a.where) for a in anchors] == [(7, "ab" * 32, AT, "anchors:1")]
    assert findings == notes == []


def test_an_anchor_edited_forged_or_made_with_another_key_is_a_finding():
    line = json.loads(anchor_line(seq=7, hash="ab" * 32, at=AT, key=KEY))
    edited = json.dumps({**line, "seq": 9}) + "\n"
    other = anchor_line(seq=8, hash="cd" * 32, at=AT, key=b"x" * 32)
    anchors, findings, _notes = _read(edited + other + "{not json\n")
    assert anchors == []
    assert [(f.kind, f.seq) for f in findings] == [("anchor.forged", 9),
                                                   ("anchor.other_key", 8),
                                                   ("anchor.unreadable", None)]


def test_an_incomplete_last_line_is_a_note_not_tampering():
    good = anchor_line(seq=7, hash="ab" * 32, at=AT, key=KEY)
    anchors, findings, notes = _read(good + good[:30])
    assert len(anchors) == 1 and findings == [] and "incomplete" in notes[0]


def test_a_tail_cut_below_an_anchor_is_named_with_the_anchored_seq():
    anchors, _f, _n = _read(anchor_line(seq=500, hash="ab" * 32, at=AT, key=KEY))
    findings = anchors_check(anchors, head_seq=450, hashes={})
    assert [(f.kind, f.seq) for f in findings] == [("anchor.tail_deleted", 500)]
    assert "#451–#500" in findings[0].message and "ends at #450" in findings[0].message


def test_an_anchored_entry_with_another_link_is_named():
    anchors, _f, _n = _read(anchor_line(seq=5, hash="ab" * 32, at=AT, key=KEY))
    assert anchors_check(anchors, head_seq=9, hashes={5: "ab" * 32}) == []
    assert [f.kind for f in anchors_check(anchors, head_seq=9, hashes={5: "cd" * 32})] == [
        "anchor.mismatch"]


def test_rows_are_compared_with_their_last_images_field_by_field():
    findings = rows_compare(
        table="t", rows={"1": {"a": 1, "b": "x"}, "2": {"a": 2}, "3": {"a": 3}},
        images={"1": (10, {"a": 1, "b": "y"}), "4": (12, {"a": 4})}, required={"1", "2"})
    assert [(f.kind, f.row, f.field, f.stored, f.audited, f.audit_seq) for f in findings] == [
        ("row.changed", "1", "b", "x", "y", 10),
        ("row.unaudited", "2", None, None, None, None),
        ("row.missing", "4", None, None, None, 12)]
