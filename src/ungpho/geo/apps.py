from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GeoConfig(AppConfig):
    name = "ungpho.geo"
    verbose_name = "Địa giới hành chính / Administrative geography"

    def ready(self):
        from ungpho.geo.services import provinces_sync_on_migrate

        post_migrate.connect(provinces_sync_on_migrate, sender=self)
