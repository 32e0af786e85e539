"""Simulated station traffic through a real door: station files into a folder (the drop
folder, or one to ``ungpho ingest``), JSON batches to ``POST /api/v1/readings``, or MQTT
messages on ``ungpho/<station>/readings``. The readings come from the pure generator
:mod:`ungpho.core.monitoring.simulate`; this module only frames and sends them.

Readings (assumptions):

- File door: one file per station per reading time, ``out_dir/yyyy/MM/dd/`` by the local
  (UTC+07:00) date, named with the station's ``file_prefix`` or ``VN_DEMO_<code>``, which the
  file door finds by the station part equal to the code. A file is written under a
  ``.part`` name and renamed, so a watched drop folder never sees half a file.
- HTTP and MQTT doors: one message per station per ``batch_s`` of simulated time (windows
  aligned to the Unix epoch, so hourly batches are local hours too), times in ISO 8601 with
  +07:00. A server answer of 207/422 (some or all readings rejected) is counted, not fatal;
  a refused token or an unreachable server stops the run with the station named.
- MQTT: QoS 1; the run ends only when the broker has acknowledged every message
  (PUBACK), at most ``_MQTT_IN_FLIGHT`` unacknowledged at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ungpho.core.monitoring.simulate import (
    Ramp,
    SimReading,
    SimStation,
    simulate,
    station_file_name,
    station_file_text,
)
from ungpho.core.vietnam_time import VIETNAM
from ungpho.monitoring.models import Station

DOORS = ("file", "http", "mqtt")
READINGS_PATH = "/api/v1/readings"
DEMO_PREFIX = "VN_DEMO"
_HTTP_TIMEOUT_S = 30.0
_MQTT_TIMEOUT_S = 30.0
_MQTT_IN_FLIGHT = 200


class SimulateError(RuntimeError):
    """A door refused or could not be reached; the message names the station or URL."""


@dataclass
class SimulateSummary:
    door: str
    stations: int = 0
    readings: int = 0
    #: files written, POSTs answered or MQTT messages acknowledged
    messages: int = 0
    #: as the server answered (HTTP only)
    stored: int | None = None
    duplicates: int | None = None
    rejected: int | None = None
    out_dir: str | None = None
    per_station: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"door": self.door, "stations": self.stations, "readings": self.readings,
                "messages": self.messages, "stored": self.stored,
                "duplicates": self.duplicates, "rejected": self.rejected,
                "out_dir": self.out_dir, "per_station": self.per_station}


def sim_station(station: Station) -> SimStation:
    """The generator's view of a registered station: type, interval and, for radiation,
    its registered background (µSv/h)."""
    background = ({"GammaDR": station.background_usv_h}
                  if station.type == Station.Type.RADIATION and station.background_usv_h
                  else {})
    return SimStation(station.code, station.type, station.reporting_interval_s, background)


def file_prefix(station: Station) -> str:
    """The ``<Province>_<Facility>_<Station>`` part of the station's file names."""
    return station.file_prefix or f"{DEMO_PREFIX}_{station.code}"


