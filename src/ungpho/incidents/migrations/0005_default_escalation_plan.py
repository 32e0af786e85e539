"""The default escalation plan: 5 minutes before a deadline the duty officers and the
province's board, at the deadline the supervisors, 30 minutes after it the national duty
officers (NACCET). Administrators may change it in the admin; running timers keep theirs."""

from django.db import migrations

STEPS = [(1, 5, "duty"), (2, 0, "supervisors"), (3, -30, "national")]


def plan_add(apps, schema_editor):
    step = apps.get_model("incidents", "EscalationStep")
    for order, minutes, target in STEPS:
        step.objects.get_or_create(order=order, defaults={"minutes_before_due": minutes,
                                                          "target": target})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_deadlines_escalation")]
    operations = [migrations.RunPython(plan_add, migrations.RunPython.noop)]
