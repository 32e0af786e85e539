from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ungpho.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from ungpho.audit.guards import guards_after_migrate

        post_migrate.connect(guards_after_migrate, sender=self,
                             dispatch_uid="ungpho.audit.guards")
