"""Small edges a user meets first: an export piped into ``head`` ends quietly, the rules
commands leave the working directory as it was, and a CSV export with no readings in its
window says which window it looked at."""

import csv
import io
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, ungpho


@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE",
                         "UNGPHO_DATA_DIR"}}
    return {**base, "PYTHONPATH": str(REPO / "src")}


def test_an_export_whose_reader_has_gone_ends_quietly(env, tmp_path):
    env["UNGPHO_DATA_DIR"] = str(tmp_path / "data")
    ungpho("migrate", env=env)
    read, write = os.pipe()
    os.close(read)  # `| head` that has already read its lines and left
    try:
        done = subprocess.run([sys.executable, "-m", "ungpho", "stations", "export"], env=env,
                              cwd=REPO, stdout=write, stderr=subprocess.PIPE, text=True,
                              timeout=300)
    finally:
        os.close(write)
    assert done.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored"
    assert done.returncode == 141


def test_an_export_from_a_database_never_migrated_says_to_migrate_without_a_traceback(
        env, tmp_path):
    env["UNGPHO_DATA_DIR"] = str(tmp_path / "data")
    done = ungpho("stations", "export", env=env, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "ungpho migrate" in done.stderr


@pytest.mark.parametrize("args", [
    ("rules", "classify", str(REPO / "src/ungpho/core/rules/examples/lost_ir192_quang_ninh.json")),
    ("rules", "show", "--instrument", "tt12_2023"),
    ("rules", "deadlines", "--category", "IV", "--first-information", "2026-11-21T08:00+07:00"),
    ("rules", "schema", "classify"),
])
def test_the_rules_commands_write_nothing_into_the_working_directory(env, tmp_path, args):
    done = subprocess.run([sys.executable, "-m", "ungpho", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []  # no var/, no secret key, no audit key


@pytest.mark.django_db
def test_a_csv_export_with_no_readings_in_its_default_window_names_the_window(
        client, gamma_station, duty_officer):
    client.force_login(duty_officer)
    answer = client.get("/api/v1/monitoring/readings.csv?station=HN-GAMMA-01")
    assert answer.status_code == 404
    detail = answer.json()["detail"]
    assert detail.startswith("no readings of HN-GAMMA-01 in ")
    assert "the default window: the last 24 hours" in detail and "since=" in detail
    chosen = client.get("/api/v1/monitoring/readings.csv?station=HN-GAMMA-01&parameter="
                        "GammaDR&since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z")
    assert chosen.json()["detail"] == ("no readings of HN-GAMMA-01 GammaDR in "
                                       "2026-01-01T00:00:00+00:00/2026-01-02T00:00:00+00:00")


@pytest.mark.django_db
def test_a_csv_export_names_its_window_in_the_file_name_and_a_header(client, gamma_station,
                                                                     duty_officer):
    import datetime as dt

    from ungpho.core.formats.readings_json import ParsedReading
    from ungpho.monitoring.models import Reading
    from ungpho.monitoring.services import readings_ingest

    at = dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC)
    readings_ingest(station=gamma_station.station, via=Reading.Via.HTTP,
                    readings=[ParsedReading(0, "GammaDR", at, 0.12, "µSv/h")])
    client.force_login(duty_officer)
    answer = client.get("/api/v1/monitoring/readings.csv?station=HN-GAMMA-01"
                        "&since=2026-11-21T07:00:00%2B07:00&until=2026-11-21T09:00:00%2B07:00")
    assert answer.status_code == 200
    assert answer["X-Ungpho-Window"] == "2026-11-21T00:00:00+00:00/2026-11-21T02:00:00+00:00"
    assert 'filename="HN-GAMMA-01_20261121T0000Z_20261121T0200Z.csv"' in \
        answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert [r["value"] for r in rows] == ["0.12"]
