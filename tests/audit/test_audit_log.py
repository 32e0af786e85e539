import datetime as dt
import json
import os

import pytest
from django.db import connection, transaction

from ungpho.audit.guards import unguard_sql
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


def test_audit_verify_passes_on_an_untouched_anchored_log(gamma_station, capsys):
    assert main(["audit", "anchor"]) == 0
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "intact" in out and f"#{AuditEntry.objects.count()}" in out


def test_audit_verify_without_anchors_says_the_check_is_incomplete(gamma_station, capsys):
    assert main(["audit", "verify"]) == 2
    assert "no anchor file" in capsys.readouterr().err


def test_audit_verify_finds_a_row_edited_in_the_database(gamma_station, capsys):
    victim = AuditEntry.objects.get(action="threshold.set")
    with connection.cursor() as cursor:
        for sql in unguard_sql(connection.vendor, AuditEntry._meta.db_table):
            cursor.execute(sql)
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET after = %s WHERE id = %s",
                       ['{"level_1": 50.0}', victim.pk])
    assert main(["audit", "anchor"]) == 1  # a rewritten chain is not anchored over
    assert main(["audit", "verify"]) in (1, 2)
    err = capsys.readouterr().err
    assert f"#{victim.seq}: " in err and "edited" in err


def test_the_worker_anchors_the_head_and_refuses_to_anchor_over_a_cut_chain(gamma_station,
                                                                           settings):
    from ungpho.audit.anchoring import AnchorRefused, anchor_last, audit_anchor

    settings.AUDIT_ANCHOR_S = 3600
    first = audit_anchor()
    assert first is not None and anchor_last(settings.AUDIT_ANCHOR_FILE).seq == first.seq
    _record(3)
    assert audit_anchor() is None  # the interval has not passed
    assert audit_anchor(force=True).seq == first.seq + 3
    lines = settings.AUDIT_ANCHOR_FILE.read_text().splitlines()
    assert len(lines) == 2 and all('"mac"' in line for line in lines)
    _unguarded_sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq > %s", [first.seq])
    with pytest.raises(AnchorRefused, match=f"ends at #{first.seq} but #{first.seq + 3} was "
                                            "anchored"):
        audit_anchor(force=True)
    assert len(settings.AUDIT_ANCHOR_FILE.read_text().splitlines()) == 2


def test_an_exported_anchor_kept_elsewhere_catches_a_cut_even_without_the_anchor_file(
        gamma_station, settings, tmp_path, capsys):
    exported = tmp_path / "elsewhere" / "anchor.json"
    exported.parent.mkdir()
    assert main(["audit", "anchor", "--export", str(exported)]) == 0
    head = AuditEntry.objects.order_by("-seq").first().seq
    settings.AUDIT_ANCHOR_FILE.unlink()  # the attacker removed the anchor file too
    _unguarded_sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE seq = %s", [head])
    capsys.readouterr()
    assert main(["audit", "verify", "--against", str(exported)]) == 1
    err = capsys.readouterr().err
    assert f"entry #{head} was anchored" in err and "no anchor file" in err


def test_a_log_from_before_the_key_is_carried_over_by_a_re_anchor_that_freezes_it(db):
    """A deployed database's SHA-256 chain: the migration appends one keyed entry that
    commits to its head; from then on the old entries verify, and an edit of one that
    recomputes its SHA-256 links breaks the re-anchor's link."""
    from django.apps import apps

    from ungpho.audit.carry_over import chain_reanchor
    from ungpho.audit.verify import audit_verify
    from ungpho.core.audit.chain import GENESIS_HASH, entry_hash

    _unguarded_sql(f"DELETE FROM {AuditEntry._meta.db_table}")  # (the migrations' entries)
    previous = GENESIS_HASH
    for seq in range(1, 6):  # as 15e7b33 wrote them
        entry = AuditEntry(seq=seq, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                           actor_kind="system", actor="system", action="old.write",
                           object_type="t", object_id=str(seq), after={"n": seq},
                           previous_hash=previous)
        entry.hash = previous = entry_hash(previous_hash=previous, payload=entry.payload())
        entry.save()
    chain_reanchor(apps, None)
    chain_reanchor(apps, None)  # a second migrate finds the chain keyed: nothing to do
    reanchor = AuditEntry.objects.get(action="audit.chain.keyed")
    assert reanchor.seq == 6 and reanchor.after["unkeyed_head"] == previous
    _record(2)
    report = audit_verify()
    assert report.findings == [] and (report.unkeyed_through, report.entries) == (5, 8)
    victim = AuditEntry.objects.get(seq=3)
    payload = {**victim.payload(), "after": {"n": 300}}
    link = entry_hash(previous_hash=victim.previous_hash, payload=payload)
    _unguarded_sql(f"UPDATE {AuditEntry._meta.db_table} SET after = %s, hash = %s "
                   f"WHERE seq = 3", ['{"n": 300}', link])
    assert [(f.seq, f.kind) for f in audit_verify().findings] == [(4, "chain.link")]


