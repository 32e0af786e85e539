from __future__ import annotations

from django.utils.translation import gettext as _

from ungpho.accounts.selectors import scoped
from ungpho.incidents.models import IncidentReport


def incident_list_open(*, user):
    """Open reports the user may see, newest first."""
    reports = IncidentReport.objects.filter(status=IncidentReport.Status.OPEN).select_related(
        "province", "station", "parameter", "facility")
    return scoped(reports, user, province_field="province", facility_field="facility")


def incident_title(report: IncidentReport) -> str:
    if report.source == IncidentReport.Source.THRESHOLD and report.station_id:
        return _("%(parameter)s above limit at station %(station)s") % {
            "parameter": report.parameter.code, "station": report.station.name}
    return report.get_source_display()
