"""Finding 7: a record that could be rewritten. Deleting the last 1, 50 or 500 audit rows, or
editing a row and recomputing the chain, passed `ungpho audit verify`; an incident log entry
could be edited or deleted unseen; direct edits of a classification, an incident or an
acknowledgement went unnoticed; nothing stopped UPDATE or DELETE.

The attacker here has the database's rights: it drops the append-only triggers before it
writes. What it does not have is the audit key and the anchor file, which live outside the
database. Each verdict is the real `ungpho audit verify` run against the test's database, as
an operator would run it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil

import pytest
from django.db import IntegrityError, connection, transaction

from tests.conftest import REPO, ungpho
from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Notification
from ungpho.alerts.services import notification_enqueue
from ungpho.audit.models import AuditEntry
from ungpho.audit.services import audit_record
from ungpho.cli import main
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.closure.decision import final_report_save, incident_closure_decide
from ungpho.incidents.lifecycle import incident_classify, incident_note
from ungpho.incidents.models import (
    Classification,
    ClosureDecision,
    IncidentLogEntry,
    PhaseChange,
    SituationReport,
)
from ungpho.incidents.notification.escalation import notification_acknowledge
from ungpho.incidents.response.phases import phase_advance
from ungpho.incidents.response.roles import role_appoint
from ungpho.incidents.response.sitreps import sitrep_issue
from ungpho.incidents.response.tasks import task_create
from ungpho.public.messages import (
    message_approve,
    message_draft,
    message_edit,
    message_release,
)
from ungpho.public.render import instrument_for, template_fields
from ungpho.worker import worker_tick

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT = AuditEntry._meta.db_table
LOG = IncidentLogEntry._meta.db_table
LOST_IR192 = {k: v for k, v in json.loads(
    (RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(encoding="utf-8")
).items() if k != "first_information_at"}


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _drop_triggers() -> None:
    """What an attacker with the database's rights does first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                           "WHERE NOT tgisinternal")
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON {table}')


def _database_url() -> str:
    where = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite://{where['NAME']}"
    auth = where["USER"] + (f":{where['PASSWORD']}" if where["PASSWORD"] else "")
    return f"postgresql://{auth}@{where['HOST'] or '127.0.0.1'}:{where['PORT'] or 5432}/" \
           f"{where['NAME']}"


@pytest.fixture
def verify(settings, tmp_path):
    """``ungpho audit verify ARGS`` run as an operator would, against this test's database,
    with the key this process writes with and the data dir's anchor file (which the worker
    pass of the test writes): (exit code, everything it printed)."""
    data = tmp_path / "data"
    data.mkdir()
    settings.AUDIT_ANCHOR_FILE = data / "audit-anchors.jsonl"
    if getattr(settings, "AUDIT_KEY_FILE", None):
        shutil.copy(settings.AUDIT_KEY_FILE, data / "audit_key")
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"UNGPHO_DATA_DIR": str(data), "DATABASE_URL": _database_url(),
                "PYTHONPATH": str(REPO / "src")})

    def run(*args: str) -> tuple[int, str]:
        result = ungpho("audit", "verify", *args, env=env, check=False)
        return result.returncode, result.stdout + result.stderr

    return run


def _writes(count: int) -> None:
    with transaction.atomic():
        for i in range(count):
            audit_record(by=None, action="test.write", object_type="test.row", object_id=str(i),
                         after={"i": i})


def _head() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()


@pytest.mark.parametrize("deleted", [1, 50, 500])
def test_deleting_the_last_audit_rows_is_found_and_the_anchored_entry_named(deleted, verify):
    _writes(520)
    worker_tick(worker="w1")  # a worker pass: the chain's head is anchored
    head = _head()
    _drop_triggers()
    _sql(f"DELETE FROM {AUDIT} WHERE seq > %s", [head - deleted])
    code, out = verify()
    assert code == 1, out
    assert f"entry #{head} was anchored" in out and f"now ends at #{head - deleted}" in out


