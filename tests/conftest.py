"""Shared fixtures. External services (PostgreSQL, MQTT, Chromium) are opt-in on a laptop
and mandatory in CI: with CI=true a missing or unreachable one fails the run."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import factories

REPO = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

HOW_TO_ENABLE = {
    "UNGPHO_TEST_POSTGRES_URL": "UNGPHO_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/"
                                "ungpho make test",
    "UNGPHO_TEST_MQTT_URL": "UNGPHO_TEST_MQTT_URL=mqtt://127.0.0.1:1883 make test "
                            "(e.g. apt-get install mosquitto)",
    "UNGPHO_TEST_BROWSER": "UNGPHO_TEST_BROWSER=/usr/bin/chromium make test "
                           "(apt-get install chromium)",
}


def _missing(message: str):
    if IN_CI:
        pytest.fail(f"CI requires it: {message}", pytrace=False)
    pytest.skip(message)


def required_service(variable: str) -> str:
    """The service's URL or path; skips (fails in CI) with how to enable it when unset."""
    value = os.environ.get(variable, "")
    if not value:
        _missing(f"{variable} is not set; to run this test: {HOW_TO_ENABLE[variable]}")
    return value


def tcp_reachable(host: str, port: int, timeout_s: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """The tests on the shared broker (UNGPHO_TEST_MQTT_URL) run on one pytest-xdist worker
    (make test: --dist loadgroup), one after another: subscribed to the same topics, two
    tests at once would each receive the other's messages. Everything else a test uses is
    its own (free ports, tmp_path, a database per worker, private brokers)."""
    for item in items:
        if "mqtt_url" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("mqtt-broker"))


@pytest.fixture(scope="session")
def mqtt_url() -> str:
    url = required_service("UNGPHO_TEST_MQTT_URL")
    parts = urlsplit(url)
    if not tcp_reachable(parts.hostname or "127.0.0.1", parts.port or 1883):
        pytest.fail(f"MQTT broker {url} (UNGPHO_TEST_MQTT_URL) is unreachable", pytrace=False)
    return url


@pytest.fixture(scope="session")
def browser_path() -> str:
    path = required_service("UNGPHO_TEST_BROWSER")
    if not Path(path).exists():
        pytest.fail(f"UNGPHO_TEST_BROWSER={path} does not exist", pytrace=False)
    return path


@pytest.fixture
def on_postgresql(db):
    """Skip on SQLite: in the PostgreSQL pass of `make test` when one is configured,
    else with how to enable it (and in CI, where it must be configured, fail)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("UNGPHO_TEST_POSTGRES_URL"):
            pytest.skip("runs in the PostgreSQL pass of make test")
        _missing("runs on PostgreSQL only; to run it: " +
                 HOW_TO_ENABLE["UNGPHO_TEST_POSTGRES_URL"])
    return connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ungpho(*args: str, env: dict[str, str], check: bool = True, input: str | None = None):
    """Run the ``ungpho`` command as a user would."""
    return subprocess.run([sys.executable, "-m", "ungpho", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, check=check, input=input, timeout=300)


def wait_until(predicate, *, timeout_s: float = 30.0, every_s: float = 0.1, what: str = ""):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what or predicate}")


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_the_append_only_guards():
    """pytest-django empties the database between transactional tests with Django's flush
    (DELETE on SQLite, TRUNCATE on PostgreSQL), which the append-only guards refuse. The
    flush's own transaction drops them first and installs them again last, so that no test
    ever runs without them (tests/faults/test_audit_tamper.py checks they hold after one)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from ungpho.audit.guards import guard_sql, guarded_tables, unguard_sql

    flush = BaseDatabaseOperations.execute_sql_flush

    def guarded_flush(self, sql_list):
        vendor, tables = self.connection.vendor, guarded_tables()
        return flush(self, [*(sql for table in tables for sql in unguard_sql(vendor, table)),
                            *sql_list,
                            *(sql for table in tables for sql in guard_sql(vendor, table))])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", guarded_flush)
        yield


