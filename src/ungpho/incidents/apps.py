from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "ungpho.incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from ungpho.audit.registry import audited_register
        from ungpho.incidents import models
        from ungpho.incidents.receivers import receivers_connect
        from ungpho.platform.db_times import readable_times_register

        connection_created.connect(readable_times_register)
        receivers_connect()

        # Every write records the row's image; `ungpho audit verify` checks the log always,
        # the others with --deep (docs/audit.md).
        audited_register(models.IncidentLogEntry, always=True)
        for model in (models.Incident, models.Classification, models.IncidentTask,
                      models.ClosureDecision, models.PhaseChange, models.SituationReport):
            audited_register(model)
