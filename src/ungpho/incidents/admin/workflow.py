"""Admin of the response workflow: the activation packages are the operations centre's to
edit; what was recorded on incidents is read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ungpho.incidents.models import (
    ActivationPackage,
    ChecklistTick,
    IncidentTask,
    PackageApplication,
    PackageNotification,
    PackageResource,
    PackageTask,
    PhaseChange,
    SituationReport,
)
from ungpho.incidents.response.phases import incident_phases
from ungpho.platform.admin_read_only import ReadOnlyAdmin
from ungpho.platform.i18n import localized


class PackageTaskInline(admin.TabularInline):
    model = PackageTask
    extra = 1


class PackageNotificationInline(admin.TabularInline):
    model = PackageNotification
    extra = 1


class PackageResourceInline(admin.TabularInline):
    model = PackageResource
    extra = 1


@admin.register(ActivationPackage)
class ActivationPackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "kind", "hazard_categories", "alarm_levels", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [PackageTaskInline, PackageNotificationInline, PackageResourceInline]


@admin.register(PackageApplication)
class PackageApplicationAdmin(ReadOnlyAdmin):
    list_display = ["incident", "package", "applied_at", "applied_by"]


@admin.register(IncidentTask)
class IncidentTaskAdmin(ReadOnlyAdmin):
    list_display = ["incident", "title", "owner", "due_at", "status", "version"]
    list_filter = ["status", "origin"]


@admin.register(PhaseChange)
class PhaseChangeAdmin(ReadOnlyAdmin):
    list_display = ["incident", "previous", "phase", "at", "by", "reason"]


@admin.register(ChecklistTick)
class ChecklistTickAdmin(ReadOnlyAdmin):
    list_display = ["incident", "phase", "item_shown", "ticked_at", "ticked_by", "withdrawn_at"]

    @admin.display(description=_("duty"), ordering="item")
    def item_shown(self, tick: ChecklistTick) -> str:
        """The duty by its name in the instrument's checklist, not its id."""
        _instrument, phases = incident_phases(tick.incident)
        items = {item.id: item for phase in (phases.phases if phases else ())
                 for item in phase.checklist}
        item = items.get(tick.item)
        return localized(item.vi, item.en) if item else tick.item


@admin.register(SituationReport)
class SituationReportAdmin(ReadOnlyAdmin):
    list_display = ["incident", "number", "period_from", "period_to", "issued_at",
                    "issued_by"]
