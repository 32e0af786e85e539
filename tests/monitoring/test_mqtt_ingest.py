"""MQTT door against a real broker (UNGPHO_TEST_MQTT_URL; CI: Mosquitto on 127.0.0.1:1883)."""

import os

import pytest

from tests.conftest import mqtt_publish, wait_until
from ungpho.monitoring.doors.mqtt import MqttIngest, client_id_claim
from ungpho.monitoring.models import Reading
from ungpho.platform.env import mqtt_from_url

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]


def _reading(minute, value):
    return {"parameter": "GammaDR", "time": f"2026-11-21T10:{minute:02d}:00+07:00",
            "value": value}


def test_a_published_batch_is_stored(mqtt_ingest, gamma_station):
    _, config = mqtt_ingest
    mqtt_publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(0, 0.12), _reading(5, 0.9)]})
    wait_until(lambda: Reading.objects.count() == 2, timeout_s=10, what="2 readings")
    assert set(Reading.objects.values_list("via", flat=True)) == {"mqtt"}


def test_a_message_with_a_wrong_token_stores_nothing(mqtt_ingest, gamma_station):
    _, config = mqtt_ingest
    mqtt_publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": "ung_forged", "readings": [_reading(0, 0.12)]})
    mqtt_publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(5, 0.1)]})
    wait_until(lambda: Reading.objects.count() == 1, timeout_s=10, what="the good reading")
    assert Reading.objects.get().value == 0.1


def test_messages_sent_while_ingestion_is_down_arrive_after_restart(mqtt_ingest, gamma_station):
    runner, config = mqtt_ingest
    runner.stop()
    mqtt_publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(10, 0.2)]})
    assert Reading.objects.count() == 0
    restarted = MqttIngest(config, client_id=runner.client_id)
    restarted.start()
    try:
        wait_until(lambda: Reading.objects.count() == 1, timeout_s=15, what="queued message")
    finally:
        restarted.stop()


def test_check_connects_to_the_broker(mqtt_url, settings):
    from ungpho.cli.checks import check_mqtt

    settings.MQTT = mqtt_from_url(mqtt_url)
    assert check_mqtt().ok


def test_a_message_that_meets_the_database_down_is_stored_when_it_is_back(mqtt_ingest,
                                                                          gamma_station,
                                                                          on_postgresql, caplog):
    """As while PostgreSQL restarts: the door cannot connect. The message is retried and
    stored once the database takes connections again, not left unacknowledged until the
    next reconnect to the broker."""
    import psycopg

    _, config = mqtt_ingest
    params = on_postgresql.get_connection_params()
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            on_postgresql.close()
            admin.execute(  # the door's connection is cut, as a restart cuts it
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name])
            mqtt_publish(config, "ungpho/HN-GAMMA-01/readings",
                         {"token": gamma_station.token, "readings": [_reading(0, 0.1)]})
            # The connection pool waits up to its timeout (30 s) for the server first.
            wait_until(lambda: "the database failed; retrying" in caplog.text, timeout_s=60,
                       what="the door to meet the database down")
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    wait_until(lambda: Reading.objects.count() == 1, timeout_s=15, what="the retried reading")


def test_each_worker_of_a_data_dir_claims_its_own_client_id_and_a_restart_takes_it_back(
        tmp_path):
    """Two workers under one client id took the broker's session from each other about
    twice a second; a worker restarted under another id would leave behind what the broker
    kept for it."""
    first, first_lock = client_id_claim(name="host-a", lock_dir=tmp_path)
    second, second_lock = client_id_claim(name="host-a", lock_dir=tmp_path)
    assert (first, second) == ("ungpho-host-a-1", "ungpho-host-a-2")
    os.close(second_lock)  # the second worker dies: the kernel releases its lock
    again, again_lock = client_id_claim(name="host-a", lock_dir=tmp_path)
    assert again == "ungpho-host-a-2"
    os.close(again_lock)
    os.close(first_lock)