@pytest.fixture(autouse=True)
def _audit_anchors_of_their_own(settings, tmp_path):
    """Each test's database holds a chain of its own: its anchors go to a file of its own
    (a worker pass anchors), never to the data dir's."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"


@pytest.fixture(autouse=True)
def _language_restored():
    """A request with the English cookie leaves English active in the test's thread: put
    the default back so that no later test inherits it."""
    yield
    from django.utils import translation

    translation.deactivate()


def mqtt_publish(config: dict, topic: str, body: dict) -> None:
    """Publish one JSON message at QoS 1 with a client of its own, and wait until it is sent."""
    import json
    import uuid

    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:8]}")
    client.connect(config["host"], config["port"])
    client.loop_start()
    client.publish(topic, json.dumps(body), qos=1).wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()


def mqtt_session_end(config: dict, client_id: str) -> None:
    """End a persistent session the test left on the broker (MQTT 5 clean start): a
    session left there would go on queueing a copy of every message."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    client.connect(config["host"], config["port"], clean_start=True)
    client.loop_start()
    wait_until(client.is_connected, timeout_s=10, what=f"{client_id} to connect")
    client.disconnect()
    client.loop_stop()


class Mosquitto:
    """A Mosquitto of the test's own on a free port, logging to ``log_path``: with the
    project's settings (deploy/mosquitto.conf, included as an operator would) or, with
    ``project=False``, the broker's defaults."""

    def __init__(self, folder: Path, *, project: bool = True):
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(self.binary).exists():
            _missing("mosquitto is not installed (apt-get install mosquitto)")
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.config = {"host": "127.0.0.1", "port": self.port, "username": None,
                       "password": None}
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "mosquitto.log"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true",
                 f"persistence_location {folder}/"]
        if os.geteuid() == 0:  # as root it would drop to user mosquitto, who cannot write here
            lines.append("user root")
        if project:
            (folder / "conf.d").mkdir(exist_ok=True)
            shutil.copy(REPO / "deploy" / "mosquitto.conf", folder / "conf.d" / "ungpho.conf")
            lines.append(f"include_dir {folder / 'conf.d'}")
        self.conf = folder / "mosquitto.conf"
        self.conf.write_text("\n".join(lines) + "\n")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)],
                                         stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: tcp_reachable("127.0.0.1", self.port, 0.2), timeout_s=10,
                   what="mosquitto to listen")

    def stop(self) -> None:
        """A clean stop (it saves its store on the way), as a restart does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _running(broker: Mosquitto):
    broker.start()
    yield broker
    if broker.proc.poll() is None:
        broker.proc.kill()
        broker.proc.wait(timeout=10)


@pytest.fixture
def private_broker(tmp_path):
    """A Mosquitto of the test's own with the project's settings, started."""
    yield from _running(Mosquitto(tmp_path / "mosquitto"))


@pytest.fixture
def default_broker(tmp_path):
    """A Mosquitto of the test's own with the broker's default settings, started."""
    yield from _running(Mosquitto(tmp_path / "mosquitto-default", project=False))


@pytest.fixture
def mqtt_ingest(mqtt_url):
    """The worker's MQTT client under a client id of its own, subscribed; (runner,
    config)."""
    import uuid

    from ungpho.monitoring.doors.mqtt import MqttIngest
    from ungpho.platform.env import mqtt_from_url

    config = mqtt_from_url(mqtt_url)
    name = f"ungpho-test-{uuid.uuid4().hex[:8]}"
    runner = MqttIngest(config, client_id=name)
    runner.start()
    wait_until(runner.subscribed.is_set, timeout_s=10, what="MQTT subscription")
    yield runner, config
    runner.stop()
    mqtt_session_end(config, name)


class RecordingSmtpHandler:
    """aiosmtpd handler keeping every accepted message; can stall the first conversation
    at RCPT so a test can kill the sender mid-send."""

    def __init__(self):
        import threading

        self.messages: list = []
        self.stall_first = False
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._conversations = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        import asyncio

        self._conversations += 1
        if self.stall_first and self._conversations == 1:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    handler = RecordingSmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    handler.host, handler.port = "127.0.0.1", controller.port
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_server


@pytest.fixture
def gamma_station(db):
    """A Hà Nội gamma dose-rate station with a 0.5 µSv/h limit and a token."""
    return factories.gamma_station()


@pytest.fixture
def duty_officer(db):
    return factories.duty_officer()


def in_threads(count: int, target) -> list[Exception]:
    """Run ``target(i)`` in ``count`` threads released together; the errors they raised.
    Each thread closes its own database connections."""
    import threading

    from django.db import connections

    errors, barrier = [], threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as error:  # surfaced to the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
