from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "ungpho.audit"
    verbose_name = "Nhật ký kiểm toán / Audit log"

    def ready(self):
        from ungpho.audit.guards import guards_after_migrate

        post_migrate.connect(guards_after_migrate, sender=self,
                             dispatch_uid="ungpho.audit.guards")
