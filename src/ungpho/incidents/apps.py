from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "ungpho.incidents"
    verbose_name = "Sự cố / Incidents"
