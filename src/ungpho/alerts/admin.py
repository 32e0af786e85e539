from django.contrib import admin

from ungpho.alerts.models import Notification, PublicMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(PublicMessage)
class PublicMessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written through the incident page (approval, release)."""

    list_display = ["incident", "number", "template", "status", "msg_type", "sent_at",
                    "next_update_at"]
    list_filter = ["status", "msg_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
