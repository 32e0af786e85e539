"""The monitoring admin: the registry is edited through the audited services; readings,
exceedances, ingested files and rejected lines are read-only (readings are never deleted)."""

from __future__ import annotations

import io
import json

from django import forms
from django.contrib import admin
from django.db.models import F
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from ungpho.audit.services import audit_record, snapshot
from ungpho.core.monitoring.limits import alarm_level
from ungpho.monitoring.models import (
    Exceedance,
    IngestFile,
    Parameter,
    Reading,
    RejectedLine,
    Station,
    StationParameter,
    Threshold,
)
from ungpho.monitoring.registry.file_export import (
    STATION_COLUMNS,
    stations_export_csv,
    stations_export_geojson,
)
from ungpho.monitoring.registry.file_import import point_province
from ungpho.monitoring.services import mapping_set, station_upsert, threshold_set
from ungpho.platform.admin_read_only import (
    ReadOnlyAdmin,  # what the pipeline wrote stays as written
)
from ungpho.platform.i18n import localized


class StationForm(forms.ModelForm):
    class Meta:
        model = Station
        fields = list(STATION_COLUMNS)

    def clean(self):
        data = super().clean()
        if data.get("lat") is not None and data.get("lon") is not None:
            try:
                point_province(data["lat"], data["lon"])
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return data


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["parameter", "level_1", "level_2", "level_3", "confirm_count", "basis"]

    def clean(self):
        data = super().clean()
        if data.get("level_1") is not None:
            try:
                alarm_level(data["level_1"], (data["level_1"], data.get("level_2"),
                                              data.get("level_3")))
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return data


class StationParameterInline(admin.TabularInline):
    model = StationParameter
    extra = 0
    fields = ["symbol", "unit", "parameter", "scale", "offset"]


class ThresholdInline(admin.TabularInline):
    model = Threshold
    form = ThresholdForm
    extra = 0


@admin.action(description=_("Export the selected stations as CSV"))
def export_csv(modeladmin, request, queryset):
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheets read the Vietnamese text as UTF-8
    stations_export_csv(out, queryset)
    return HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="stations.csv"'})


@admin.action(description=_("Export the selected stations as GeoJSON"))
def export_geojson(modeladmin, request, queryset):
    body = json.dumps(stations_export_geojson(queryset), ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/geo+json; charset=utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="stations.geojson"'})


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    form = StationForm
    list_display = ["code", "name", "type", "province", "ministry", "status", "state",
                    "last_reading_at"]
    list_filter = ["type", "province", "ministry", "status", "state"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "owner", "file_prefix"]
    raw_id_fields = ["facility"]
    readonly_fields = ["token", "state", "state_since", "last_reading_at"]
    inlines = [StationParameterInline, ThresholdInline]
    actions = [export_csv, export_geojson]

    @admin.display(description=_("API token"))
    def token(self, obj):
        if obj is None or not obj.pk:
            return "—"
        how = f"`ungpho token {obj.code}`"
        if obj.token_sha256:
            return (f"Đã cấp, lưu dạng băm; cấp mã mới bằng {how} / issued, kept hashed; "
                    f"{how} issues a new one")
        return f"Chưa cấp; cấp bằng {how} / none yet; {how} issues one"

    def get_readonly_fields(self, request, obj=None):
        # The code is the station's identity for the services, files and tokens.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # a station is retired (status), its readings are kept

    def save_model(self, request, obj, form, change):
        saved = station_upsert(
            code=obj.code, name=obj.name, province_code=obj.province_id, lat=obj.lat,
            lon=obj.lon, owner=obj.owner, ministry=obj.ministry, type=obj.type,
            reporting_interval_s=obj.reporting_interval_s, status=obj.status,
            file_prefix=obj.file_prefix, background_usv_h=obj.background_usv_h,
            facility_code=obj.facility.code if obj.facility_id else None, by=request.user)
        obj.pk, obj._state.adding = saved.pk, False

    def save_formset(self, request, form, formset, change):
        model, by = formset.model, request.user
        key, action = (("symbol", "mapping.delete") if model is StationParameter
                       else ("parameter", "threshold.delete"))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            old = model.objects.filter(pk=inline.instance.pk).first() if inline.instance.pk \
                else None
            if inline in formset.deleted_forms:
                if old is not None:
                    _delete_audited(old, action=action, by=by)
                    formset.deleted_objects.append(old)
                continue
            if not inline.has_changed():
                continue
            data = inline.cleaned_data
            if old is not None and getattr(old, key) != data[key]:
                _delete_audited(old, action=action, by=by)
            if model is StationParameter:
                saved = mapping_set(station=form.instance, symbol=data["symbol"],
                                    parameter=data["parameter"], unit=data["unit"],
                                    scale=data["scale"], offset=data["offset"], by=by)
            else:
                saved = threshold_set(
                    station=form.instance, parameter=data["parameter"],
                    level_1=data["level_1"], level_2=data["level_2"], level_3=data["level_3"],
                    confirm_count=data["confirm_count"], basis=data["basis"], by=by)
            if old is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, inline.changed_data))


def _delete_audited(obj, *, action: str, by) -> None:
    """Delete a mapping or alarm-level row, recording what it was (inside the admin's
    transaction)."""
    audit_record(by=by, action=action, obj=obj, before=snapshot(obj))
    obj.delete()


@admin.register(Parameter)
class ParameterAdmin(ReadOnlyAdmin):
    """Kept in step with ``core/monitoring/data/parameters.yaml`` after every migrate, so
    an edit here would be overwritten: view only."""

    list_display = ["code", "name_vi", "name_en", "unit", "range_min", "range_max",
                    "citation"]
    search_fields = ["code", "name_vi", "name_en"]


class FlagFilter(admin.SimpleListFilter):
    title = _("quality flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        from ungpho.core.monitoring.qc import Flag

        return [("0", _("valid (no flag)")),
                *((str(f.value), localized(f.name_vi, f.name_en)) for f in Flag)]

    def queryset(self, request, queryset):
        if self.value() is None or not self.value().isdigit():
            return queryset
        bit = int(self.value())
        if bit == 0:
            return queryset.filter(flags=0)
        return queryset.annotate(flag_bit=F("flags").bitand(bit)).filter(flag_bit=bit)


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["station", "parameter", "observed_at", "value", "flags", "via",
                    "received_at"]
    list_filter = ["via", FlagFilter, "parameter"]
    list_select_related = ["station", "parameter"]
    search_fields = ["station__code"]
    date_hierarchy = "observed_at"
    show_full_result_count = False  # the table is large; counting it on every page is slow


@admin.register(Exceedance)
class ExceedanceAdmin(ReadOnlyAdmin):
    list_display = ["station", "parameter", "level", "value", "limit_value", "observed_at",
                    "confirmed_at", "report"]
    list_filter = ["level", "parameter"]
    list_select_related = ["station", "parameter", "report"]
    search_fields = ["station__code", "basis"]
    date_hierarchy = "confirmed_at"


@admin.register(IngestFile)
class IngestFileAdmin(ReadOnlyAdmin):
    list_display = ["path", "status", "station", "stored", "duplicates", "rejected",
                    "started_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["station"]
    search_fields = ["path", "sha256", "station__code"]


@admin.register(RejectedLine)
class RejectedLineAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "via", "source", "line_no", "field", "reason", "station"]
    list_filter = ["via", "field"]
    list_select_related = ["station"]
    search_fields = ["source", "reason", "station__code"]
    date_hierarchy = "received_at"
