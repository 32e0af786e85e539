"""A worker pass is a list of independent steps: one step's failure never stops the others,
is logged with its traceback, and shows as failing until the step runs again."""

from __future__ import annotations

import logging

import pytest

from ungpho.faults.models import DeadLetter, StepHealth
from ungpho.faults.selectors import deadletters_open, steps_failing
from ungpho.faults.services import deadletter_keep
from ungpho.worker import worker_tick

pytestmark = pytest.mark.django_db(transaction=True)


def _broken(worker):
    raise OSError("[Errno 2] No such file or directory: 'var/drop/gone.txt'")


def test_a_failing_step_is_logged_recorded_and_the_next_steps_still_run(caplog):
    ran = []
    steps = (("first", lambda w: ran.append("first") or 1), ("broken", _broken),
             ("last", lambda w: ran.append("last") or 2))
    with caplog.at_level(logging.ERROR, logger="ungpho.worker"):
        counts = worker_tick(worker="w1", steps=steps)
    assert ran == ["first", "last"]
    assert counts == {"first": 1, "broken": None, "last": 2}
    failed = [r for r in caplog.records if "broken" in r.getMessage()]
    assert failed and failed[0].exc_info is not None  # the traceback is logged
    health = steps_failing().get()
    assert (health.name, health.consecutive_failures, health.last_worker) == ("broken", 1, "w1")
    assert "No such file or directory" in health.last_error


def test_a_step_that_runs_again_is_healthy_and_keeps_its_history():
    steps = (("flaky", _broken),)
    worker_tick(worker="w1", steps=steps)
    worker_tick(worker="w1", steps=steps)
    worker_tick(worker="w1", steps=(("flaky", lambda w: 0),))
    health = StepHealth.objects.get(name="flaky")
    assert not health.failing and health.consecutive_failures == 0
    assert health.total_failures == 2 and health.recovered_at is not None
    assert not steps_failing().exists()


def test_a_dead_letter_keeps_any_bytes_and_text_the_database_could_not():
    payload = b'{"token": "x\x00", "readings": "\xff\xfe"}'
    letter = deadletter_keep(door=DeadLetter.Door.MQTT, source="ungpho/\x00/readings",
                             payload=payload, reason="bad \ud800 \x00 text", field="readings")
    letter.refresh_from_db()
    assert bytes(letter.payload) == payload
    assert letter.source == "ungpho/\\x00/readings"
    assert letter.reason == "bad \\ud800 \\x00 text"


def test_the_same_input_again_counts_on_its_open_letter(settings):
    settings.DEADLETTER_MAX_BYTES = 1024
    for _ in range(3):
        deadletter_keep(door="mqtt", source="ungpho/X/readings", payload=b"[" * 5000,
                        reason="not valid JSON")
    letter = deadletters_open().get()
    assert letter.times_received == 3
    letter = DeadLetter.objects.get(pk=letter.pk)
    assert letter.size_bytes == 5000 and letter.truncated and len(bytes(letter.payload)) == 1024
