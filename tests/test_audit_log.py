import pytest
from django.db import connection

from ungpho.audit.models import AuditEntry
from ungpho.audit.services import audit_record
from ungpho.cli import main

pytestmark = pytest.mark.django_db


def test_service_writes_leave_who_what_before_and_after(gamma_station, duty_officer):
    from ungpho.monitoring.services import threshold_set

    threshold_set(station=gamma_station.station, parameter=gamma_station.parameter,
                  level_1=0.3, by=duty_officer)
    entry = AuditEntry.objects.filter(action="threshold.set").last()
    assert (entry.actor_kind, entry.actor) == ("user", "trucban")
    assert entry.before["level_1"] == 0.5 and entry.after["level_1"] == 0.3


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(gamma_station):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the writing transaction"):
        audit_record(by=None, action="x", object_type="t", object_id="1")


def test_audit_verify_passes_on_an_untouched_log(gamma_station, capsys):
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_audit_verify_finds_a_row_edited_in_the_database(gamma_station, capsys):
    victim = AuditEntry.objects.get(action="threshold.set")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET after = %s WHERE id = %s",
                       ['{"level_1": 50.0}', victim.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"entry {victim.seq}" in err and "edited" in err
