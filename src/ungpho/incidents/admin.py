from django.contrib import admin

from ungpho.incidents.models import IncidentReport


@admin.register(IncidentReport)
class IncidentReportAdmin(admin.ModelAdmin):
    list_display = ["code", "status", "source", "province", "station", "opened_at", "peak_value"]
    list_filter = ["status", "source", "province"]
    readonly_fields = ["decision", "evidence"]
