from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ungpho.audit"
    verbose_name = "Nhật ký kiểm toán / Audit log"
