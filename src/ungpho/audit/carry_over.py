"""Carrying a database written before the audit chain was keyed over into the keyed chain
(run by ``ungpho migrate``, once).

1. The re-anchor: one keyed entry whose link commits to the unkeyed head (its seq and
   SHA-256). From then on no earlier entry can change without breaking that link, and nobody
   without the key can write a new one. This is honest about what it proves: the history is
   frozen *as found at the migration*; whether it was rewritten before, nothing can tell.
2. The baseline: an image of every audited row as found (``audit.baseline``), so that
   ``audit verify`` compares rows written before the images existed with their state at the
   migration, and names any later change.

Both are no-ops on an empty database (a new installation is keyed from its first entry).
"""

from __future__ import annotations

from django.conf import settings
from django.db import migrations

from ungpho.audit.services import SYSTEM, chain_append, snapshot
from ungpho.core.audit.chain import REANCHOR_ACTION, entry_hash, entry_payload, key_id


def chain_reanchor(apps, schema_editor) -> None:
    """Append the re-anchor entry if the chain's head is an unkeyed (SHA-256) link."""
    model = apps.get_model("audit", "AuditEntry")
    head = model.objects.order_by("-seq").first()
    if head is None:
        return
    payload = entry_payload(seq=head.seq, at=head.at, actor_kind=head.actor_kind,
                            actor=head.actor, action=head.action, object_type=head.object_type,
                            object_id=head.object_id, before=head.before, after=head.after)
    if entry_hash(previous_hash=head.previous_hash, payload=payload) != head.hash:
        return  # keyed already (or broken: `ungpho audit verify` says which)
    chain_append(model, actor=SYSTEM, action=REANCHOR_ACTION, object_type="audit.chain",
                 object_id="keyed", before=None, after={
                     "unkeyed_through": head.seq, "unkeyed_head": head.hash,
                     "scheme": "HMAC-SHA-256 (RFC 2104)", "key_id": key_id(settings.AUDIT_KEY)})


def images_baseline(app_label: str, model_name: str, *, fields: tuple[str, ...] | None = None,
                    **filters):
    """The migration operation that records an image of each row of the model (those
    matching ``filters``) as found."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        entries = apps.get_model("audit", "AuditEntry")
        label = model._meta.label_lower
        for row in model._base_manager.filter(**filters).order_by("pk").iterator():
            chain_append(entries, actor=SYSTEM, action="audit.baseline", object_type=label,
                         object_id=str(row.pk), before=None,
                         after=snapshot(row, list(fields) if fields else None))

    return migrations.RunPython(forward, migrations.RunPython.noop)
