from django.apps import AppConfig


class PreparednessConfig(AppConfig):
    name = "ungpho.preparedness"
    verbose_name = "Chuẩn bị ứng phó / Preparedness"

    def ready(self):
        from ungpho.faults.doors import door_register
        from ungpho.monitoring.mqtt_messages import mqtt_letter_retry

        door_register("tracker", mqtt_letter_retry)  # its letters are MQTT messages
