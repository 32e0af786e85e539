"""Notification plans: who is told of a classification and by which channel, through the
outbox to a real SMTP server and real HTTP receivers (SMS gateway, webhook), with back-off,
exactly-once per idempotency key, acknowledgement by link or in the application, escalation
of what nobody acknowledged, and the Phụ lục VI notify deadline met on delivery."""

import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from tests.conftest import free_port
from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.channels import Mailer, channel_send
from ungpho.alerts.models import Contact, Notification
from ungpho.alerts.services import outbox_claim_next, outbox_send_due
from ungpho.core.rules.loader import RULES_DIR
from ungpho.incidents.lifecycle import incident_classify
from ungpho.incidents.notification.escalation import notifications_escalate

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
TWO_PROVINCES = {**LOST_IR192, "scope": {**LOST_IR192["scope"], "provinces_affected": 2}}
SECRET = "bí-mật-webhook-naccet"


class Receiver:
    """A real HTTP server in a thread that records every POST; ``status`` is its answer
    (503: the gateway is down)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self) -> list[str]:
        return [r["headers"]["Idempotency-Key"] for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    receiver = Receiver()
    settings.SMS_GATEWAY_URL = f"{receiver.url}/sms"
    settings.SMS_GATEWAY_TOKEN = "token-cong-sms"
    settings.HTTP_CHANNEL_TIMEOUT_S = 5
    yield receiver
    receiver.close()


@pytest.fixture
def directory(gateway, duty_officer):
    """Contact points filled in: the provincial board by e-mail (and in-app), police 113 by
    SMS, NACCET by signed webhook; a board user in Hà Nội and one next door in Bắc Ninh."""
    Contact.objects.filter(party="provincial_command_board").update(email="bch@hanoi.gov.vn")
    Contact.objects.filter(party="police_113").update(phone="+84911300113")
    Contact.objects.filter(party="naccet").update(webhook_url=f"{gateway.url}/naccet",
                                                  webhook_secret=SECRET)
    board = user_upsert(username="bch-hn", password="mat-khau-dai-123", email="bch-hn@x.vn",
                        role=Role.PROVINCIAL_COMMAND, province_code="01")
    neighbour = user_upsert(username="bch-bn", password="mat-khau-dai-123",
                            email="bch-bn@x.vn", role=Role.PROVINCIAL_COMMAND,
                            province_code="24")
    return {"board": board, "neighbour": neighbour, "officer": duty_officer}




def _rows(incident, **filters):
    return incident.notifications.filter(reminder_of=None, **filters).exclude(party="")


def test_a_classification_queues_the_plan_and_a_reclassification_only_the_new_parties(
        directory):
    officer = directory["officer"]
    incident = incident_from_call(officer, minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=officer)  # provincial, level 2
    first = {(n.party, n.channel, n.recipient) for n in _rows(incident)}
    assert first == {("provincial_command_board", "email", "bch@hanoi.gov.vn"),
                     ("provincial_command_board", "inapp", "bch-hn"),
                     ("police_113", "sms", "+84911300113")}
    entry = incident.log.filter(kind="notification").last()
    assert "fire_114" in entry.data["unreachable"] and "police_113" not in entry.text
    assert "công an 113" in entry.text and "police 113" in entry.text  # by name, both languages
    incident_classify(incident=incident, facts=LOST_IR192, by=officer)  # the same again
    assert _rows(incident).count() == 3
    incident_classify(incident=incident, facts=TWO_PROVINCES, by=officer)  # national now
    added = {(n.party, n.channel, n.recipient) for n in _rows(incident)} - first
    assert added == {("naccet", "webhook", Contact.objects.get(party="naccet").webhook_url),
                     ("naccet", "inapp", "trucban"),
                     ("neighbouring_province", "inapp", "bch-bn")}
    assert _rows(incident).count() == 6  # nobody told twice
    assert all(n.citation for n in _rows(incident))


def test_the_email_reaches_the_smtp_server_with_an_acknowledgement_link(directory,
                                                                         smtp_settings, client):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    outbox_send_due(worker_id="w1")
    [message] = [m for m in smtp_settings.messages if m["To"] == "bch@hanoi.gov.vn"]
    body = message.get_content()
    assert incident.code in body and "---- English ----" in body
    link = re.search(r"http://127.0.0.1:8000(/ack/\S+)", body).group(1)
    row = Notification.objects.get(recipient="bch@hanoi.gov.vn")
    assert row.status == "sent" and row.sent_at is not None

    page = client.get(link)  # a mail scanner, or the reader, opens the link
    assert page.status_code == 200 and incident.code in page.content.decode()
    row.refresh_from_db()
    assert row.acknowledged_at is None  # GET never acknowledges
    client.post(link, {"name": "Nguyễn Văn A"})
    row.refresh_from_db()
    assert row.acknowledged_at is not None and "Nguyễn Văn A" in row.acknowledged_by
    assert incident.log.filter(kind="notification", text__contains="Nguyễn Văn A").exists()
    assert "data-acknowledged" in client.get(link).content.decode()


def test_an_sms_goes_to_the_http_gateway_with_token_and_idempotency_key(directory, gateway):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    outbox_send_due(worker_id="w1")
    [sms] = [r for r in gateway.requests if r["path"] == "/sms"]
    row = Notification.objects.get(channel="sms")
    payload = json.loads(sms["body"])
    assert payload["to"] == "+84911300113" and incident.code in payload["text"]
    assert "/ack/" in payload["text"]
    assert sms["headers"]["Authorization"] == "Bearer token-cong-sms"
    assert sms["headers"]["Idempotency-Key"] == row.idempotency_key
    row.refresh_from_db()
    assert row.status == "sent"


def test_the_webhook_signature_is_verifiable_by_the_receiver(directory, gateway):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=TWO_PROVINCES, by=directory["officer"])
    outbox_send_due(worker_id="w1")
    [hook] = [r for r in gateway.requests if r["path"] == "/naccet"]
    timestamp = hook["headers"]["X-Ungpho-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + hook["body"],
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(hook["headers"]["X-Ungpho-Signature"], f"sha256={expected}")
    payload = json.loads(hook["body"])
    assert payload["incident"]["code"] == incident.code
    assert payload["incident"]["scope"] == "national" and payload["party"] == "naccet"
    tampered = hmac.new(SECRET.encode(), timestamp.encode() + b"." + hook["body"] + b" ",
                        hashlib.sha256).hexdigest()
    assert hook["headers"]["X-Ungpho-Signature"] != f"sha256={tampered}"


def test_a_gateway_that_is_down_gets_retries_with_back_off_and_nothing_is_lost(directory,
                                                                               gateway):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    gateway.status = 503
    outbox_send_due(worker_id="w1")
    row = Notification.objects.get(channel="sms")
    assert row.status == "pending" and row.attempts == 1 and "HTTP 503" in row.last_error
    assert row.due_at >= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=25)
    outbox_send_due(worker_id="w1")
    assert len(gateway.requests) == 1  # not retried before its time
    gateway.status = 200
    with time_machine.travel(row.due_at + dt.timedelta(seconds=1)):
        outbox_send_due(worker_id="w1")
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 2 and row.last_error == ""
    assert len(set(gateway.keys())) == 1


def test_a_worker_killed_mid_send_leaves_each_message_once_per_idempotency_key(
        directory, gateway, settings):
    settings.OUTBOX_LEASE_S = 60
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    Notification.objects.exclude(channel="sms").update(status="sent")  # the SMS only
    claimed = outbox_claim_next(worker_id="w1")
    channel_send(claimed, Mailer())  # the gateway accepts ... and the worker dies here
    claimed.refresh_from_db()
    assert claimed.status == "sending"
    assert outbox_send_due(worker_id="w2") == 0  # the lease still runs
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        assert outbox_send_due(worker_id="w2") == 1
    assert len(gateway.requests) == 2 and len(set(gateway.keys())) == 1
    claimed.refresh_from_db()
    assert claimed.status == "sent" and claimed.claimed_by == "w2"
    outbox_send_due(worker_id="w1")  # the first worker, restarted, finds nothing to repeat
    assert len(gateway.requests) == 2


def test_an_unacknowledged_message_is_resent_and_escalated_once(directory, gateway, settings):
    settings.ACK_TIMEOUT_S = 600
    admin = user_upsert(username="quantri", password="mat-khau-dai-123", email="qt@x.vn",
                        role=Role.ADMINISTRATOR)
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    outbox_send_due(worker_id="w1")
    sms = Notification.objects.get(channel="sms")
    assert notifications_escalate(now=sms.sent_at + dt.timedelta(minutes=9)) == 0
    later = sms.sent_at + dt.timedelta(minutes=11)
    escalated = notifications_escalate(now=later)
    assert escalated == _rows(incident, ack_required=True).count()  # in-app ones too
    assert notifications_escalate(now=later + dt.timedelta(hours=1)) == 0  # once
    reminder = sms.reminders.get()
    assert reminder.subject.startswith("NHẮC LẠI / REMINDER") and reminder.status == "pending"
    told = set(incident.notifications.filter(dedupe_key__startswith=f"escalation:{sms.pk}:")
               .values_list("recipient", flat=True))
    assert told == {admin.email, directory["officer"].email}
    assert incident.log.filter(kind="notification", text__contains="escalated").exists()


def test_a_message_failed_for_good_is_escalated_without_waiting(directory, gateway):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    sms = Notification.objects.get(channel="sms")
    Notification.objects.filter(pk=sms.pk).update(status="failed", last_error="HTTP 503")
    assert notifications_escalate() == 1
    assert "HTTP 503" in incident.log.filter(kind="notification").last().text


def test_an_in_app_message_is_delivered_at_once_and_acknowledged_by_its_button(directory,
                                                                                client):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    row = Notification.objects.get(channel="inapp", user=directory["board"])
    assert row.status == "sent"
    client.force_login(directory["board"])
    inbox = client.get("/inbox/").content.decode()
    assert incident.code in inbox and 'class="badge"' in inbox
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="notifications"' in page and "+84911300113" in page
    client.post(f"/ack/{row.ack_token}", {"next": f"/incidents/{incident.pk}/"})
    row.refresh_from_db()
    assert row.acknowledged_by == "bch-hn"
    assert 'class="badge"' not in client.get("/inbox/").content.decode()


def test_the_paz_upz_notify_deadline_is_met_when_the_board_has_been_delivered_to(
        directory, smtp_settings):
    Contact.objects.filter(party="provincial_command_board").update(role="")  # e-mail only
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"],
                      confirmed={"hazard_category": "II"}, reason="lò phản ứng nghiên cứu")
    notify = incident.deadlines.filter(action="notify_paz_upz_authority")
    assert notify.count() == 2 and set(notify.values_list("status", flat=True)) == {"pending"}
    outbox_send_due(worker_id="w1")
    assert set(notify.values_list("status", flat=True)) == {"met"}
    sent_at = Notification.objects.get(recipient="bch@hanoi.gov.vn").sent_at
    assert {d.met_at for d in notify} == {sent_at}


def test_the_api_lists_an_incidents_notifications_with_their_status(directory, client,
                                                                    gateway):
    incident = incident_from_call(directory["officer"], minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=directory["officer"])
    gateway.status = 500
    outbox_send_due(worker_id="w1")
    client.force_login(directory["officer"])
    answer = client.get(f"/api/v1/incidents/{incident.pk}/notifications").json()
    [sms] = [n for n in answer["notifications"] if n["channel"] == "sms"]
    assert sms["party"] == "police_113" and sms["status"] == "pending"
    assert "HTTP 500" in sms["last_error"] and sms["attempts"] == 1
    client.force_login(directory["neighbour"])  # Bắc Ninh's board cannot see Hà Nội's
    assert client.get(f"/api/v1/incidents/{incident.pk}/notifications").status_code == 404


def test_a_plan_rule_with_an_unknown_channel_is_refused_in_the_admin_naming_the_field():
    from django.core.exceptions import ValidationError

    from ungpho.alerts.models import PlanRule

    rule = PlanRule(party="naccet", channels=["email", "fax"], citation="QĐ 1251")
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "channels" in error.value.message_dict
