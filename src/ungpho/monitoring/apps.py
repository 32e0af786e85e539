from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MonitoringConfig(AppConfig):
    name = "ungpho.monitoring"
    verbose_name = "Quan trắc / Monitoring"

    def ready(self):
        from ungpho.faults.doors import door_register
        from ungpho.monitoring.mqtt_messages import mqtt_letter_retry

        post_migrate.connect(_parameters_sync_on_migrate, sender=self)
        door_register("mqtt", mqtt_letter_retry)


def _parameters_sync_on_migrate(sender, using="default", **kwargs):
    if using == "default":
        from ungpho.monitoring.services import parameters_sync

        parameters_sync()
