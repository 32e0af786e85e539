from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "ungpho.geo"
    verbose_name = _("Administrative geography")

    def ready(self):
        from ungpho.geo.services import provinces_sync_on_migrate
        from ungpho.platform.db_fold import fold_function_register

        post_migrate.connect(provinces_sync_on_migrate, sender=self)
        # Place and station names searched without their diacritics (ungpho.platform.db_fold).
        connection_created.connect(fold_function_register)
