"""MQTT door for station readings: topic ``ungpho/<station>/readings``, JSON payload
``{"token": …, "readings": [...]}`` (the same items as ``POST /api/v1/readings``); the same
client takes mobile-source tracker positions on ``ungpho/trackers/<serial>/positions``
(``preparedness.trackers``). What is done with a message: ``mqtt_messages``.

Delivery (docs/mqtt.md): MQTT 5, QoS 1, a persistent session (clean start off, a session
that never expires unless the broker's ``persistent_client_expiration`` says otherwise) under
a client id that stays the same across restarts of the same worker, ``ungpho-<UNGPHO_WORKER_
NAME or host name>-<slot>``, the slot being the lowest one that no running worker of this data
dir holds (a lock the kernel releases when the process dies, however it dies): what the broker
holds for a worker that died reaches it when it is back. One worker subscribes to the topics
themselves; several, given ``UNGPHO_MQTT_GROUP``, split the stream through MQTT 5 shared
subscriptions (``$share/<group>/…``). Mosquitto 2.0 does not keep shared subscriptions across
its own restart (it keeps the sessions and their queues), so until a worker of the group has
connected again it drops what stations send; a worker alone has no such gap.

A network thread puts what arrives in an inbox; the ingest thread takes what waits there —
up to ``BATCH_MESSAGES`` — stores it in one transaction, and acknowledges each message once
it is stored or kept as a dead letter. A message is left unacknowledged only while the
database cannot be reached: the batch is retried (0.5 s, doubling up to 30 s) until it can.
The broker may have ``RECEIVE_MAXIMUM`` messages unacknowledged with us, so a burst waits in
our inbox rather than in the broker's queue, which Mosquitto cuts at
``max_queued_messages`` (1,000 by default) by dropping the newest.
"""

from __future__ import annotations

import collections
import fcntl
import logging
import os
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from ungpho.monitoring.doors.mqtt_messages import (
    READINGS_TOPIC,
    DatabaseUnavailable,
    messages_store,
)
from ungpho.preparedness.trackers import TOPIC as TRACKER_TOPIC

log = logging.getLogger(__name__)

#: Waits between tries of a batch the database failed to take: 0.5, 1, 2 … then 30 s.
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 30.0
TOPICS = (READINGS_TOPIC, TRACKER_TOPIC)
#: MQTT 5 Receive Maximum: the most unacknowledged messages the broker sends us (its limit).
RECEIVE_MAXIMUM = 65535
#: MQTT 5 Session Expiry Interval that means "never" (MQTT 5.0 §3.1.2.11.2).
SESSION_NEVER_EXPIRES = 0xFFFFFFFF
#: Messages (and payload bytes) stored in one transaction, at most. The cost of a message
#: of ten readings is mostly its ten series' live fronts, read and written once per
#: transaction: a backlog's batch holds several messages of each station and shares it.
BATCH_MESSAGES, BATCH_BYTES = 10_000, 16 << 20
#: Payload bytes waiting in the inbox before the network thread stops reading (the broker
#: then keeps the rest): memory stays bounded whatever the messages' size.
INBOX_BYTES = 64 << 20


def client_id_claim(*, name: str, lock_dir: Path) -> tuple[str, int]:
    """The worker's MQTT client id, ``ungpho-<name>-<slot>``, and the open lock file that
    holds the slot: the lowest slot that no running process holds. A worker killed and
    started again takes its slot back (the kernel releases a dead process's ``flock``),
    so its persistent session, and what the broker kept in it, is found again."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    slot = 1
    while True:
        fd = os.open(lock_dir / f"{name}-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            slot += 1
            continue
        return f"ungpho-{name}-{slot}", fd


class _Inbox:
    """Messages received and not yet stored, oldest first, with the connection each came
    on. ``put`` waits while ``limit_bytes`` of payload wait already."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        self._items: collections.deque = collections.deque()
        self._bytes = 0
        self._changed = threading.Condition()

    def put(self, item, size: int, stopping: threading.Event) -> None:
        with self._changed:
            while self._bytes >= self.limit_bytes and not stopping.is_set():
                self._changed.wait(0.5)
            self._items.append((item, size))
            self._bytes += size
            self._changed.notify_all()

    def take(self, most: int, most_bytes: int, wait_s: float) -> list:
        """What waits, up to ``most`` items and about ``most_bytes`` (at least one item);
        waits up to ``wait_s`` for the first."""
        with self._changed:
            if not self._items:
                self._changed.wait(wait_s)
            taken, size = [], 0
            while self._items and len(taken) < most and (not taken or size < most_bytes):
                item, item_size = self._items.popleft()
                self._bytes -= item_size
                size += item_size
                taken.append(item)
            self._changed.notify_all()
            return taken


