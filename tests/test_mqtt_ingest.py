"""MQTT door against a real broker (UNGPHO_TEST_MQTT_URL; CI: Mosquitto on 127.0.0.1:1883)."""

import json
import uuid

import paho.mqtt.client as mqtt
import pytest

from tests.conftest import wait_until
from ungpho.env import mqtt_from_url
from ungpho.monitoring.models import Reading
from ungpho.monitoring.mqtt import MqttIngest

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]


def _publish(config, topic, body):
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:8]}")
    client.connect(config["host"], config["port"])
    client.loop_start()
    client.publish(topic, json.dumps(body), qos=1).wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()


def _reading(minute, value):
    return {"parameter": "GammaDR", "time": f"2026-11-21T10:{minute:02d}:00+07:00",
            "value": value}


@pytest.fixture
def ingest(mqtt_url):
    config = mqtt_from_url(mqtt_url)
    runner = MqttIngest(config, client_id=f"ungpho-test-{uuid.uuid4().hex[:8]}")
    subscribed = []
    runner.client.on_subscribe = lambda *args: subscribed.append(True)
    runner.start()
    wait_until(lambda: subscribed, timeout_s=10, what="MQTT subscription")
    yield runner, config
    runner.stop()


def test_a_published_batch_is_stored(ingest, gamma_station):
    _, config = ingest
    _publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(0, 0.12), _reading(5, 0.9)]})
    wait_until(lambda: Reading.objects.count() == 2, timeout_s=10, what="2 readings")
    assert set(Reading.objects.values_list("via", flat=True)) == {"mqtt"}


def test_a_message_with_a_wrong_token_stores_nothing(ingest, gamma_station):
    _, config = ingest
    _publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": "ung_forged", "readings": [_reading(0, 0.12)]})
    _publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(5, 0.1)]})
    wait_until(lambda: Reading.objects.count() == 1, timeout_s=10, what="the good reading")
    assert Reading.objects.get().value == 0.1


def test_messages_sent_while_ingestion_is_down_arrive_after_restart(ingest, gamma_station):
    runner, config = ingest
    runner.stop()
    _publish(config, "ungpho/HN-GAMMA-01/readings",
             {"token": gamma_station.token, "readings": [_reading(10, 0.2)]})
    assert Reading.objects.count() == 0
    restarted = MqttIngest(config, client_id=runner.client._client_id.decode())
    restarted.start()
    try:
        wait_until(lambda: Reading.objects.count() == 1, timeout_s=15, what="queued message")
    finally:
        restarted.stop()


def test_check_connects_to_the_broker(mqtt_url, settings):
    from ungpho.checks import check_mqtt

    settings.MQTT = mqtt_from_url(mqtt_url)
    assert check_mqtt().ok
