"""The database refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE on the audit log."""

from django.db import migrations

from ungpho.audit.guards import guards_migration


class Migration(migrations.Migration):

    dependencies = [("audit", "0001_initial")]

    operations = [guards_migration("audit_auditentry")]
