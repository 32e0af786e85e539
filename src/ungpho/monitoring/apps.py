from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ungpho.monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from ungpho.monitoring.letters import doors_register

        post_migrate.connect(_parameters_sync_on_migrate, sender=self)
        doors_register()


def _parameters_sync_on_migrate(sender, using="default", **kwargs):
    if using == "default":
        from ungpho.monitoring.services import parameters_sync

        parameters_sync()
