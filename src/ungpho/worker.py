"""`ungpho worker`: the background work whose state lives in the database.

Each pass (`worker_tick`) is short and safe to repeat; a crash or restart loses nothing,
because every piece of work is a database row claimed with a conditional UPDATE.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.db import close_old_connections

from ungpho.alerts.escalation import notifications_escalate
from ungpho.alerts.services import outbox_send_due
from ungpho.incidents.deadlines import deadlines_process
from ungpho.monitoring.files import drop_folder_pass
from ungpho.monitoring.national import national_limits_check
from ungpho.monitoring.services import station_states_refresh
from ungpho.preparedness.trackers import trackers_silence_check

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def worker_tick(*, worker: str) -> dict[str, int]:
    """One pass over every kind of due work; returns counts for the log."""
    return {"files_ingested": drop_folder_pass(),
            "station_states_changed": station_states_refresh(),
            "national_exceedances": national_limits_check(),
            "silent_trackers": trackers_silence_check(),
            "deadline_events": deadlines_process(),
            "notifications_sent": outbox_send_due(worker_id=worker),
            "notifications_escalated": notifications_escalate()}


def worker_run(stop: threading.Event) -> None:
    """Passes every ``UNGPHO_WORKER_POLL_S`` until ``stop`` is set."""
    worker = worker_id()
    mqtt = None
    if settings.MQTT:
        from ungpho.monitoring.mqtt import MqttIngest

        mqtt = MqttIngest(settings.MQTT)
        mqtt.start()
    log.info("worker %s started", worker)
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                counts = worker_tick(worker=worker)
            except Exception:  # keep the loop alive; the row stays due and is retried
                log.exception("worker pass failed")
            else:
                if any(counts.values()):
                    log.info("worker pass: %s", counts)
            stop.wait(settings.WORKER_POLL_S)
    finally:
        if mqtt is not None:
            mqtt.stop()
        close_old_connections()
        log.info("worker %s stopped", worker)
