from django.contrib import admin

from ungpho.alerts.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in Notification._meta.fields]