def test_an_entry_edited_and_the_chain_rehashed_with_plain_sha256_is_found(verify):
    _writes(30)
    worker_tick(worker="w1")
    victim = AuditEntry.objects.get(action="test.write", object_id="7").seq
    _drop_triggers()
    previous = AuditEntry.objects.get(seq=victim - 1).hash
    for entry in AuditEntry.objects.filter(seq__gte=victim).order_by("seq"):
        payload = entry.payload()
        if entry.seq == victim:
            payload["after"] = {"i": 7, "forged": True}
        link = hashlib.sha256(previous.encode() + json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
        _sql(f"UPDATE {AUDIT} SET after = %s, previous_hash = %s, hash = %s WHERE seq = %s",
             [json.dumps(payload["after"]), previous, link, entry.seq])
        previous = link
    code, out = verify()
    assert code == 1, out
    assert f"#{victim}: nội dung không khớp" in out and "does not match its MAC" in out


@pytest.fixture
def log_entries(duty_officer):
    """Two incidents; the first with a note and a correction of it."""
    incident = incident_from_call(duty_officer, minutes_ago=5)
    other = incident_from_call(duty_officer, minutes_ago=3)
    note = incident_note(incident=incident, text="Đội ứng phó đã đến hiện trường",
                         by=duty_officer)
    correction = incident_note(incident=incident, text="Đội đến lúc 08:40", by=duty_officer,
                               corrects=note)
    return incident, other, note, correction


def _adapted(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


@pytest.mark.parametrize("field", ["incident_id", "at", "by", "kind", "text", "data",
                                   "corrects_id"])
def test_each_field_of_an_incident_log_entry_edited_in_the_database_is_named(
        field, log_entries, capsys):
    incident, other, note, correction = log_entries
    value = {"incident_id": other.pk,
             "at": _adapted(dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
             "by": "mallory", "kind": "classified", "text": "Không có gì xảy ra",
             "data": json.dumps({"forged": True}),
             "corrects_id": incident.log.order_by("pk").first().pk}[field]
    worker_tick(worker="w1")
    _drop_triggers()
    _sql(f"UPDATE {LOG} SET {field} = %s WHERE id = %s", [value, correction.pk])
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"{LOG} #{correction.pk}, trường / field {field}:" in err, err


def test_an_incident_log_entry_deleted_in_the_database_is_named(log_entries, verify):
    _incident, _other, note, correction = log_entries
    worker_tick(worker="w1")
    _drop_triggers()
    _sql(f"DELETE FROM {LOG} WHERE id = %s", [correction.pk])
    code, out = verify()
    assert code == 1, out
    assert f"{LOG} #{correction.pk}: dòng đã ghi" in out and "is gone (deleted)" in out


def test_an_incident_log_entry_slipped_into_the_database_is_named(log_entries, capsys):
    incident, _other, note, _correction = log_entries
    worker_tick(worker="w1")
    _sql(f"INSERT INTO {LOG} (incident_id, at, by, kind, text, data) "
         f"VALUES (%s, %s, %s, %s, %s, %s)",
         [incident.pk, _adapted(note.at), "trucban", "note", "Đã sơ tán xong", "{}"])
    forged = IncidentLogEntry.objects.order_by("-pk").first()
    assert main(["audit", "verify"]) == 1
    assert f"{LOG} #{forged.pk}: dòng không có mục nhật ký" in capsys.readouterr().err


@pytest.fixture
def response(duty_officer):
    """An incident taken through its response: classified, commanded, a task, a phase change,
    a situation report, a released public message, an acknowledged plan message, closed."""
    commander = user_upsert(username="chihuy", password="mat-khau-dai-123",
                            email="chihuy@x.vn", role=Role.PROVINCIAL_COMMAND,
                            province_code="01", full_name="Trần Chỉ Huy")
    incident = incident_from_call(duty_officer, minutes_ago=5, lat=21.0285, lon=105.8542)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    role_appoint(incident=incident, role="commander", user=commander, by=duty_officer)
    task = task_create(incident=incident, title="Khoanh vùng 30 m", by=commander)
    phase_advance(incident=incident, to=2, by=commander, reason="đội đã đến hiện trường")
    sitrep_issue(incident=incident, by=commander, situation="Đang dò tìm nguồn Ir-192")
    message = message_draft(incident=incident, template="initial", by=commander,
                            public_url="http://ungpho.test")
    fields, _flags = template_fields(instrument_for(incident), message.template)
    message = message_edit(message=message, revision=message.revision, by=commander, changes={
        "values": {f.name: message.values.get(f.name) or {"vi": f.name, "en": f.name}
                   for f in fields}})
    message = message_approve(message=message, revision=message.revision, by=commander)
    message = message_release(message=message, by=commander, public_url="http://ungpho.test")
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        for who in ("police", "fire"):
            notification_enqueue(recipient=f"{who}@x.vn", subject="Sự cố", body="…",
                                 dedupe_key=f"test:{who}", now=now, incident=incident,
                                 ack_required=True)
    acknowledged, pending = Notification.objects.filter(dedupe_key__startswith="test:"
                                                        ).order_by("pk")
    notification_acknowledge(notification=acknowledged, who="Trực ban Công an")
    final_report_save(incident=incident, version=0, by=commander, texts={
        "recipients": "UBND tỉnh", "activities": "Khoanh vùng.", "countermeasures": "Thu hồi.",
        "consequences_people": "Không.", "consequences_environment": "Không.",
        "dose_assessment": "0,4 mSv.", "conclusions": "Đạt."})
    closure = incident_closure_decide(
        incident=incident, by=commander, potential_dose_msv_per_year="0.05",
        dose_basis="Đo suất liều", remediation_applied=True, reason="Nguồn đã thu hồi")
    return {"incident": incident, "classification": incident.classifications.get(),
            "task": task, "message": message, "acknowledged": acknowledged,
            "pending": pending, "closure": closure}


def test_direct_edits_of_every_audited_record_are_named_by_deep_verify(response, verify):
    worker_tick(worker="w1")
    edits = [  # (row, field, the attacker's value)
        (response["incident"], "title", "Không có sự cố"),
        (response["classification"], "alarm_level", 1),
        (response["acknowledged"], "acknowledged_by", "Không ai"),
        (response["task"], "status", "cancelled"),
        (response["message"], "text_vi", "Không có gì xảy ra"),
        (response["closure"], "reason", "Không cần lý do"),
    ]
    _drop_triggers()
    for row, field, value in edits:
        _sql(f"UPDATE {row._meta.db_table} SET {field} = %s WHERE id = %s", [value, row.pk])
    forged = response["pending"]  # an acknowledgement nobody gave
    _sql(f"UPDATE {forged._meta.db_table} SET acknowledged_at = %s, acknowledged_by = %s "
         f"WHERE id = %s", [_adapted(dt.datetime.now(dt.UTC)), "Trực ban", forged.pk])
    code, out = verify("--deep")
    assert code == 1, out
    for row, field, value in edits:
        named = f"{row._meta.db_table} #{row.pk}, trường / field {field}: trong CSDL / stored " \
                f"{value!r}"
        assert named in out, f"{named} not in:\n{out}"
    assert f"{forged._meta.db_table} #{forged.pk}: dòng không có mục nhật ký" in out


def test_the_database_refuses_to_update_or_delete_append_only_records(response):
    """After a flush between transactional tests too: the guards are never off."""
    tables = [model._meta.db_table for model in (
        AuditEntry, IncidentLogEntry, Classification, ClosureDecision, PhaseChange,
        SituationReport)]
    for table in tables:
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                _sql(statement)
        if connection.vendor == "postgresql":
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                _sql(f"TRUNCATE {table} CASCADE")
    assert IncidentLogEntry.objects.filter(incident=response["incident"]).count() > 5
