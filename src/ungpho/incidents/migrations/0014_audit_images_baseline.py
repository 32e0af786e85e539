"""An audited image of every incident record as found, so that `ungpho audit verify` compares
rows written before images were recorded (ungpho.audit.carry_over)."""

from django.db import migrations

from ungpho.audit.carry_over import images_baseline


class Migration(migrations.Migration):

    dependencies = [("incidents", "0013_append_only_guards"), ("audit", "0003_chain_keyed")]

    operations = [images_baseline("incidents", name) for name in (
        "Incident", "Classification", "IncidentTask", "ClosureDecision", "PhaseChange",
        "SituationReport", "IncidentLogEntry")]
