from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ungpho.monitoring"
    verbose_name = "Quan trắc / Monitoring"
