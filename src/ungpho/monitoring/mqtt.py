"""MQTT door for station readings: topic ``ungpho/<station>/readings``, JSON payload
``{"token": …, "readings": [...]}`` (the same items as ``POST /api/v1/readings``); the same
client takes mobile-source tracker positions on ``ungpho/trackers/<serial>/positions``
(``preparedness.trackers``).

QoS 1 with a persistent session (fixed client id, clean_session off): the broker keeps
messages while we are away, and a message is acknowledged only after its readings are
committed, so a crash before commit means redelivery, never loss; ingestion is idempotent,
so redelivery never duplicates. A database that is down or drops the connection holds the
message back and retries it: an unacknowledged message is redelivered only on reconnect, and
Mosquitto stops delivering once 20 are unacknowledged, so giving up on it would stall the door.
"""

from __future__ import annotations

import logging
import threading

import paho.mqtt.client as mqtt
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from ungpho.core.formats.readings_json import parse_batch
from ungpho.monitoring.models import Reading
from ungpho.monitoring.selectors import station_by_token
from ungpho.monitoring.services import readings_ingest
from ungpho.monitoring.tokens import token_payload
from ungpho.preparedness.trackers import TOPIC as TRACKER_TOPIC
from ungpho.preparedness.trackers import tracker_message_ingest

log = logging.getLogger(__name__)

#: Waits between tries of a message the database failed to take: 0.5, 1, 2 … then 30 s.
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 30.0

TOPIC = "ungpho/+/readings"
CLIENT_ID = "ungpho-ingest"


def mqtt_message_ingest(topic: str, payload: bytes) -> dict:
    """Ingest one message; returns the outcome (with rejections naming fields)."""
    parts = topic.split("/")
    code = parts[1] if len(parts) == 3 else ""
    body, token, error = token_payload(payload)
    if error:
        return error
    station = station_by_token(token)
    if station is None or station.code != code:
        return {"error": {"field": "token", "message": f"not a valid token for station {code!r}"}}
    _, readings, rejections = parse_batch(body)
    result = readings_ingest(station=station, readings=readings, via=Reading.Via.MQTT,
                             rejected=rejections)
    return result.as_dict()


class MqttIngest:
    def __init__(self, config: dict, *, client_id: str = CLIENT_ID):
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  clean_session=False, manual_ack=True)
        if config.get("username"):
            self.client.username_pw_set(config["username"], config.get("password"))
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.config = config
        self.subscribed = threading.Event()
        self.stopping = threading.Event()

    def start(self) -> None:
        self.client.connect_async(self.config["host"], self.config["port"], keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.stopping.set()
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        client.subscribe([(TOPIC, 1), (TRACKER_TOPIC, 1)])

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        """Logged on the broker's SUBACK, not on sending SUBSCRIBE: until the broker has
        the subscription, a station's message finds no subscriber and is dropped."""
        refused = [code for code in reason_codes if code.is_failure]
        if refused:
            log.error("MQTT subscription to %s and %s refused: %s", TOPIC, TRACKER_TOPIC, refused)
            return
        log.info("MQTT subscribed to %s and %s on %s:%s", TOPIC, TRACKER_TOPIC,
                 self.config["host"], self.config["port"])
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        connection.close()  # this thread's own: left open, it would outlive the thread

    def _on_message(self, client, userdata, message):
        ingest = tracker_message_ingest if message.topic.startswith("ungpho/trackers/") \
            else mqtt_message_ingest
        wait_s = RETRY_FIRST_S
        while True:
            close_old_connections()
            try:
                outcome = ingest(message.topic, message.payload)
                break
            except (OperationalError, InterfaceError):  # the database, not the message
                log.warning("MQTT message on %s not stored: the database failed; retrying in "
                            "%.1f s", message.topic, wait_s, exc_info=True)
                connection.close()  # a dropped connection is not reused on the next try
                if self.stopping.wait(wait_s):
                    return  # not acknowledged: the broker delivers it again on reconnect
                wait_s = min(wait_s * 2, RETRY_MAX_S)
            except Exception:  # not acknowledged: the broker delivers it again on reconnect
                log.exception("MQTT message on %s not stored; it will be redelivered",
                              message.topic)
                return
        if "error" in outcome or outcome.get("rejected"):
            log.warning("MQTT message on %s: %s", message.topic, outcome)
        client.ack(message.mid, message.qos)
