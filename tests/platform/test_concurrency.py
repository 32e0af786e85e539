"""Several writers at once, as with several workers or web processes: on SQLite through
IMMEDIATE transactions, on PostgreSQL through the advisory lock and conditional UPDATEs."""

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.conftest import in_threads
from ungpho.alerts.models import Notification
from ungpho.alerts.services import outbox_claim_next
from ungpho.audit.verify import audit_verify
from ungpho.preparedness.services import facility_upsert

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_service_writes_keep_one_unbroken_audit_chain():
    def write(i):
        for j in range(5):
            facility_upsert(code=f"f-{i}-{j}", name=f"Cơ sở {i}-{j}", province_code="01",
                            lat=21.0, lon=105.8)

    assert in_threads(6, write) == []
    report = audit_verify()
    assert report.findings == [] and report.entries >= 30


def test_concurrent_workers_claim_each_notification_exactly_once():
    now = dt.datetime.now(dt.UTC)
    Notification.objects.bulk_create([
        Notification(recipient=f"u{i}@x.vn", subject="s", body="b", dedupe_key=f"k{i}",
                     created_at=now, due_at=now) for i in range(40)])
    claimed: list[int] = []
    lock = threading.Lock()

    def work(i):
        while (row := outbox_claim_next(worker_id=f"w{i}")) is not None:
            with lock:
                claimed.append(row.pk)

    assert in_threads(4, work) == []
    assert sorted(claimed) == sorted(Notification.objects.values_list("pk", flat=True))


def test_the_postgresql_pass_really_runs_on_postgresql(on_postgresql):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13
