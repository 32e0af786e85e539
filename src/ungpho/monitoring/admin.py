from django.contrib import admin

from ungpho.monitoring.models import Parameter, Reading, Station, Threshold


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "reporting_interval_s"]
    list_filter = ["province"]
    search_fields = ["code", "name"]
    inlines = [ThresholdInline]


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "unit"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["station", "parameter", "observed_at", "value", "via"]
    list_filter = ["via", "parameter"]
    date_hierarchy = "observed_at"
