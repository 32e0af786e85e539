import datetime as dt

import pytest
import time_machine

from ungpho.alerts.models import Notification
from ungpho.alerts.services import outbox_claim_next, outbox_send_due, retry_delay_s
from ungpho.audit.models import AuditEntry
from ungpho.incidents.services import incident_raise_from_exceedance

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(gamma_station, duty_officer):
    report, _ = incident_raise_from_exceedance(
        station_id=gamma_station.station.pk, parameter_id=gamma_station.parameter.pk,
        province_code="01", lat=21.03, lon=105.85, observed_at=dt.datetime.now(dt.UTC),
        decision={"value": 0.9, "limit": 0.5, "level": 1})
    return Notification.objects.get(report=report)


def test_a_queued_email_reaches_the_smtp_server_once(queued, smtp_settings):
    assert outbox_send_due(worker_id="w1") == 1
    assert outbox_send_due(worker_id="w1") == 0
    [message] = smtp_settings.messages
    assert message["To"] == "trucban@x.vn"
    assert message["Message-ID"] == queued.message_id
    body = message.get_content()
    assert "Báo cáo sự cố mới" in body and "New incident report" in body
    queued.refresh_from_db()
    assert queued.status == Notification.Status.SENT and queued.sent_at is not None
    assert AuditEntry.objects.filter(action="notification.sent").count() == 1


def test_an_unreachable_server_leaves_the_message_pending_with_the_error(queued, settings):
    from tests.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    assert outbox_send_due(worker_id="w1") == 0
    queued.refresh_from_db()
    assert queued.status == Notification.Status.PENDING and queued.attempts == 1
    assert "Connection refused" in queued.last_error or "Errno" in queued.last_error
    assert queued.due_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)


def test_a_row_is_claimed_by_one_worker_only(queued):
    assert outbox_claim_next(worker_id="w1") is not None
    assert outbox_claim_next(worker_id="w2") is None


def test_a_claim_whose_sender_died_is_taken_over_after_the_lease(queued, settings):
    settings.OUTBOX_LEASE_S = 60
    first = outbox_claim_next(worker_id="w1")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)):
        assert outbox_claim_next(worker_id="w2") is None
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        second = outbox_claim_next(worker_id="w2")
    assert second.pk == first.pk and second.attempts == 2 and second.claimed_by == "w2"


def test_retry_delays_grow_and_are_capped():
    assert [retry_delay_s(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay_s(20) == 1800


def test_a_message_gives_up_after_max_attempts_and_shows_on_the_desk(queued, settings):
    from tests.conftest import free_port
    from ungpho.alerts.selectors import notification_problems

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    Notification.objects.filter(pk=queued.pk).update(attempts=Notification.MAX_ATTEMPTS - 1)
    outbox_send_due(worker_id="w1")
    assert list(notification_problems()) == [queued]
