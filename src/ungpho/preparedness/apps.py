from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "ungpho.preparedness"
    verbose_name = "Chuẩn bị ứng phó / Preparedness"

    def ready(self):
        from ungpho.faults.doors import door_register
        from ungpho.faults.models import DeadLetter
        from ungpho.preparedness.tracker_letters import tracker_letter_retry

        door_register(DeadLetter.Door.TRACKER, tracker_letter_retry)
