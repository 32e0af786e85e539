from django.contrib import admin

from ungpho.incidents.models import Classification, Incident, IncidentLogEntry, IncidentReport


@admin.register(IncidentReport)
class IncidentReportAdmin(admin.ModelAdmin):
    list_display = ["code", "status", "source", "province", "station", "incident", "opened_at",
                    "peak_value"]
    list_filter = ["status", "source", "province"]
    readonly_fields = ["decision", "evidence", "incident"]


class ReadOnly(admin.ModelAdmin):
    """Records written by the services only (history, log, released messages): never edited
    in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnly):
    list_display = ["code", "title", "status", "exercise", "province", "hazard_category",
                    "alarm_level", "scope", "first_information_at"]
    list_filter = ["status", "exercise", "hazard_category", "scope", "province"]


@admin.register(Classification)
class ClassificationAdmin(ReadOnly):
    list_display = ["incident", "at", "by", "hazard_category", "alarm_level", "scope",
                    "overridden"]


@admin.register(IncidentLogEntry)
class IncidentLogEntryAdmin(ReadOnly):
    list_display = ["incident", "at", "by", "kind", "text"]
    list_filter = ["kind"]


from ungpho.incidents import workflow_admin  # noqa: E402, F401 - the response workflow's
