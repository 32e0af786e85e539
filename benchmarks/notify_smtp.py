"""Notification e-mails through the outbox to a local SMTP server.

    .venv/bin/python benchmarks/notify_smtp.py [--messages 1000] [--postgres URL]
                                               [--connection-per-message]

Fills a throw-away database (SQLite in a temporary UNGPHO_DATA_DIR, or ``ungpho_bench_*``
created on the ``--postgres`` server and dropped after) with ``--messages`` contact points of
the provincial command board, each with its own e-mail address, opens an incident and
classifies it: the notification plan (``incidents.notification.plans.incident_notify``)
queues one e-mail per contact point. Then the worker's outbox pass
(``alerts.services.outbox_send_due``, 100 rows a pass, one SMTP connection per pass) runs until
every message is accepted by a real SMTP server (aiosmtpd, in a process of its own as a local
mail server would be) on a local port. Prints
the time to queue, the time to deliver, messages/s, and the delivery time against the issue's
target (1,000 e-mails ≤ 30 s). With ``--connection-per-message`` each message opens its own
connection (the outbox before this benchmark), for comparison. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import database_start  # noqa: E402 (the folder is put on the path above)

TARGET_S = 30.0
TARGET_MESSAGES = 1000


#: The SMTP server's process: counts the recipients it accepted, prints the count when its
#: standard input closes.
SERVER = """
import sys
from aiosmtpd.controller import Controller

class Counting:
    accepted = 0

    async def handle_DATA(self, server, session, envelope):
        Counting.accepted += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
print(Counting.accepted, flush=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=TARGET_MESSAGES)
    parser.add_argument("--connection-per-message", action="store_true",
                        help="one SMTP connection per message instead of one per pass")
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL server to create the scratch database on")
    args = parser.parse_args()

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdout.readline().strip() == "ready"
    drop = database_start(args.postgres)
    try:
        _run(args, port, server)
    finally:
        drop()
        if server.poll() is None:
            server.kill()


def _run(args, port: int, server: subprocess.Popen) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert
    from ungpho.alerts import services
    from ungpho.alerts.models import Contact, Notification
    from ungpho.core.rules.loader import RULES_DIR
    from ungpho.incidents.lifecycle import incident_classify, incident_open
    from ungpho.incidents.models import IncidentReport

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 30
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    Contact.objects.filter(party="provincial_command_board").update(role="")
    Contact.objects.bulk_create([
        Contact(party="provincial_command_board", province_id="01", name=f"Thành viên {i}",
                email=f"bch{i:04d}@hanoi.gov.vn") for i in range(args.messages)])
    officer = user_upsert(username="bench-truc-ban", password=None, role=Role.NATIONAL_DUTY)
    now = dt.datetime.now(dt.UTC)
    report = IncidentReport.objects.create(source="call", province_id="01", lat=21.0,
                                           lon=105.8, first_information_at=now,
                                           opened_at=now, updated_at=now)
    incident = incident_open(report=report, by=officer)
    facts = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
        encoding="utf-8"))
    t0 = time.perf_counter()
    with transaction.atomic():
        incident_classify(incident=incident, facts=facts, by=officer)
    queue_s = time.perf_counter() - t0
    queued = Notification.objects.filter(incident=incident, channel="email").count()

    if args.connection_per_message:
        def one_by_one(*, worker_id: str, limit: int = 100) -> int:
            sent = 0
            for _ in range(limit):
                row = services.outbox_claim_next(worker_id=worker_id)
                if row is None:
                    break
                sent += services.outbox_deliver(row, worker_id=worker_id)
            return sent
        send = one_by_one
    else:
        send = services.outbox_send_due
    t0 = time.perf_counter()
    passes = 0
    while send(worker_id="bench"):
        passes += 1
    deliver_s = time.perf_counter() - t0
    sent = Notification.objects.filter(incident=incident, status="sent").count()
    server.stdin.close()
    accepted = int(server.stdout.readline())
    server.wait(timeout=30)
    how = "one per message" if args.connection_per_message else "one per worker pass"
    print(f"database             {connection.vendor}")
    print(f"queued               {queued:,} e-mails by the notification plan in {queue_s:.2f} s")
    print(f"delivered            {sent:,} sent, {accepted:,} accepted by the SMTP "
          f"server, in {passes} passes (SMTP connections: {how})")
    print(f"delivery             {deliver_s:.2f} s, {sent / deliver_s:,.0f} messages/s")
    scaled = deliver_s * TARGET_MESSAGES / max(sent, 1)
    print(f"target               {TARGET_MESSAGES:,} e-mails ≤ {TARGET_S:.0f} s: "
          f"{scaled:.2f} s for {TARGET_MESSAGES:,} (ratio {scaled / TARGET_S:.3f})")


if __name__ == "__main__":
    main()
