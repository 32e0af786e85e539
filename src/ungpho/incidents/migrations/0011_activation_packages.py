"""Seed the activation packages of incidents/activation_packages.yaml (TT 12/2023/TT-BKHCN,
QĐ 1251/QĐ-TTg where cited; the rest is the operations centre's plan)."""

from django.db import migrations


def seed(apps, schema_editor):
    from ungpho.incidents.response.packages import packages_seed

    packages_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_response_workflow")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
