"""The ``ungpho`` command as a user runs it: bad configuration is explained, never a traceback."""

import json
import os

import pytest

from tests.conftest import REPO, free_port, ungpho


@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    return {**base, "UNGPHO_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src")}


def test_help_is_bilingual(env):
    out = " ".join(ungpho("--help", env=env).stdout.split())
    assert "Chạy web và tiến trình nền / run web server and worker together" in out
    assert "Kiểm tra cấu hình và kết nối / check configuration" in out


def test_a_malformed_database_url_is_explained_by_check_and_start_up(env):
    env["DATABASE_URL"] = "postgres//localhost/ungpho"
    check = ungpho("check", env=env, check=False)
    start = ungpho("migrate", env=env, check=False)
    for result in (check, start):
        assert result.returncode != 0
        assert "DATABASE_URL has unsupported scheme" in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr


def test_an_unreachable_postgresql_is_explained_with_the_fix(env):
    env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{free_port()}/ungpho"
    result = ungpho("check", "--json", env=env, check=False)
    assert result.returncode == 1
    database = next(r for r in json.loads(result.stdout) if r["name"] == "database")
    assert not database["ok"] and "is PostgreSQL running on 127.0.0.1" in database["fix"]
    start = ungpho("web", env=env, check=False)
    assert start.returncode != 0 and "Traceback" not in start.stderr
    assert "is PostgreSQL running" in start.stderr


def test_an_unknown_setting_stops_start_up_with_a_suggestion(env):
    env["UNGPHO_OUTBOX_LEASE"] = "10"
    result = ungpho("migrate", env=env, check=False)
    assert result.returncode != 0
    assert "Did you mean UNGPHO_OUTBOX_LEASE_S?" in result.stderr


def test_check_reports_pending_migrations_then_all_clear(env):
    before = json.loads(ungpho("check", "--json", env=env, check=False).stdout)
    assert {r["name"]: r["ok"] for r in before}["migrations"] is False
    ungpho("migrate", env=env)
    after = ungpho("check", env=env)
    assert after.returncode == 0 and "[OK] migrations: all applied" in after.stdout


def test_check_reports_an_smtp_server_that_does_not_answer(env):
    env["EMAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    result = json.loads(ungpho("check", "--json", env=env, check=False).stdout)
    smtp = next(r for r in result if r["name"] == "smtp")
    assert not smtp["ok"] and "cannot talk to 127.0.0.1" in smtp["detail"]


def test_check_talks_to_a_real_smtp_server(env, smtp_server):
    env["EMAIL_URL"] = smtp_server.url
    result = json.loads(ungpho("check", "--json", env=env, check=False).stdout)
    assert next(r for r in result if r["name"] == "smtp")["ok"]


def test_demo_is_idempotent_and_createuser_scopes_an_account(env):
    ungpho("migrate", env=env)
    first = ungpho("demo", env=env).stdout
    ungpho("demo", env=env)
    assert "trucban" in first and "ung_demo_QN-GAMMA-01" in first
    letters = json.loads(ungpho("deadletters", "--json", env=env).stdout)["letters"]
    assert sorted((row["source"], row["times_received"]) for row in letters) == [
        ("ungpho/DN-GAMMA-01/readings", 1), ("ungpho/QN-GAMMA-01/readings", 1)]
    ungpho("audit", "anchor", env=env)
    counts = ungpho("audit", "verify", "--deep", env=env).stdout
    assert "intact" in counts
    made = ungpho("createuser", "bch.hue", "--role", "provincial_command", "--province", "46",
                  "--password-stdin", env=env, input="mat-khau-dai-123\n")
    assert "bch.hue" in made.stdout
    refused = ungpho("createuser", "x", "--role", "provincial_command", "--province", "99",
                     "--password-stdin", env=env, input="mat-khau-dai-123\n", check=False)
    assert refused.returncode != 0 and "province: no province with code '99'" in refused.stderr
