import hashlib
import hmac

from ungpho.core.audit.chain import (
    GENESIS_HASH,
    StoredEntry,
    canonical_json,
    chain_verify,
    entry_hash,
    entry_mac,
)

KEY = b"k" * 32


def _chain(payloads, *, key=KEY, unkeyed=0):
    entries, previous = [], GENESIS_HASH
    for seq, payload in enumerate(payloads, start=1):
        link = entry_hash(previous_hash=previous, payload=payload) if seq <= unkeyed else \
            entry_mac(key=key, previous_hash=previous, payload=payload)
        entries.append(StoredEntry(seq, payload, previous, link))
        previous = link
    return entries


def _kinds(entries, **options):
    return [(f.seq, f.kind) for f in chain_verify(entries, key=KEY, **options)]


def test_an_untouched_chain_verifies():
    assert _kinds(_chain([{"a": 1}, {"b": 2}, {"c": 3}])) == []


def test_the_link_is_hmac_sha256_of_the_previous_link_and_the_canonical_payload():
    # RFC 2104 with SHA-256, as the standard library computes it.
    expected = hmac.new(KEY, GENESIS_HASH.encode() + b'{"a":1,"b":"\xc3\xa2"}',
                        hashlib.sha256).hexdigest()
    assert entry_mac(key=KEY, previous_hash=GENESIS_HASH, payload={"b": "â", "a": 1}) == \
        expected
    assert canonical_json({"b": "â", "a": 1}) == '{"a":1,"b":"â"}'.encode()


def test_an_edited_entry_is_found_by_its_seq_and_only_it():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    edited = StoredEntry(2, {"b": 999}, entries[1].previous_hash, entries[1].hash)
    assert _kinds([entries[0], edited, entries[2]]) == [(2, "chain.mac")]


def test_a_chain_recomputed_with_plain_sha256_after_an_edit_does_not_verify():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    forged = _chain([{"a": 1}, {"b": 999}, {"c": 3}], unkeyed=3)  # no key: SHA-256 only
    assert _kinds(forged) == [(1, "chain.mac"), (2, "chain.mac"), (3, "chain.mac")]
    assert _kinds([entries[0], *forged[1:]]) == [(2, "chain.link"), (2, "chain.mac"),
                                                 (3, "chain.mac")]


def test_a_chain_recomputed_with_another_key_does_not_verify():
    assert _kinds(_chain([{"a": 1}, {"b": 2}], key=b"x" * 32)) == [(1, "chain.mac"),
                                                                  (2, "chain.mac")]


def test_deleted_entries_are_named():
    entries = _chain([{"a": i} for i in range(6)])
    findings = list(chain_verify([entries[0], *entries[4:]], key=KEY))
    assert [(f.seq, f.kind) for f in findings] == [(5, "chain.missing")]
    assert "#2–#4" in findings[0].message


def test_an_unkeyed_history_verifies_up_to_the_re_anchor_and_no_further():
    payloads = [{"a": 1}, {"b": 2}, {"re-anchor": 2}, {"c": 3}]
    entries = _chain(payloads, unkeyed=2)
    assert _kinds(entries, unkeyed_through=2) == []
    assert _kinds(entries) == [(1, "chain.mac"), (2, "chain.mac")]
    # An unkeyed entry rewritten, and its SHA-256 links recomputed: the keyed re-anchor's
    # link no longer follows.
    rewritten = _chain([{"a": 1}, {"b": 999}], unkeyed=2)
    assert _kinds([*rewritten, *entries[2:]], unkeyed_through=2) == [(3, "chain.link")]


def test_a_chain_can_be_checked_from_an_anchor_on():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    assert _kinds(entries[1:], after=(1, entries[0].hash)) == []
    assert _kinds(entries[2:], after=(1, entries[0].hash)) == [(3, "chain.missing")]


def test_a_large_float_links_as_the_integer_postgresql_gives_back():
    # jsonb returns 5e16 as 50000000000000000: the entry must verify either way.
    stored = {"activity_bq": 5e16, "small": 1e-07, "n": [1.5e300]}
    returned = {"activity_bq": 50000000000000000, "small": 1e-07, "n": [15 * 10 ** 299]}
    assert entry_mac(key=KEY, previous_hash=GENESIS_HASH, payload=stored) == \
        entry_mac(key=KEY, previous_hash=GENESIS_HASH, payload=returned)
