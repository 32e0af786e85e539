"""The chain is keyed (HMAC-SHA-256) from here on; a log written before is carried over by one
keyed re-anchor entry that commits to its head (ungpho.audit.carry_over)."""

from django.db import migrations

from ungpho.audit.carry_over import chain_reanchor


class Migration(migrations.Migration):

    dependencies = [("audit", "0002_append_only_guards")]

    operations = [migrations.RunPython(chain_reanchor, migrations.RunPython.noop)]
