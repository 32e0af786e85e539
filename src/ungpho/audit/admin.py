"""Admin of records the services write: shown, never edited."""

from django.contrib import admin


class ReadOnly(admin.ModelAdmin):
    """Records written by the services only (history, log, released messages): never edited
    in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
