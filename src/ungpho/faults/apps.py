from django.apps import AppConfig


class FaultsConfig(AppConfig):
    name = "ungpho.faults"
    verbose_name = "Sự cố vận hành / Operational faults"
