from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ungpho.accounts.selectors import scoped
from ungpho.incidents.models import IncidentReport

TRACKER_ALERTS = {"outside_area": gettext_lazy("left its permitted area"),
                  "outside_hours": gettext_lazy("moving outside working hours"),
                  "silent": gettext_lazy("tracker silent")}


def incident_list_open(*, user):
    """Open reports the user may see, newest first."""
    reports = IncidentReport.objects.filter(status=IncidentReport.Status.OPEN).select_related(
        "province", "station", "parameter", "facility", "radioactive_source")
    return scoped(reports, user, province_field="province", facility_field="facility")


def incident_title(report: IncidentReport) -> str:
    if report.source == IncidentReport.Source.THRESHOLD and report.station_id:
        return _("%(parameter)s above limit at station %(station)s") % {
            "parameter": report.parameter.code, "station": report.station.name}
    if report.radioactive_source_id:
        source = report.radioactive_source
        names = {"nuclide": source.nuclide, "serial": source.serial}
        if report.source == IncidentReport.Source.TRACKER:
            return _("Mobile source %(nuclide)s %(serial)s: %(alert)s") % {
                **names, "alert": TRACKER_ALERTS.get(report.decision.get("alert"), "")}
        return _("Radioactive source %(nuclide)s %(serial)s %(status)s") % {
            **names, "status": source.get_status_display()}
    return report.get_source_display()
