"""Append entries to the audit log inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from ungpho.audit.models import AuditEntry
from ungpho.audit.registry import AUDITED
from ungpho.core.audit.chain import GENESIS_HASH, entry_mac, entry_payload

#: Key of the PostgreSQL advisory lock that serialises appends (SQLite's IMMEDIATE
#: transactions already serialise writers).
AUDIT_LOCK_KEY = 0x756E6770686F  # "ungpho"


@dataclass(frozen=True)
class Actor:
    """Who made a write: a user, a station (by code) or the system itself."""

    kind: str
    label: str

    @classmethod
    def of(cls, who) -> Actor:
        if isinstance(who, Actor):
            return who
        if who is None:
            return SYSTEM
        if hasattr(who, "get_username"):
            return cls("user", who.get_username())
        return cls("station", who.code)


SYSTEM = Actor("system", "system")


class _ImageEncoder(DjangoJSONEncoder):
    """Django's, except that times keep their microseconds and are given in UTC, as the
    database keeps them: an image compares equal to its row read back."""

    def default(self, o):
        if isinstance(o, dt.datetime) and o.tzinfo is not None:
            return o.astimezone(dt.UTC).isoformat()
        return super().default(o)


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """JSON-safe dict of a model's concrete field values (foreign keys as ids)."""
    if instance is None:
        return None
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is None or field.name in fields:
            data[field.attname] = getattr(instance, field.attname)
    return json.loads(json.dumps(data, cls=_ImageEncoder))


def image_of(row: models.Model) -> dict:
    """A row's image: every field, or those the registry audits (``audit.registry``)."""
    audited = AUDITED.get(row._meta.label_lower)
    return snapshot(row, list(audited.fields) if audited and audited.fields else None)


def audit_image(obj: models.Model, *, by, action: str) -> AuditEntry:
    """Record ``obj``'s row as the database now holds it (its image) inside the writing
    transaction. ``ungpho audit verify`` compares each audited row with its last image."""
    row = type(obj)._base_manager.get(pk=obj.pk)
    return audit_record(by=by, action=action, obj=row, after=image_of(row))


def audited_upsert(model: type[models.Model], *, by, action: str, lookup: dict,
                   defaults: dict) -> models.Model:
    """``update_or_create`` that appends an audit entry when something changed."""
    before = snapshot(model.objects.filter(**lookup).first())
    obj, _ = model.objects.update_or_create(**lookup, defaults=defaults)
    after = snapshot(obj)
    if before != after:
        audit_record(by=by, action=action, obj=obj, before=before, after=after)
    return obj


def audit_record(*, by, action: str, obj: models.Model | None = None, object_type: str = "",
                 object_id: str = "", before: dict | None = None,
                 after: dict | None = None) -> AuditEntry:
    """Append one entry; must run inside the transaction of the write it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the writing transaction")
    if obj is not None:
        object_type, object_id = object_type or obj._meta.label_lower, object_id or str(obj.pk)
    return chain_append(AuditEntry, actor=Actor.of(by), action=action, object_type=object_type,
                        object_id=object_id, before=before, after=after)


def chain_append(model, *, actor: Actor, action: str, object_type: str, object_id: str,
                 before: dict | None, after: dict | None):
    """Append one entry to the chain, its MAC under the audit key; ``model`` is
    ``AuditEntry`` or, in a migration, its historical model."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
    last = model.objects.order_by("-seq").values("seq", "hash").first()
    entry = model(seq=(last["seq"] + 1) if last else 1, at=dt.datetime.now(dt.UTC),
                  actor_kind=actor.kind, actor=actor.label, action=action,
                  object_type=object_type, object_id=object_id, before=before, after=after,
                  previous_hash=last["hash"] if last else GENESIS_HASH)
    entry.hash = entry_mac(key=settings.AUDIT_KEY, previous_hash=entry.previous_hash,
                           payload=entry_payload(
                               seq=entry.seq, at=entry.at, actor_kind=entry.actor_kind,
                               actor=entry.actor, action=action, object_type=object_type,
                               object_id=object_id, before=before, after=after))
    entry.save()
    return entry

