"""A report is closed with a reason (and a note), can be reopened, and keeps the history of
both (ReportStatusChange, append-only). Reports closed before: reason "unrecorded", closed
at their last update."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

from ungpho.audit.guards import guards_migration


def legacy_closed(apps, schema_editor):
    apps.get_model("incidents", "IncidentReport").objects.filter(status="closed").update(
        close_reason="unrecorded", closed_at=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('incidents', '0015_report_deadlines_clock'),
        ('monitoring', '0007_ingestfile_station_no_db_check'),
        ('preparedness', '0002_risk_registry'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportStatusChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(verbose_name='time')),
                ('by', models.CharField(max_length=150, verbose_name='by')),
                ('action', models.CharField(choices=[('closed', 'closed'), ('reopened', 'reopened')], max_length=10, verbose_name='action')),
                ('reason', models.CharField(blank=True, choices=[('false_alarm', 'false alarm'), ('duplicate', 'duplicate of another report'), ('test', 'test or maintenance'), ('handled', 'handled without an incident'), ('other', 'other (explained in the note)'), ('response_ended', "its incident's response ended"), ('unrecorded', 'closed before reasons were recorded')], max_length=20, verbose_name='reason for closing')),
                ('note', models.TextField(blank=True, verbose_name='note')),
            ],
            options={
                'verbose_name': 'report status change',
                'verbose_name_plural': 'report status changes',
                'ordering': ['report', 'at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='incidentreport',
            name='close_note',
            field=models.TextField(blank=True, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='incidentreport',
            name='close_reason',
            field=models.CharField(blank=True, choices=[('false_alarm', 'false alarm'), ('duplicate', 'duplicate of another report'), ('test', 'test or maintenance'), ('handled', 'handled without an incident'), ('other', 'other (explained in the note)'), ('response_ended', "its incident's response ended"), ('unrecorded', 'closed before reasons were recorded')], max_length=20, verbose_name='reason for closing'),
        ),
        migrations.AddField(
            model_name='incidentreport',
            name='closed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='closed at'),
        ),
        migrations.AddField(
            model_name='incidentreport',
            name='closed_by',
            field=models.CharField(blank=True, max_length=150, verbose_name='closed by'),
        ),
        migrations.AddIndex(
            model_name='incidentreport',
            index=models.Index(fields=['status', '-closed_at'], name='incidents_i_status_340480_idx'),
        ),
        migrations.RunPython(legacy_closed, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='incidentreport',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), models.Q(('close_reason', ''), _negated=True), _connector='OR'), name='incident_report_closed_has_reason'),
        ),
        migrations.AddField(
            model_name='reportstatuschange',
            name='report',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='status_changes', to='incidents.incidentreport'),
        ),
        guards_migration("incidents_reportstatuschange"),
    ]
