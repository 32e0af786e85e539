from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ungpho.monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        # Here, not at the top: these modules import models, loaded only once the apps are.
        from ungpho.faults.doors import door_register
        from ungpho.faults.models import DeadLetter
        from ungpho.monitoring.api.ingest import http_letter_retry
        from ungpho.monitoring.doors.letters import eurdep_retry, station_file_retry, tracker_retry
        from ungpho.monitoring.doors.mqtt_messages import mqtt_letter_retry

        post_migrate.connect(_parameters_sync_on_migrate, sender=self)
        # What a dead letter of each door is fed to again (`ungpho faults retry`).
        for door, retry in ((DeadLetter.Door.FILE, station_file_retry),
                            (DeadLetter.Door.CLI, station_file_retry),
                            (DeadLetter.Door.EURDEP, eurdep_retry),
                            (DeadLetter.Door.HTTP, http_letter_retry),
                            (DeadLetter.Door.MQTT, mqtt_letter_retry),
                            (DeadLetter.Door.TRACKER, tracker_retry)):
            door_register(door, retry)


def _parameters_sync_on_migrate(sender, using="default", **kwargs):
    if using == "default":
        from ungpho.monitoring.services import parameters_sync

        parameters_sync()
