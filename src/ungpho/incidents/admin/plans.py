"""Admin of the notification plan: its rules name the parties to tell by the incident's
response scope, alarm level and hazard category (``incidents.notification.plans``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ungpho.alerts.models import Channel, PlanRule
from ungpho.incidents.models import Incident


@admin.register(PlanRule)
class PlanRuleAdmin(admin.ModelAdmin):
    list_display = ["order", "party", "channel_names", "scope_names", "min_alarm_level",
                    "hazard_categories", "transboundary_only", "citation", "active"]
    list_editable = ["active"]
    list_filter = ["party", "active"]

    @admin.display(description=_("channels"))
    def channel_names(self, rule: PlanRule) -> str:
        return ", ".join(str(Channel(c).label) if c in Channel.values else c
                         for c in rule.channels)

    @admin.display(description=_("response scopes"))
    def scope_names(self, rule: PlanRule) -> str:
        return ", ".join(str(Incident.Scope(s).label) if s in Incident.Scope.values else s
                         for s in rule.scopes) or "—"
