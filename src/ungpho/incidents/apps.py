from django.apps import AppConfig
from django.db.backends.signals import connection_created


class IncidentsConfig(AppConfig):
    name = "ungpho.incidents"
    verbose_name = "Sự cố / Incidents"

    def ready(self):
        from ungpho.db_times import readable_times_register

        connection_created.connect(readable_times_register)
