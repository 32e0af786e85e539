"""The roles of ungpho (DESIGN.md "Who uses it"), one Django group each."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    NATIONAL_DUTY = "national_duty"
    PROVINCIAL_COMMAND = "provincial_command"
    FACILITY_OPERATOR = "facility_operator"
    STATION = "station"
    ADMINISTRATOR = "administrator"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.NATIONAL_DUTY: _("National duty officer"),
    Role.PROVINCIAL_COMMAND: _("Provincial command board"),
    Role.FACILITY_OPERATOR: _("Facility operator"),
    Role.STATION: _("Monitoring station"),
    Role.ADMINISTRATOR: _("Administrator"),
}
