"""Admin of the outbox, the contact points and the public messages; the notification plan's
rules are in ``incidents.admin.plans`` (they speak of incidents' scopes)."""

from django.contrib import admin

from ungpho.alerts.models import Contact, Notification, PublicMessage
from ungpho.platform.admin_read_only import ReadOnlyAdmin


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


@admin.register(PublicMessage)
class PublicMessageAdmin(ReadOnlyAdmin):
    """Read-only: messages are written through the incident page (approval, release)."""

    list_display = ["incident", "number", "template", "status", "msg_type", "sent_at",
                    "next_update_at"]
    list_filter = ["status", "msg_type"]
