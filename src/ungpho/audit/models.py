import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ungpho.core.audit.chain import entry_mac, entry_payload


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes (an append-only log). The tables of the models it
    manages are guarded in the database too (``audit.guards``)."""

    refusal = "the audit log is append-only"

    def update(self, **kwargs):
        raise PermissionError(self.refusal)

    def delete(self):
        raise PermissionError(self.refusal)


class AuditEntry(models.Model):
    """One write made through a service. Never updated or deleted; chained by a keyed MAC
    (``hash``: HMAC-SHA-256; plain SHA-256 for a history from before the key, up to its
    re-anchor entry — ``core.audit.chain``)."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)  # user, station, system
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # The object history page and `audit verify` read by object and by seq.
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")

    def payload(self) -> dict:
        """What the MAC covers (besides the previous entry's)."""
        return entry_payload(seq=self.seq, at=self.at, actor_kind=self.actor_kind,
                             actor=self.actor, action=self.action, object_type=self.object_type,
                             object_id=self.object_id, before=self.before, after=self.after)

    def sealed(self) -> bool:
        """Whether the entry's MAC verifies under the audit key (its own content and link;
        ``ungpho audit verify`` checks the whole chain)."""
        return hmac.compare_digest(self.hash, entry_mac(
            key=settings.AUDIT_KEY, previous_hash=self.previous_hash, payload=self.payload()))
