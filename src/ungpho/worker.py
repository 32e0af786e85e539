"""`ungpho worker`: the background work whose state lives in the database.

Each pass (`worker_tick`) is short and safe to repeat; a crash or restart loses nothing,
because every piece of work is a database row claimed with a conditional UPDATE. A pass is a
list of independent steps (DESIGN.md): a step that raises is logged with its traceback and
recorded (``faults.StepHealth``, shown by ``ungpho check``), and the next step runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection

from ungpho.alerts.services import outbox_send_due
from ungpho.audit.anchoring import audit_anchor
from ungpho.faults.services import step_failed, step_recovered
from ungpho.incidents.deadlines import deadlines_process
from ungpho.incidents.notification.escalation import notifications_escalate
from ungpho.incidents.reports.deadlines import report_deadlines_process
from ungpho.monitoring.doors.drop_folder import drop_folder_pass
from ungpho.monitoring.national import national_limits_check
from ungpho.monitoring.services import station_states_refresh
from ungpho.preparedness.trackers import trackers_silence_check

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


#: The steps of a pass, in order: (name, step(worker id) → count of work done).
STEPS: tuple[tuple[str, Callable[[str], int]], ...] = (
    ("files_ingested", lambda worker: drop_folder_pass()),
    ("station_states_changed", lambda worker: station_states_refresh()),
    ("national_exceedances", lambda worker: national_limits_check()),
    ("silent_trackers", lambda worker: trackers_silence_check()),
    ("report_deadline_events", lambda worker: report_deadlines_process()),
    ("deadline_events", lambda worker: deadlines_process()),
    ("notifications_sent", lambda worker: outbox_send_due(worker_id=worker)),
    ("notifications_escalated", lambda worker: notifications_escalate()),
    ("audit_anchored", lambda worker: int(audit_anchor() is not None)),
)

#: Steps that failed in this process's last pass, so a recovery is written once.
_failing: set[str] = set()


def worker_tick(*, worker: str, steps=STEPS) -> dict[str, int | None]:
    """One pass over every kind of due work; returns counts for the log (None: the step
    failed, and its work stays due for the next pass)."""
    counts: dict[str, int | None] = {}
    for name, step in steps:
        try:
            counts[name] = step(worker)
        except Exception as error:
            counts[name] = None
            log.exception("worker step %s failed", name)
            _failing.add(name)
            _step_record(step_failed, name=name, worker=worker, error=error)
        else:
            if name in _failing:
                _failing.discard(name)
                _step_record(step_recovered, name=name)
    return counts


def _step_record(record, **what) -> None:
    """Keep a step's health; a database that cannot take it (the likely cause of the
    failure) is logged, and the pass goes on."""
    if connection.needs_rollback or (connection.connection is not None
                                     and not connection.is_usable()):
        connection.close()
    try:
        record(**what)
    except Exception:
        log.exception("worker step %s: its state could not be recorded", what["name"])
        connection.close()


def worker_run(stop: threading.Event) -> None:
    """Passes every ``UNGPHO_WORKER_POLL_S`` until ``stop`` is set."""
    worker = worker_id()
    mqtt = None
    if settings.MQTT:
        from ungpho.monitoring.doors.mqtt import MqttIngest

        mqtt = MqttIngest.for_worker(settings.MQTT)
        mqtt.start()
    log.info("worker %s started", worker)
    try:
        while not stop.is_set():
            close_old_connections()
            counts = worker_tick(worker=worker)
            close_old_connections()  # back to the pool while the worker waits
            if any(counts.values()):
                log.info("worker pass: %s", counts)
            stop.wait(settings.WORKER_POLL_S)
    finally:
        if mqtt is not None:
            mqtt.stop()
        close_old_connections()
        log.info("worker %s stopped", worker)
