from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ungpho.alerts.models import Channel, Contact, Notification, PlanRule, PublicMessage
from ungpho.incidents.admin import ReadOnly
from ungpho.incidents.models import Incident


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "channel", "party", "subject", "status", "attempts", "due_at",
                    "sent_at", "acknowledged_at"]
    list_filter = ["status", "channel", "party"]
    # The acknowledgement token stays out of sight: it is the recipient's.
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "ack_token"]
    exclude = ["ack_token"]

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox and its acknowledgements are the record (docs/audit.md)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["party", "province", "name", "email", "phone", "webhook_url", "role",
                    "active"]
    list_filter = ["party", "active", "province"]
    search_fields = ["name", "email", "phone"]


@admin.register(PlanRule)
class PlanRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "party", "channel_names", "scope_names", "min_alarm_level",
                    "hazard_categories", "transboundary_only", "citation", "active"]
    list_editable = ["active"]
    list_filter = ["party", "active"]

    @admin.display(description=_("channels"))
    def channel_names(self, rule: PlanRule) -> str:
        return ", ".join(str(Channel(c).label) if c in Channel.values else c
                         for c in rule.channels)

    @admin.display(description=_("response scopes"))
    def scope_names(self, rule: PlanRule) -> str:
        return ", ".join(str(Incident.Scope(s).label) if s in Incident.Scope.values else s
                         for s in rule.scopes) or "—"


@admin.register(PublicMessage)
class PublicMessageAdmin(ReadOnly):
    """Read-only: messages are written through the incident page (approval, release)."""

    list_display = ["incident", "number", "template", "status", "msg_type", "sent_at",
                    "next_update_at"]
    list_filter = ["status", "msg_type"]
