"""Admin of reports and incidents: reports are the desk's to correct; what was recorded on
an incident is read-only."""

from django.contrib import admin

from ungpho.incidents.models import Classification, Incident, IncidentLogEntry, IncidentReport
from ungpho.platform.admin_read_only import ReadOnlyAdmin


@admin.register(IncidentReport)
class IncidentReportAdmin(admin.ModelAdmin):
    list_display = ["code", "status", "source", "province", "station", "incident", "opened_at",
                    "peak_value"]
    list_filter = ["status", "source", "province"]
    readonly_fields = ["decision", "evidence", "incident"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "status", "exercise", "province", "hazard_category",
                    "alarm_level", "scope", "first_information_at"]
    list_filter = ["status", "exercise", "hazard_category", "scope", "province"]


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdmin):
    list_display = ["incident", "at", "by", "hazard_category", "alarm_level", "scope",
                    "overridden"]


@admin.register(IncidentLogEntry)
class IncidentLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["incident", "at", "by", "kind", "text"]
    list_filter = ["kind"]
