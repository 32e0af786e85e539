"""An audited image of every public message and acknowledgement as found, so that `ungpho
audit verify --deep` compares rows written before images were recorded
(ungpho.audit.carry_over)."""

from django.db import migrations

from ungpho.audit.carry_over import images_baseline


class Migration(migrations.Migration):

    dependencies = [("alerts", "0004_default_plan"), ("audit", "0003_chain_keyed")]

    operations = [
        images_baseline("alerts", "PublicMessage"),
        images_baseline("alerts", "Notification", fields=("acknowledged_at", "acknowledged_by"),
                        acknowledged_at__isnull=False),
    ]
