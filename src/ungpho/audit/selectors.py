from __future__ import annotations

from ungpho.audit.models import AuditEntry
from ungpho.core.audit.chain import ChainBreak, StoredEntry, chain_verify


def audit_chain_check() -> tuple[int, ChainBreak | None]:
    """Number of entries and the first break in the chain (None when intact)."""
    count = AuditEntry.objects.count()
    entries = (
        StoredEntry(e.seq, e.payload(), e.previous_hash, e.hash)
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    )
    return count, chain_verify(entries)
