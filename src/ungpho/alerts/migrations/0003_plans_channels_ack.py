"""Notification plans, contact points, channels and acknowledgement. The first report's FK
becomes ``report`` (kept as it was) and ``incident`` now links the response incident."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

import ungpho.alerts.models


def report_copy(apps, schema_editor):
    apps.get_model("alerts", "Notification").objects.update(report_id=F("incident_id"))


def report_uncopy(apps, schema_editor):
    apps.get_model("alerts", "Notification").objects.update(incident_id=F("report_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0002_public_messages'),
        ('geo', '0001_initial'),
        ('incidents', '0012_notification_log_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Not RenameField: PostgreSQL would keep the old index name, which the new
        # ``incident`` column's index then needs.
        migrations.AddField(
            model_name='notification',
            name='report',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='incidents.incidentreport'),
        ),
        migrations.RunPython(report_copy, report_uncopy),
        migrations.RemoveField(model_name='notification', name='incident'),
        migrations.AddField(
            model_name='notification',
            name='incident',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='incidents.incident'),
        ),
        migrations.CreateModel(
            name='PlanRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('party', models.CharField(choices=[('facility_command_board', 'facility command board'), ('provincial_command_board', 'provincial command board'), ('provincial_dost', 'provincial Department of Science and Technology'), ('police_113', 'police 113'), ('fire_114', 'fire and rescue 114'), ('ambulance_115', 'ambulance 115'), ('naccet', 'NACCET (national operations centre)'), ('ministry_of_defence', 'Ministry of Defence'), ('iaea_contact_point', 'IAEA contact point'), ('neighbouring_province', "neighbouring provinces' command boards")], max_length=30, verbose_name='party')),
                ('channels', models.JSONField(help_text='e.g. ["email", "sms", "inapp"]', verbose_name='channels')),
                ('scopes', models.JSONField(blank=True, default=list, help_text='empty: any scope', verbose_name='response scopes')),
                ('min_alarm_level', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='from alarm level')),
                ('hazard_categories', models.JSONField(blank=True, default=list, help_text='empty: any category', verbose_name='hazard categories')),
                ('transboundary_only', models.BooleanField(default=False, verbose_name='transboundary events only')),
                ('citation', models.CharField(max_length=200, verbose_name='citation')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'notification plan rule',
                'verbose_name_plural': 'notification plan',
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='ack_required',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='notification',
            name='ack_token',
            field=models.CharField(editable=False, max_length=40, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='notification',
            name='acknowledged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='acknowledged at'),
        ),
        migrations.AddField(
            model_name='notification',
            name='acknowledged_by',
            field=models.CharField(blank=True, max_length=200, verbose_name='acknowledged by'),
        ),
        migrations.AddField(
            model_name='notification',
            name='citation',
            field=models.CharField(blank=True, max_length=300, verbose_name='citation'),
        ),
        migrations.AddField(
            model_name='notification',
            name='escalated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='notification',
            name='party',
            field=models.CharField(blank=True, choices=[('facility_command_board', 'facility command board'), ('provincial_command_board', 'provincial command board'), ('provincial_dost', 'provincial Department of Science and Technology'), ('police_113', 'police 113'), ('fire_114', 'fire and rescue 114'), ('ambulance_115', 'ambulance 115'), ('naccet', 'NACCET (national operations centre)'), ('ministry_of_defence', 'Ministry of Defence'), ('iaea_contact_point', 'IAEA contact point'), ('neighbouring_province', "neighbouring provinces' command boards")], max_length=30, verbose_name='party'),
        ),
        migrations.AddField(
            model_name='notification',
            name='reminder_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='alerts.notification'),
        ),
        migrations.AddField(
            model_name='notification',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='inbox', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='notification',
            name='channel',
            field=models.CharField(choices=[('email', 'e-mail'), ('sms', 'SMS'), ('webhook', 'webhook'), ('inapp', 'in the application')], default='email', max_length=10),
        ),
        # Existing rows keep no token (each needs its own); new rows get one.
        migrations.AlterField(
            model_name='notification',
            name='ack_token',
            field=models.CharField(default=ungpho.alerts.models._token, editable=False, max_length=40, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='notification',
            name='recipient',
            field=models.CharField(max_length=500, verbose_name='recipient'),
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('party', models.CharField(choices=[('facility_command_board', 'facility command board'), ('provincial_command_board', 'provincial command board'), ('provincial_dost', 'provincial Department of Science and Technology'), ('police_113', 'police 113'), ('fire_114', 'fire and rescue 114'), ('ambulance_115', 'ambulance 115'), ('naccet', 'NACCET (national operations centre)'), ('ministry_of_defence', 'Ministry of Defence'), ('iaea_contact_point', 'IAEA contact point'), ('neighbouring_province', "neighbouring provinces' command boards")], max_length=30, verbose_name='party')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone for SMS')),
                ('webhook_url', models.URLField(blank=True, max_length=500, verbose_name='webhook URL')),
                ('webhook_secret', models.CharField(blank=True, max_length=200, verbose_name='webhook secret')),
                ('role', models.CharField(blank=True, choices=[('national_duty', 'National duty officer'), ('provincial_command', 'Provincial command board'), ('facility_operator', 'Facility operator'), ('station', 'Monitoring station'), ('administrator', 'Administrator')], max_length=30, verbose_name='in-app users of the role')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='geo.province', verbose_name='province')),
            ],
            options={
                'verbose_name': 'contact point',
                'verbose_name_plural': 'contact points',
                'ordering': ['party', 'province', 'name'],
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='contact',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notifications', to='alerts.contact'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['ack_required', 'acknowledged_at', 'escalated_at'], name='alerts_noti_ack_req_7bc78d_idx'),
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.CheckConstraint(condition=models.Q(('webhook_url', ''), models.Q(('webhook_secret', ''), _negated=True), _connector='OR'), name='contact_webhook_has_secret'),
        ),
    ]