class MqttIngest:
    def __init__(self, config: dict, *, client_id: str, group: str | None = None):
        self.client_id, self.group = client_id, group
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5, manual_ack=True)
        if config.get("username"):
            self.client.username_pw_set(config["username"], config.get("password"))
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.config = config
        self.subscribed = threading.Event()
        self.stopping = threading.Event()
        self.inbox = _Inbox(INBOX_BYTES)
        #: Connections so far: a message is acknowledged on the connection it came on only
        #: (after a reconnect the broker sends the unacknowledged ones again).
        self.connection_no = 0
        self._ingest = threading.Thread(target=self._ingest_run, name="mqtt-ingest",
                                        daemon=True)
        self._slot_lock: int | None = None

    @classmethod
    def for_worker(cls, config: dict) -> MqttIngest:
        """The door of ``ungpho worker``: its client id claimed in the data dir."""
        client_id, lock = client_id_claim(name=settings.WORKER_NAME,
                                          lock_dir=settings.DATA_DIR / "mqtt-slots")
        door = cls(config, client_id=client_id, group=settings.MQTT_GROUP)
        door._slot_lock = lock
        return door

    @property
    def subscriptions(self) -> list[str]:
        """Each message to this worker alone, or to one worker of the group."""
        if self.group is None:
            return list(TOPICS)
        return [f"$share/{self.group}/{topic}" for topic in TOPICS]

    def start(self) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self._ingest.start()
        self.client.connect_async(self.config["host"], self.config["port"], keepalive=30,
                                  clean_start=False, properties=properties)
        self.client.loop_start()

    def stop(self) -> None:
        """The batch being stored is finished and acknowledged; what waits in the inbox is
        not, so the broker sends it again next time."""
        self.stopping.set()
        if self._ingest.is_alive():
            self._ingest.join()
        self.client.disconnect()
        self.client.loop_stop()
        if self._slot_lock is not None:
            os.close(self._slot_lock)
            self._slot_lock = None

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        self.connection_no += 1
        if self.group is not None:  # a worker alone before: its session keeps that too
            client.unsubscribe(list(TOPICS))
        client.subscribe([(topic, 1) for topic in self.subscriptions])

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        """Logged on the broker's SUBACK, not on sending SUBSCRIBE: until the broker has
        the subscription, a station's message finds no subscriber and is dropped."""
        refused = [code for code in reason_codes if code.is_failure]
        if refused:
            log.error("MQTT subscription to %s refused: %s", " and ".join(self.subscriptions),
                      refused)
            return
        log.info("MQTT subscribed to %s on %s:%s as %s", " and ".join(self.subscriptions),
                 self.config["host"], self.config["port"], self.client_id)
        self.subscribed.set()

    def _on_message(self, client, userdata, message):
        self.inbox.put((message, self.connection_no), len(message.payload), self.stopping)

    def _ingest_run(self) -> None:
        try:
            while not self.stopping.is_set():
                batch = self.inbox.take(BATCH_MESSAGES, BATCH_BYTES, wait_s=0.5)
                try:
                    if batch:
                        self._store(batch)
                except Exception:  # the thread goes on; the broker sends these again
                    log.exception("MQTT: %d messages neither stored nor kept; they are "
                                  "not acknowledged", len(batch))
        finally:
            connection.close()  # this thread's own: left open, it would outlive the thread

    def _store(self, batch: list) -> None:
        messages = [(message.topic, message.payload) for message, _ in batch]
        wait_s = RETRY_FIRST_S
        while True:
            close_old_connections()
            try:
                outcomes = messages_store(messages)
                break
            except DatabaseUnavailable:
                log.warning("MQTT: %d messages not stored: the database failed; retrying in "
                            "%.1f s", len(messages), wait_s, exc_info=True)
                connection.close()  # a dropped connection is not reused on the next try
                if self.stopping.wait(wait_s):
                    return  # not acknowledged: the broker delivers them again on reconnect
                wait_s = min(wait_s * 2, RETRY_MAX_S)
        for (message, connection_no), outcome in zip(batch, outcomes, strict=True):
            if outcome.get("rejected"):
                log.warning("MQTT message on %s: %s", message.topic, outcome)
            if connection_no == self.connection_no:
                self.client.ack(message.mid, message.qos)