def test_rows_written_before_images_get_a_baseline_that_deep_verify_compares(duty_officer):
    from django.apps import apps

    from tests.factories import incident_from_call
    from ungpho.audit.carry_over import images_baseline
    from ungpho.audit.verify import audit_verify
    from ungpho.incidents.models import Incident

    incident = incident_from_call(duty_officer)
    legacy = Incident.objects.create(  # as a row written before images were recorded
        title="cũ", province_id="01", lat=21.0, lon=105.8, opened_at=incident.opened_at,
        first_information_at=incident.opened_at)
    assert [(f.kind, f.row) for f in audit_verify(deep=True).findings] == [
        ("row.unaudited", str(legacy.pk))]
    with transaction.atomic():
        images_baseline("incidents", "Incident").code(apps, None)
    assert audit_verify(deep=True).findings == []


def test_the_guards_come_back_with_migrate_after_a_rebuild_took_them(db):
    from django.core.management import call_command

    from ungpho.audit.guards import guarded_tables, guards_present

    table = AuditEntry._meta.db_table
    _unguarded_sql("SELECT 1")  # drops every guard
    assert not guards_present(connection, table)
    call_command("migrate", verbosity=0)
    assert all(guards_present(connection, t) for t in guarded_tables())
    assert table in guarded_tables() and "incidents_incidentlogentry" in guarded_tables()


@pytest.fixture
def cli_env(tmp_path):
    """The environment of an ``ungpho`` process on a data dir of its own (SQLite)."""
    from tests.conftest import REPO

    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "UNGPHO_AUDIT_KEY"}}
    return {**env, "UNGPHO_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}


def test_check_warns_when_the_key_sits_on_the_sqlite_database_s_disk(cli_env, tmp_path):
    from tests.conftest import ungpho

    env = cli_env
    result = json.loads(ungpho("check", "--json", env=env, check=False).stdout)
    key = next(r for r in result if r["name"] == "audit key")
    assert key["ok"] and key["warn"] and "same disk" in key["detail"]
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    env["UNGPHO_AUDIT_KEY"] = "k" * 64
    result = json.loads(ungpho("check", "--json", env=env, check=False).stdout)
    assert not next(r for r in result if r["name"] == "audit key")["warn"]


def test_a_missing_key_file_is_a_configuration_problem_exit_2(cli_env, tmp_path):
    from tests.conftest import ungpho

    env = {**cli_env, "UNGPHO_AUDIT_KEY_FILE": str(tmp_path / "usb" / "audit_key")}
    result = ungpho("audit", "verify", env=env, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "UNGPHO_AUDIT_KEY_FILE" in result.stderr and "Mount the key's disk" in result.stderr


def test_an_audited_activity_of_5e16_bq_verifies_on_both_databases(db):
    """PostgreSQL's jsonb gives such a float back as an integer: no false alarm."""
    from ungpho.audit.verify import audit_verify

    with transaction.atomic():
        audit_record(by=None, action="source.upsert", object_type="t", object_id="1",
                     after={"activity_bq": 5e16, "half_life_s": 9.5e8})
    assert audit_verify().findings == []


def test_no_cascade_reaches_the_append_only_records(duty_officer):
    """Deleting an incident is refused while it has a log (PROTECT); deleting the account
    that wrote entries leaves them as written, naming it."""
    from django.db.models import ProtectedError

    from tests.factories import incident_from_call
    from ungpho.incidents.models import IncidentLogEntry

    incident = incident_from_call(duty_officer)
    with pytest.raises(ProtectedError):
        incident.delete()
    duty_officer.delete()
    assert set(IncidentLogEntry.objects.values_list("by", flat=True)) == {"trucban"}


def _record(count: int) -> None:
    with transaction.atomic():
        for i in range(count):
            audit_record(by=None, action="test.write", object_type="t", object_id=str(i))


def _unguarded_sql(statement: str, params=()) -> None:
    """As someone with the database's rights: the guards dropped first."""
    from ungpho.audit.guards import guarded_tables

    with connection.cursor() as cursor:
        for table in guarded_tables():
            for sql in unguard_sql(connection.vendor, table):
                cursor.execute(sql)
        cursor.execute(statement, params)
