from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "ungpho.alerts"
    verbose_name = _("Alerts and notifications")

    def ready(self):
        from django.db.models import Q

        from ungpho.alerts.models import Notification, PublicMessage
        from ungpho.audit.registry import audited_register

        # Every write records the row's image (`ungpho audit verify --deep`, docs/audit.md);
        # of an outbox message, only its acknowledgement is audited.
        audited_register(PublicMessage)
        audited_register(Notification, fields=("acknowledged_at", "acknowledged_by"),
                         required=Q(acknowledged_at__isnull=False))
