from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "ungpho.alerts"
    verbose_name = "Cảnh báo và thông báo / Alerts and notifications"
