"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the incident records
that never change: the incident log, phase changes, situation reports, classifications and
closure decisions (ungpho.audit.guards)."""

from django.db import migrations

from ungpho.audit.guards import guards_migration


class Migration(migrations.Migration):

    dependencies = [("incidents", "0012_notification_log_kind")]

    operations = [guards_migration(
        "incidents_incidentlogentry", "incidents_phasechange", "incidents_situationreport",
        "incidents_classification", "incidents_closuredecision")]
