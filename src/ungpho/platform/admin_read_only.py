"""The admin of records the services write and nobody edits (readings, ingested files, dead
letters, worker steps, the incident log and history, released public messages): seen, never
added, changed or deleted there."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
