"""Fixtures that run ungpho as separate processes against a database of their own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import REPO, free_port, ungpho, wait_until
from tests.e2e.test_browser import CHROMIUM_ARGS

SETUP_SNIPPET = """
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.monitoring import services as m
from ungpho.monitoring.models import Parameter
gamma = Parameter.objects.get(code="GammaDR")
station = m.station_upsert(code="HN-GAMMA-01", name="Trạm quan trắc phóng xạ Hà Nội",
                           province_code="01", lat=21.0285, lon=105.8542)
m.threshold_set(station=station, parameter=gamma, level_1=0.5)
user_upsert(username="trucban", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY,
            email="trucban@naccet.example")
print(m.station_token_issue(station=station))
"""


def _process_env(data_dir, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"UNGPHO_DATA_DIR": str(data_dir), "UNGPHO_WORKER_POLL_S": "0.2",
                "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
                "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _pg_admin(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database migrated once per test process by ``ungpho migrate``, with the data folder
    that goes with it (secret and audit keys): each test starts from a copy of it instead of
    migrating again. SQLite: the folder holds the database file; PostgreSQL (DATABASE_URL
    set): a template database, copied by CREATE DATABASE … TEMPLATE."""
    import psycopg

    data_dir = tmp_path_factory.mktemp("migrated") / "data"
    url = os.environ.get("DATABASE_URL")
    name = None
    if url:
        name = f"ungpho_e2e_template_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_pg_admin(url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    ungpho("migrate", env=_process_env(data_dir, url))
    yield data_dir, name
    if name:
        with psycopg.connect(_pg_admin(os.environ["DATABASE_URL"]), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database(migrated_template):
    """A migrated database nobody else uses: SQLite in the test's data folder, or a new
    PostgreSQL database when the suite runs on PostgreSQL (DATABASE_URL set), dropped
    afterwards."""
    import psycopg

    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    name = f"ungpho_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_admin(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template[1]}"')
    yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    with psycopg.connect(_pg_admin(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def ungpho_env(tmp_path, migrated_template, fresh_database):
    """The environment of ungpho processes on a migrated database of their own."""
    shutil.copytree(migrated_template[0], tmp_path / "data")
    return _process_env(tmp_path / "data", fresh_database)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "processes" in item.fixturenames:
        procs = item.funcargs["processes"]
        for name, text in procs.log_tails():
            report.sections.append((f"ungpho {name}", text))
    return report


class Processes:
    def __init__(self, env, logs):
        self.env, self.logs, self.running = env, logs, []

    def log_tails(self, chars: int = 6000):
        """The end of each process's log, for a failed test's report: what CI shows of it."""
        for path in sorted(self.logs.glob("*-[0-9]*.log")):
            yield path.name, path.read_text(errors="replace")[-chars:]

    def start(self, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{args[0]}-{len(self.running)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "ungpho", *args], env=self.env, cwd=REPO,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(proc)
        return proc

    def web(self) -> str:
        port = free_port()
        self.start("web", "--port", str(port))
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return urllib.request.urlopen(f"{base}/healthz", timeout=1).status == 200
            except OSError:
                return False

        wait_until(up, timeout_s=60, what="web server to answer /healthz")
        return base

    def stop_all(self):
        for proc in self.running:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def processes(ungpho_env, tmp_path):
    procs = Processes(ungpho_env, tmp_path)
    yield procs
    procs.stop_all()


@pytest.fixture
def station_token(ungpho_env) -> str:
    result = subprocess.run([sys.executable, "-c", SETUP_SNIPPET], env=ungpho_env, cwd=REPO,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def browser(browser_path):
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
