"""Operators see failures (issue 20, finding 10): a 500 left no trace anywhere, since only
the ``ungpho`` logger was configured. Now Django's request errors, uvicorn's and every worker
step's failure are written with their traceback to the console and to the log file in the
data dir."""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import REPO, ungpho, wait_until
from tests.faults.urls_failing_view import FAILURE
from ungpho.platform.logs import SharedRotatingFileHandler
from ungpho.worker import worker_tick


def _log_file(data_dir) -> Path:
    return Path(data_dir) / "log" / "ungpho.log"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.e2e
def test_a_500_and_a_bad_request_are_logged_by_the_web_server_with_their_traceback(
        ungpho_env, processes):
    processes.env.update({"DJANGO_SETTINGS_MODULE": "tests.faults.settings_failing_view",
                          "PYTHONPATH": f"{REPO / 'src'}:{REPO}"})
    base = processes.web()
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{base}/test-only/fail", timeout=30)
    assert answer.value.code == 500
    log = _log_file(ungpho_env["UNGPHO_DATA_DIR"])
    wait_until(lambda: FAILURE in _text(log), timeout_s=10, what=f"the 500 in {log}")
    text = _text(log)
    assert "ERROR django.request: Internal Server Error: /test-only/fail" in text
    assert "Traceback (most recent call last)" in text
    assert f"RuntimeError: {FAILURE}" in text
    console = next(processes.logs.glob("web-*.log")).read_text()
    assert f"RuntimeError: {FAILURE}" in console  # and on the console, as before

    # Bytes that are not HTTP: uvicorn's own complaint reaches the file too.
    with socket.create_connection(("127.0.0.1", urlsplit(base).port), timeout=10) as sock:
        sock.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        sock.recv(1024)
    wait_until(lambda: "uvicorn.error: Invalid HTTP request received" in _text(log),
               timeout_s=10, what=f"uvicorn's warning in {log}")


@pytest.mark.django_db(transaction=True)
def test_a_failing_worker_step_writes_its_traceback_to_the_log_file(settings):
    marker = f"drop folder vanished {uuid.uuid4().hex}"

    def broken(worker):
        raise OSError(marker)

    worker_tick(worker="w1", steps=(("files_ingested", broken),))
    text = _text(_log_file(settings.DATA_DIR))
    assert "ERROR ungpho.worker: worker step files_ingested failed" in text
    after = text[text.rindex("worker step files_ingested failed"):]
    assert "Traceback (most recent call last)" in after and f"OSError: {marker}" in after


def test_check_says_where_the_log_file_is(ungpho_env):
    results = json.loads(ungpho("check", "--json", env=ungpho_env, check=False).stdout)
    log = next(r for r in results if r["name"] == "log")
    assert log["ok"], log
    assert log["detail"].startswith(str(_log_file(ungpho_env["UNGPHO_DATA_DIR"])))


def test_processes_sharing_the_log_file_rotate_it_once_per_size_and_lose_no_line(tmp_path):
    """Two handlers on one file stand for two processes (each has its own open file).
    Python's RotatingFileHandler fails this: the second rotates the file the first has
    just begun."""
    path = tmp_path / "ungpho.log"
    max_bytes = 2000
    web, worker = (SharedRotatingFileHandler(str(path), maxBytes=max_bytes, backupCount=100)
                   for _ in range(2))
    sent = [f"line {i:04d} " + "x" * 40 for i in range(600)]
    for i, line in enumerate(sent):
        (web if i % 2 else worker).emit(logging.makeLogRecord({"msg": line}))
    web.close()
    worker.close()
    files = sorted(path.parent.glob("ungpho.log*"))
    files = [f for f in files if not f.name.endswith(".lock")]
    assert sorted(line for f in files for line in f.read_text().splitlines()) == sent
    rotated = [f.stat().st_size for f in files if f != path]
    # Each rotation moved away a full file: none was rotated again by the other process.
    assert rotated and min(rotated) >= max_bytes - 60, rotated
