from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ungpho.preparedness.models import Facility, HazardousChemical, RadioactiveSource
from ungpho.preparedness.services import source_status_set


class ChemicalInline(admin.TabularInline):
    model = HazardousChemical
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "country", "category_computed",
                    "category_override", "demo"]
    list_filter = ["kind", "foreign", "category_computed", "province"]
    search_fields = ["code", "name", "licensee", "licence_number"]
    readonly_fields = ["category_computed", "category_decision"]
    inlines = [ChemicalInline]


@admin.register(RadioactiveSource)
class RadioactiveSourceAdmin(admin.ModelAdmin):
    list_display = ["serial", "nuclide", "activity_bq", "reference_date", "group", "status",
                    "facility", "mobile"]
    list_filter = ["status", "group", "nuclide", "mobile"]
    search_fields = ["serial", "device", "facility__name"]
    # Status changes go through source_status_set (a lost source opens a report): the
    # actions below, never the form.
    readonly_fields = ["status", "status_changed_at", "a_over_d", "group"]
    actions = ["mark_lost", "mark_stolen", "mark_found", "mark_in_use", "mark_in_storage",
               "mark_disused"]

    def _mark(self, request, queryset, status):
        for source in queryset:
            source_status_set(source=source, status=status, by=request.user)
        self.message_user(request, _("%(count)d source(s) set to “%(status)s”.") % {
            "count": len(queryset),
            "status": RadioactiveSource.Status(status).label}, messages.SUCCESS)

    @admin.action(description=_("Report lost (opens a report on the duty desk)"))
    def mark_lost(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.LOST)

    @admin.action(description=_("Report stolen (opens a report on the duty desk)"))
    def mark_stolen(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.STOLEN)

    @admin.action(description=_("Mark found"))
    def mark_found(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.FOUND)

    @admin.action(description=_("Mark in use"))
    def mark_in_use(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.IN_USE)

    @admin.action(description=_("Mark in storage"))
    def mark_in_storage(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.IN_STORAGE)

    @admin.action(description=_("Mark disused"))
    def mark_disused(self, request, queryset):
        self._mark(request, queryset, RadioactiveSource.Status.DISUSED)