def time_parse(text: str, name: str) -> dt.datetime:
    """An ISO 8601 date-time; without a UTC offset it is read as Vietnam time (UTC+07:00).
    ValueError naming ``name``."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not an ISO 8601 date-time, e.g. "
                         "2026-11-21T10:00+07:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


def ramp_from_text(text: str) -> Ramp:
    """``STATION:PARAMETER:START_ISO:DURATION_MIN:PEAK`` (the CLI's ``--ramp``): PEAK is
    ``x5`` (× the undisturbed value) or a value in the parameter's unit, e.g.
    ``HN-GAMMA-01:GammaDR:2026-11-21T10:00+07:00:30:x10``. ValueError ``"ramp: ..."``."""
    parts = text.split(":")
    if len(parts) < 5:
        raise ValueError(f"ramp: {text!r} must be STATION:PARAMETER:START_ISO:DURATION_MIN:"
                         "PEAK")
    station, parameter, duration, peak = parts[0], parts[1], parts[-2], parts[-1]
    start = time_parse(":".join(parts[2:-2]), "ramp start")
    try:
        duration_s = float(duration) * 60.0
    except ValueError:
        raise ValueError(f"ramp: duration {duration!r} is not a number of minutes") from None
    factor = peak[1:] if peak[:1] in ("x", "×") else None
    try:
        number = float(factor if factor is not None else peak)
    except ValueError:
        raise ValueError(f"ramp: peak {peak!r} is not x<factor> or a value") from None
    return Ramp(station, parameter, start, duration_s,
                peak_factor=number if factor is not None else None,
                peak_value=None if factor is not None else number)


def simulate_into(*, door: str, stations: list[Station], start: dt.datetime,
                  end: dt.datetime, seed: int = 0, ramp: Ramp | None = None,
                  out_dir: str | Path | None = None, url: str | None = None,
                  mqtt: dict | None = None, tokens: dict[str, str] | None = None,
                  batch_s: int = 3600) -> SimulateSummary:
    """Send simulated readings of ``stations`` in ``[start, end)`` through ``door``
    (``file`` needs ``out_dir``; ``http`` needs ``url`` and ``tokens``; ``mqtt`` needs
    ``mqtt`` = ``ungpho.platform.env.mqtt_from_url(...)`` and ``tokens``, the plain token of each
    station code). ValueError naming the argument; SimulateError when a door refuses."""
    if door not in DOORS:
        raise ValueError(f"door: {door!r} is not one of {', '.join(DOORS)}")
    if not stations:
        raise ValueError("stations: none to simulate")
    if batch_s < 1:
        raise ValueError(f"batch_s: must be ≥ 1 second, got {batch_s!r}")
    readings = simulate([sim_station(s) for s in stations], start=start, end=end, seed=seed,
                        ramp=ramp)
    summary = SimulateSummary(door=door, stations=len(stations),
                              per_station={s.code: 0 for s in stations})
    if door == "file":
        if out_dir is None:
            raise ValueError("out_dir: the file door needs a folder to write to")
        summary.out_dir = str(out_dir)
        _files_write(readings, stations, Path(out_dir), summary)
        return summary
    tokens = tokens or {}
    missing = [s.code for s in stations if not tokens.get(s.code)]
    if missing:
        raise ValueError(f"tokens: no token for station {missing[0]!r}")
    batches = _batches(readings, batch_s, summary)
    if door == "http":
        if not url:
            raise ValueError("url: the HTTP door needs the server's address")
        _http_send(batches, url, tokens, summary)
    else:
        if not mqtt:
            raise ValueError("mqtt: the MQTT door needs the broker (host, port)")
        _mqtt_send(batches, mqtt, tokens, summary)
    return summary


def _files_write(readings: Iterator[SimReading], stations: list[Station], out_dir: Path,
                 summary: SimulateSummary) -> None:
    prefixes = {s.code: file_prefix(s) for s in stations}
    for prefix in prefixes.values():
        station_file_name(prefix, dt.datetime.now(dt.UTC))  # names the bad prefix up front
    for (code, observed_at), group in itertools.groupby(
            readings, key=lambda r: (r.station, r.observed_at)):
        lines = list(group)
        folder = out_dir / observed_at.astimezone(VIETNAM).strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / station_file_name(prefixes[code], observed_at)
        partial = target.with_name(target.name + ".part")
        partial.write_text(station_file_text(lines), encoding="utf-8", newline="")
        os.replace(partial, target)
        summary.messages += 1
        summary.readings += len(lines)
        summary.per_station[code] += len(lines)


def _batches(readings: Iterator[SimReading], batch_s: int, summary: SimulateSummary
             ) -> Iterator[tuple[str, list[dict]]]:
    """(station code, JSON items) per station per ``batch_s`` window, in time order of the
    windows' ends."""
    open_: dict[str, tuple[int, list[dict]]] = {}
    for reading in readings:
        window = int(reading.observed_at.timestamp()) // batch_s
        current = open_.get(reading.station)
        if current is not None and current[0] != window:
            yield reading.station, current[1]
            current = None
        if current is None:
            current = open_[reading.station] = (window, [])
        current[1].append({"parameter": reading.symbol,
                           "time": reading.observed_at.astimezone(VIETNAM).isoformat(),
                           "value": reading.value, "unit": reading.unit,
                           "status": reading.status})
        summary.readings += 1
        summary.per_station[reading.station] += 1
    for code, (_, items) in open_.items():
        yield code, items


def _http_send(batches, url: str, tokens: dict[str, str], summary: SimulateSummary) -> None:
    endpoint = url.rstrip("/") + READINGS_PATH
    summary.stored = summary.duplicates = summary.rejected = 0
    for code, items in batches:
        body = json.dumps({"station": code, "readings": items}).encode()
        request = urllib.request.Request(endpoint, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {tokens[code]}"})
        try:
            with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            answer = _http_error_body(error)
            if error.code != 422:
                raise SimulateError(f"station {code}: {endpoint} answered HTTP {error.code}: "
                                    f"{_first_error(answer)}") from None
        except (urllib.error.URLError, OSError) as error:
            raise SimulateError(f"url: cannot reach {endpoint}: "
                                f"{getattr(error, 'reason', error)}") from None
        summary.messages += 1
        summary.stored += answer.get("stored", 0)
        summary.duplicates += answer.get("duplicates", 0)
        summary.rejected += len(answer.get("rejected", ()))


def _http_error_body(error: urllib.error.HTTPError) -> dict:
    try:
        answer = json.loads(error.read() or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _first_error(answer: dict) -> str:
    errors = answer.get("errors") or answer.get("rejected") or []
    if errors and isinstance(errors[0], dict):
        return f"{errors[0].get('field')}: {errors[0].get('message')}"
    return json.dumps(answer, ensure_ascii=False)[:300]


def _mqtt_send(batches, config: dict, tokens: dict[str, str], summary: SimulateSummary
               ) -> None:
    import paho.mqtt.client as paho

    where = f"mqtt://{config['host']}:{config['port']}"
    client = paho.Client(paho.CallbackAPIVersion.VERSION2,
                         client_id=f"ungpho-simulate-{uuid.uuid4().hex[:8]}")
    if config.get("username"):
        client.username_pw_set(config["username"], config.get("password"))
    connected = threading.Event()
    outcome: dict = {}

    def on_connect(client, userdata, flags, reason_code, properties):
        outcome["reason"] = reason_code
        connected.set()

    client.on_connect = on_connect
    try:
        client.connect(config["host"], int(config["port"]), keepalive=30)
    except OSError as error:
        raise SimulateError(f"mqtt: cannot reach the broker {where}: {error}") from None
    client.loop_start()
    try:
        if not connected.wait(_MQTT_TIMEOUT_S) or outcome["reason"].is_failure:
            raise SimulateError(f"mqtt: the broker {where} did not accept the connection: "
                                f"{outcome.get('reason', 'no answer')}")
        pending: list = []
        for code, items in batches:
            payload = json.dumps({"token": tokens[code], "readings": items})
            pending.append((code, client.publish(f"ungpho/{code}/readings", payload, qos=1)))
            if len(pending) >= _MQTT_IN_FLIGHT:
                _mqtt_acked(pending[:_MQTT_IN_FLIGHT // 2], where, summary)
                del pending[:_MQTT_IN_FLIGHT // 2]
        _mqtt_acked(pending, where, summary)
    finally:
        client.disconnect()
        client.loop_stop()


def _mqtt_acked(pending: list, where: str, summary: SimulateSummary) -> None:
    for code, info in pending:
        try:
            info.wait_for_publish(timeout=_MQTT_TIMEOUT_S)
        except (ValueError, RuntimeError) as error:
            raise SimulateError(f"station {code}: publishing to {where} failed: "
                                f"{error}") from None
        if not info.is_published():
            raise SimulateError(f"station {code}: {where} did not acknowledge a message "
                                f"within {_MQTT_TIMEOUT_S:g} s")
        summary.messages += 1
