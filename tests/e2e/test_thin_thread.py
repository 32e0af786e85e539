"""The thin thread end to end, in separate processes as deployed: readings posted over
HTTP confirm an exceedance, a report opens, and the worker's e-mail reaches a real SMTP
server exactly once although the worker is killed in the middle of sending it."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO, wait_until

pytestmark = pytest.mark.e2e

STATUS_SNIPPET = """
import django, json; django.setup()
from ungpho.alerts.models import Notification
print(json.dumps(list(Notification.objects.values("status", "attempts", "recipient"))))
"""


def _post_json(url, body, token):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_an_exceeding_reading_emails_the_duty_officer_once_across_a_worker_kill(
        processes, station_token, smtp_server, ungpho_env):
    ungpho_env.update({"EMAIL_URL": smtp_server.url, "UNGPHO_OUTBOX_LEASE_S": "3",
                       "UNGPHO_SMTP_TIMEOUT_S": "60"})
    smtp_server.stall_first = True
    base = processes.web()
    worker = processes.start("worker")

    status, result = _post_json(f"{base}/api/v1/readings", {"station": "HN-GAMMA-01", "readings": [
        {"parameter": "GammaDR", "time": "2026-11-21T10:00:00+07:00", "value": 0.13},
        {"parameter": "GammaDR", "time": "2026-11-21T10:05:00+07:00", "value": 2.4},
        {"parameter": "GammaDR", "time": "2026-11-21T10:10:00+07:00", "value": 2.6},
    ]}, station_token)
    assert status == 201 and result["stored"] == 3 and len(result["incidents_opened"]) == 1

    assert smtp_server.stalled.wait(30), "the worker never started sending"
    os.killpg(worker.pid, signal.SIGKILL)  # killed mid-conversation, between RCPT and DATA
    worker.wait(timeout=10)
    smtp_server.release.set()
    time.sleep(0.5)
    assert smtp_server.messages == []

    processes.start("worker")
    wait_until(lambda: smtp_server.messages, timeout_s=30, what="the e-mail after restart")
    time.sleep(2)  # several more worker passes: nothing is sent again
    [message] = smtp_server.messages
    assert message["To"] == "trucban@naccet.example"
    assert "vượt ngưỡng" in message["Subject"] and "SC-" in message["Subject"]
    assert "2,6 µSv/h" in message.get_content() and "2.6 µSv/h" in message.get_content()

    env = {**ungpho_env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"}
    rows = json.loads(subprocess.run([sys.executable, "-c", STATUS_SNIPPET], env=env, cwd=REPO,
                                     capture_output=True, text=True, check=True).stdout)
    assert rows == [{"status": "sent", "attempts": 2, "recipient": "trucban@naccet.example"}]
