"""The drop folder (the FTP root the worker takes in): no file in it can stop a pass or cost
the other files theirs, and it reads no file through a link (issue 20, findings 2 and 9)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.faults.conftest import database_refuses
from tests.monitoring.test_station_files import _write
from ungpho.faults.models import DeadLetter
from ungpho.monitoring.doors.drop_folder import drop_folder_pass
from ungpho.monitoring.doors.files import files_ingest, station_files
from ungpho.monitoring.models import IngestFile, Reading, RejectedLine
from ungpho.monitoring.services import station_upsert

pytestmark = pytest.mark.django_db

LATER = dt.datetime(2030, 1, 1).timestamp()  # every file has settled


def _line(value, minute: int, symbol="PM10") -> str:
    return f"{symbol}\t{value}\tµg/Nm3\t2026112110{minute:02d}00\t00\n"


def _name(minute: int) -> str:
    return f"HN_CEM_KHI01_2026112110{minute:02d}00.txt"


@pytest.fixture
def drop(tmp_path, settings):
    station_upsert(code="KHI01", name="Trạm không khí Nguyễn Văn Cừ", province_code="01",
                   lat=21.0486, lon=105.8786, type="ambient_air", file_prefix="HN_CEM_KHI01")
    settings.DROP_DIR = tmp_path / "ftp"
    settings.ARCHIVE_DIR, settings.REJECTED_DIR = tmp_path / "archive", tmp_path / "rejected"
    settings.DROP_DIR.mkdir()
    return settings.DROP_DIR


def _minutes_stored() -> list[int]:
    return sorted(Reading.objects.values_list("observed_at__minute", flat=True))


def _left_in(folder) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, n), folder)
                  for d, _, names in os.walk(folder) for n in names)


def test_a_dangling_symlink_is_set_aside_and_the_files_around_it_are_taken(drop, settings):
    _write(drop, _name(5), _line(10.5, 5))
    os.symlink(drop / "gone.txt", drop / _name(10))
    _write(drop / "2026" / _name(15), _name(20), _line(20.5, 20))  # a folder named x.txt
    _write(drop, _name(25), _line(25.5, 25))
    assert drop_folder_pass(now=LATER) == 4
    assert _minutes_stored() == [5, 20, 25]
    letter = DeadLetter.objects.get()
    assert (letter.door, letter.source) == ("file", str(drop / _name(10)))
    assert "symbolic link" in letter.reason and letter.payload is None
    assert _left_in(drop) == []
    assert os.path.islink(settings.REJECTED_DIR / _name(10))  # the link moved, not followed
    assert _left_in(settings.ARCHIVE_DIR) == sorted([_name(5), f"2026/{_name(15)}/{_name(20)}",
                                                     _name(25)])
    assert drop_folder_pass(now=LATER) == 0  # nothing left to fail at the next pass


def test_a_file_renamed_away_after_the_listing_is_simply_not_there(drop, tmp_path):
    for minute in (5, 10, 15):
        _write(drop, _name(minute), _line(minute + 0.5, minute))
    listed = list(station_files([drop]))
    os.rename(drop / _name(10), tmp_path / "renamed-by-the-ftp-server.txt")
    summary = files_ingest(listed)
    assert (summary.files, summary.files_vanished, summary.stored) == (2, 1, 2)
    assert _minutes_stored() == [5, 15] and not DeadLetter.objects.exists()


def test_a_symlink_out_of_the_drop_folder_is_not_read(drop, tmp_path, settings):
    outside = _write(tmp_path / "elsewhere", "secret.txt",
                     _line(99.5, 30) + "root:x:0:0:root:/root:/bin/bash\n")
    os.symlink(outside, drop / _name(30))
    _write(drop, _name(5), _line(10.5, 5))
    drop_folder_pass(now=LATER)
    assert _minutes_stored() == [5]
    assert not RejectedLine.objects.filter(text__contains="root").exists()
    letter = DeadLetter.objects.get()
    assert str(outside) in letter.reason and letter.payload is None
    assert outside.read_bytes().startswith(b"PM10")  # untouched where it is
    assert os.readlink(settings.REJECTED_DIR / _name(30)) == str(outside)


def test_a_symlink_inside_the_drop_folder_is_not_followed_either(drop, settings):
    good = _write(drop / "2026", _name(5), _line(10.5, 5))
    os.symlink(good, drop / _name(10))
    drop_folder_pass(now=LATER)
    assert _minutes_stored() == [5] and IngestFile.objects.get().name == _name(5)
    assert "symbolic link" in DeadLetter.objects.get().reason
    assert (settings.ARCHIVE_DIR / "2026" / _name(5)).exists()


def test_a_fifo_or_a_link_to_one_does_not_hold_the_pass(drop, tmp_path):
    os.mkfifo(drop / _name(10))
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "pipe", drop / _name(15))
    _write(drop, _name(5), _line(10.5, 5))
    drop_folder_pass(now=LATER)
    assert _minutes_stored() == [5]
    reasons = list(DeadLetter.objects.order_by("source").values_list("reason", flat=True))
    assert "FIFO" in reasons[0] and "symbolic link" in reasons[1]


def test_a_file_name_that_is_not_utf8_is_set_aside(drop, settings):
    name = b"HN_CEM_KHI01_\xff_20261121100500.txt"
    with open(os.path.join(os.fsencode(drop), name), "wb") as out:
        out.write(_line(10.5, 5).encode())
    _write(drop, _name(10), _line(20.5, 10))
    drop_folder_pass(now=LATER)
    assert _minutes_stored() == [10]
    assert "not UTF-8" in DeadLetter.objects.get().reason
    assert os.listdir(os.fsencode(settings.REJECTED_DIR)) == [name]


def test_a_nul_byte_or_invalid_utf8_costs_only_its_own_file(drop, settings):
    """On PostgreSQL a NUL byte kept in a rejected line's text was an error that failed the
    whole pass at every tick; on SQLite the line is simply rejected. Either way the files
    beside it are taken, and the line is kept (a rejected line, or the file's dead letter)."""
    _write(drop, _name(5), _line(10.5, 5))
    poison = b"PM10\t1\x002.5\t\xc2\xb5g/Nm3\t20261121101000\t00\n" + _line(
        13.5, 10, symbol="NO2").encode()
    _write(drop, _name(10), poison)
    _write(drop, _name(15), _line(15.5, 15).encode() + b"SO2\t\xff\tug/Nm3\t20261121101500\t00\n")
    assert drop_folder_pass(now=LATER) == 3
    stored = _minutes_stored()
    assert stored.count(5) == 1 and stored.count(15) == 1  # the files beside it
    assert RejectedLine.objects.filter(field="encoding", line_no=2).exists()
    source = str(drop / _name(10))
    letter = DeadLetter.objects.filter(door="file", source=source).first()
    if letter is None:
        assert RejectedLine.objects.filter(line_no=1, source=source, field="value").exists()
    else:
        assert (letter.field, letter.reason[:8], bytes(letter.payload)) == (
            "value", "line 1: ", poison)
        assert (settings.REJECTED_DIR / _name(10)).read_bytes() == poison
    assert _left_in(drop) == []


@pytest.fixture
def refused_value(db):
    """The database refuses the reading value 666 (a fixture: rolled back with the test)."""
    return database_refuses("monitoring_reading", "value", 666)


def test_a_file_the_database_refuses_is_set_aside_alone_then_retried_once_fixed(
        drop, settings, refused_value):
    from ungpho.faults.doors import deadletter_retry

    settings.INGEST_CHUNK = 4  # several transactions, one file spanning three
    _write(drop, _name(5), _line(10.5, 5))
    symbols = ["PM10", "NO2", "SO2", "CO", "O3", "PM2,5", "NO", "NOx", "Pb"]
    content = "".join(_line(666 if i == 6 else i + 0.5, 10, symbol=s)
                      for i, s in enumerate(symbols)).encode()
    bad = _write(drop, _name(10), content)
    _write(drop, _name(15), _line(15.5, 15))
    assert drop_folder_pass(now=LATER) == 3
    stored = _minutes_stored()
    assert (stored.count(5), stored.count(15)) == (1, 1)
    assert stored.count(10) == 4  # its first transaction stands: nothing accepted is lost
    letter = DeadLetter.objects.get()
    assert (letter.source, letter.field) == (str(bad), "line")
    assert letter.reason.startswith("line 7: cannot be stored:")
    assert _left_in(drop) == [] and bytes(letter.payload) == content
    assert (settings.REJECTED_DIR / _name(10)).read_bytes() == content

    resolved, outcome = deadletter_retry(letter)  # not fixed yet
    assert not resolved and outcome.startswith("line 7: cannot be stored:")
    refused_value()
    resolved, outcome = deadletter_retry(letter)
    assert resolved and outcome.startswith("5 stored, 0 duplicates")  # from where it stopped
    assert _minutes_stored().count(10) == 9
    assert (settings.ARCHIVE_DIR / _name(10)).exists()
    assert not (settings.REJECTED_DIR / _name(10)).exists()
    letter.refresh_from_db()
    assert letter.resolved_at is not None and letter.attempts == 2


def test_the_worker_sends_notifications_and_takes_good_files_beside_poison_ones(
        drop, smtp_settings, gamma_station, duty_officer):
    """One bad file in the drop folder stopped the file intake at every tick (a dangling
    link, or a NUL byte on PostgreSQL); the worker's other steps must not notice it."""
    from ungpho.alerts.models import Notification
    from ungpho.faults.selectors import steps_failing
    from ungpho.incidents.services import incident_raise_from_exceedance
    from ungpho.worker import worker_tick

    report, _ = incident_raise_from_exceedance(
        station_id=gamma_station.station.pk, parameter_id=gamma_station.parameter.pk,
        province_code="01", lat=21.03, lon=105.85, observed_at=dt.datetime.now(dt.UTC),
        decision={"value": 0.9, "limit": 0.5, "level": 1})
    os.symlink(drop / "gone.txt", drop / _name(5))
    _write(drop, _name(10), b"PM10\t1\x002.5\tug/Nm3\t20261121101000\t00\n")
    _write(drop, _name(15), _line(15.5, 15))
    an_hour_ago = dt.datetime.now().timestamp() - 3600  # uploads the worker sees as settled
    for name in os.listdir(drop):
        os.utime(drop / name, (an_hour_ago, an_hour_ago), follow_symlinks=False)
    counts = worker_tick(worker="w1")
    assert counts["files_ingested"] == 3 and counts["notifications_sent"] == 1
    [message] = smtp_settings.messages
    assert message["Message-ID"] == Notification.objects.get(report=report).message_id
    assert 15 in _minutes_stored() and not steps_failing().exists()
    assert worker_tick(worker="w1")["files_ingested"] == 0  # set aside, not retried


def test_a_letter_whose_file_is_gone_is_retried_from_its_payload(tmp_path, drop,
                                                                 refused_value):
    from ungpho.faults.doors import deadletter_retry

    path = _write(tmp_path / "sent", _name(10), _line(666, 10) + _line(11.5, 10, "NO2"))
    summary = files_ingest([path])  # the command line's door
    assert [(row["line"], row["field"]) for row in summary.dead_letters] == [(1, "line")]
    letter = DeadLetter.objects.get()
    assert (letter.door, letter.source) == ("cli", str(path))
    path.unlink()
    refused_value()
    assert deadletter_retry(letter) == (True, "2 stored, 0 duplicates, 0 lines rejected")
    assert IngestFile.objects.get().path == str(path)
