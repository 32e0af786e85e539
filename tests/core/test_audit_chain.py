from ungpho.core.audit.chain import GENESIS_HASH, StoredEntry, chain_verify, entry_hash


def _chain(payloads):
    entries, previous = [], GENESIS_HASH
    for seq, payload in enumerate(payloads, start=1):
        digest = entry_hash(previous_hash=previous, payload=payload)
        entries.append(StoredEntry(seq, payload, previous, digest))
        previous = digest
    return entries


def test_an_untouched_chain_verifies():
    assert chain_verify(_chain([{"a": 1}, {"b": 2}, {"c": 3}])) is None


def test_key_order_does_not_change_the_hash():
    assert entry_hash(previous_hash=GENESIS_HASH, payload={"a": 1, "b": 2}) == entry_hash(
        previous_hash=GENESIS_HASH, payload={"b": 2, "a": 1})


def test_an_edited_entry_is_found_by_its_seq():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    edited = StoredEntry(2, {"b": 999}, entries[1].previous_hash, entries[1].hash)
    broken = chain_verify([entries[0], edited, entries[2]])
    assert broken.seq == 2 and "edited" in broken.reason


def test_a_deleted_entry_is_found():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    broken = chain_verify([entries[0], entries[2]])
    assert broken.seq == 3 and "missing" in broken.reason


def test_a_rehashed_edit_breaks_the_next_link():
    entries = _chain([{"a": 1}, {"b": 2}, {"c": 3}])
    forged_hash = entry_hash(previous_hash=entries[1].previous_hash, payload={"b": 999})
    forged = StoredEntry(2, {"b": 999}, entries[1].previous_hash, forged_hash)
    broken = chain_verify([entries[0], forged, entries[2]])
    assert broken.seq == 3 and "previous hash" in broken.reason
