"""The file door: station text files (TT 10/2021) from folders of any layout, judged line by
line, taken in once, resumable, never loading a whole file."""

import datetime as dt
import hashlib
import json

import pytest

from tests.conftest import REPO, ungpho
from ungpho.core.monitoring.qc import Flag
from ungpho.monitoring.doors.files import files_ingest
from ungpho.monitoring.models import IngestFile, Parameter, Reading, RejectedLine, Series
from ungpho.monitoring.services import mapping_set, station_upsert

pytestmark = pytest.mark.django_db

STAMP = "20261121100500"  # 10:05 in Vietnam = 03:05 UTC


def _line(symbol, value, unit, stamp=STAMP, status="00"):
    return f"{symbol}\t{value}\t{unit}\t{stamp}\t{status}\n"


def _write(folder, name, text: str | bytes):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.fixture
def air_station(db):
    return station_upsert(code="KHI01", name="Trạm không khí Nguyễn Văn Cừ", province_code="01",
                          lat=21.0486, lon=105.8786, type="ambient_air",
                          file_prefix="HN_CEM_KHI01")


def _good_file(minute=5):
    stamp = f"2026112110{minute:02d}00"
    return (_line("PM2,5", 35.2, "µg/Nm3", stamp) + _line("PM10", 61.0, "µg/Nm3", stamp)
            + _line("NO2", 40.5, "µg/Nm3", stamp) + _line("SO2", 12.0, "µg/Nm3", stamp))


def test_files_in_dated_and_flat_folders_are_all_stored(tmp_path, air_station):
    _write(tmp_path / "2026" / "11" / "21", f"HN_CEM_KHI01_{STAMP}.txt", _good_file(5))
    _write(tmp_path / "flat", "HN_CEM_KHI01_20261121101000.txt", _good_file(10))
    summary = files_ingest([tmp_path])
    assert (summary.files, summary.stored, summary.duplicates) == (2, 8, 0)
    pm25 = Reading.objects.get(parameter__code="PM2.5", observed_at__minute=5)
    assert pm25.observed_at == dt.datetime(2026, 11, 21, 3, 5, tzinfo=dt.UTC)
    assert pm25.value == 35.2 and pm25.via == "file" and pm25.flags == 0


def test_files_named_relative_to_the_working_folder_are_read_and_a_missing_one_is_counted(
        tmp_path, air_station, monkeypatch):
    _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _good_file(5))
    _write(tmp_path / "sub", "HN_CEM_KHI01_20261121101000.txt", _good_file(10))
    monkeypatch.chdir(tmp_path)
    summary = files_ingest([f"HN_CEM_KHI01_{STAMP}.txt", "sub/HN_CEM_KHI01_20261121101000.txt"])
    assert (summary.files, summary.stored) == (2, 8)
    summary = files_ingest(["sub/HN_CEM_KHI01_20261121101500.txt"])
    assert (summary.files, summary.files_vanished, summary.dead_letters) == (0, 1, [])


def test_a_file_sent_again_changes_nothing(tmp_path, air_station):
    path = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _good_file())
    files_ingest([path])
    copy = _write(tmp_path / "again", path.name, path.read_bytes())
    summary = files_ingest([path, copy])
    assert (summary.stored, summary.files_skipped) == (0, 2)
    assert summary.duplicates == 8
    assert Reading.objects.count() == 4


def test_deleting_a_station_keeps_its_file_records_without_it(tmp_path, air_station):
    # The record's station has no database-level check (models.IngestFile): Django's
    # SET_NULL still clears it.
    files_ingest([_write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _line("XYZ", 1, "ppm"))])
    record = IngestFile.objects.get()
    assert record.station_id == air_station.pk and record.rejected == 1
    air_station.delete()
    record.refresh_from_db()
    assert record.station_id is None and record.rejected == 1


def test_the_same_readings_in_a_different_file_are_duplicates(tmp_path, air_station):
    files_ingest([_write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _good_file())])
    resent = _write(tmp_path / "b", f"HN_CEM_KHI01_{STAMP}.txt", "\n" + _good_file())
    summary = files_ingest([resent])
    assert (summary.stored, summary.duplicates) == (0, 4)


def test_bad_lines_are_kept_with_line_and_reason_and_good_lines_stored(tmp_path, air_station):
    text = (_line("PM10", 61.0, "µg/Nm3") + "PM10\tcao\tµg/Nm3\t20261121100500\t00\n"
            + _line("NO2", 40.5, "µg/Nm3", stamp="20261321100500")
            + _line("XYZ", 1.0, "µg/Nm3") + _line("SO2", 12.0, "µg/Nm3")
            + "O3\t50.1\tµg/Nm3\t2026112")  # truncated last line
    path = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", text)
    summary = files_ingest([path])
    assert summary.stored == 2
    rejected = {(r["line"], r["field"]) for r in summary.rejected}
    assert rejected == {(2, "value"), (3, "time"), (4, "symbol"), (6, "line")}
    kept = RejectedLine.objects.filter(file__path=str(path)).order_by("line_no")
    assert [r.line_no for r in kept] == [2, 3, 4, 6]
    assert "XYZ" in kept.get(line_no=4).reason
    assert IngestFile.objects.get().rejected == 4


def test_a_line_in_another_encoding_is_rejected_and_its_neighbours_stored(tmp_path,
                                                                        air_station):
    text = (_line("PM10", 61.0, "µg/Nm3").encode()
            + _line("SO2", 12.0, "µg/Nm3").encode("cp1258", errors="strict")
            .replace(b"\xb5", b"\xb5\xff")
            + _line("NO2", 40.5, "µg/Nm3").encode())
    summary = files_ingest([_write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", text)])
    assert summary.stored == 2
    assert [(r["line"], r["field"]) for r in summary.rejected] == [(2, "encoding")]


def test_a_folder_name_with_tab_backslash_and_newline_is_kept_as_it_is(tmp_path,
                                                                        air_station):
    path = _write(tmp_path / "tab\there \\ and\nnew", f"HN_CEM_KHI01_{STAMP}.txt",
                  _good_file())
    assert files_ingest([path]).stored == 4
    record = IngestFile.objects.get()
    assert (record.path, record.status, record.stored) == (str(path), "done", 4)


def test_a_bom_is_ignored_and_an_empty_file_is_rejected_as_a_file(tmp_path, air_station):
    bom = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", b"\xef\xbb\xbf" + _good_file().encode())
    empty = _write(tmp_path, "HN_CEM_KHI01_20261121101000.txt", b"")
    summary = files_ingest([bom, empty])
    assert summary.stored == 4
    assert [(r["file"], r["field"]) for r in summary.rejected] == [(str(empty), "file")]


def test_a_file_named_for_no_station_is_kept_as_a_rejection(tmp_path, air_station):
    path = _write(tmp_path, f"HN_CEM_KHI99_{STAMP}.txt", _good_file())
    summary = files_ingest([path])
    assert summary.stored == 0
    [rejected] = summary.rejected
    assert rejected["field"] == "file name" and "HN_CEM_KHI99" in rejected["reason"]
    assert RejectedLine.objects.get().file.path == str(path)


def test_a_bad_time_in_a_name_is_rejected_after_good_files_of_the_same_station(tmp_path,
                                                                              air_station):
    good = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _good_file())
    bad = _write(tmp_path, "HN_CEM_KHI01_20261321100500.txt", _good_file(10))
    summary = files_ingest([good, bad])
    assert summary.stored == 4
    assert [(r["file"], r["field"]) for r in summary.rejected] == [(str(bad), "file name")]
    assert "time part" in summary.rejected[0]["reason"]


def test_a_station_mapping_converts_its_symbol_and_unit(tmp_path, air_station):
    mapping_set(station=air_station, symbol="Bui_PM25", unit="mg/m3",
                parameter=Parameter.objects.get(code="PM2.5"), scale=1000.0)
    files_ingest([_write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt",
                         _line("Bui_PM25", 0.0352, "mg/m3") + _line("PM10", 0.061, "mg/m3"))])
    values = dict(Reading.objects.values_list("parameter__code", "value"))
    assert values["PM2.5"] == pytest.approx(35.2) and values["PM10"] == pytest.approx(61.0)


def test_calibrating_and_device_error_lines_are_stored_with_flags(tmp_path, air_station):
    files_ingest([_write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt",
                         _line("PM10", 61.0, "µg/Nm3", status="01")
                         + _line("SO2", -3.0, "µg/Nm3", status="02"))])
    flags = dict(Reading.objects.values_list("parameter__code", "flags"))
    assert flags["PM10"] == Flag.CALIBRATING
    assert flags["SO2"] & Flag.DEVICE_ERROR and flags["SO2"] & Flag.NEGATIVE


def test_a_large_file_is_taken_in_chunks_and_the_series_keeps_the_latest(tmp_path,
                                                                       air_station):
    start = dt.datetime(2026, 11, 1, 0, 0)
    lines = [_line("PM10", 40 + i % 7, "µg/Nm3", (start + dt.timedelta(minutes=5 * i))
                   .strftime("%Y%m%d%H%M%S")) for i in range(5000)]
    path = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", "".join(lines))
    summary = files_ingest([path], chunk_rows=700)
    assert summary.stored == 5000 and Reading.objects.count() == 5000
    record = IngestFile.objects.get()
    assert (record.status, record.line_no, record.byte_offset) == ("done", 5000,
                                                                   path.stat().st_size)
    series = Series.objects.get()
    assert series.last_at == dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC) + dt.timedelta(
        minutes=5 * 4999) - dt.timedelta(hours=7)


def test_an_interrupted_file_resumes_after_its_last_committed_line(tmp_path, air_station):
    lines = [_line("PM10", 40 + i, "µg/Nm3", f"202611211{i // 12:01d}{(i % 12) * 5:02d}00")
             for i in range(24)]
    path = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", "".join(lines))
    files_ingest([path], chunk_rows=10)
    record = IngestFile.objects.get()
    # As if the process had died after the first chunk's commit.
    head = "".join(lines[:10]).encode()
    record.status, record.line_no, record.byte_offset = "active", 10, len(head)
    record.stored = 10
    record.save()
    Reading.objects.filter(observed_at__gt=Reading.objects.order_by("observed_at")[9]
                           .observed_at).delete()
    summary = files_ingest([path])
    assert (summary.stored, summary.duplicates) == (14, 0)
    assert Reading.objects.count() == 24 and IngestFile.objects.get().stored == 24


def test_ingest_command_prints_one_json_summary_last(tmp_path):
    env = {"UNGPHO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO / "src"),
           "PATH": "/usr/bin:/bin"}
    ungpho("migrate", env=env)
    ungpho("demo", env=env)
    drop = tmp_path / "drop"
    _write(drop, f"QN_BQP_QN-GAMMA-01_{STAMP}.txt",
           _line("GammaDR", 0.12, "uSv/h") + _line("GammaDR", "x", "uSv/h", "20261121101000"))
    result = ungpho("ingest", str(drop), "--json", env=env, check=False)
    assert result.returncode == 3  # some lines rejected, the rest stored
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["files"] == 1 and summary["stored"] == 1
    assert summary["rejected"] == [{"file": str(drop / f"QN_BQP_QN-GAMMA-01_{STAMP}.txt"),
                                    "line": 2, "field": "value",
                                    "reason": summary["rejected"][0]["reason"]}]


def test_a_100_mb_file_streams_in_chunks_keeping_its_bad_lines(tmp_path, air_station):
    path = tmp_path / f"HN_CEM_KHI01_{STAMP}.txt"
    symbols = ("PM2,5", "PM10", "NO2", "SO2", "CO", "O3", "NO", "TSP")
    start = dt.datetime(2024, 1, 1)
    lines, bad = 0, []
    with path.open("w", encoding="utf-8") as out:
        step = 0
        while out.tell() < 100 * 1024 * 1024:
            stamp = (start + dt.timedelta(minutes=5 * step)).strftime("%Y%m%d%H%M%S")
            block = "".join(f"{s}\t{20 + (step + k) % 50}.5\tµg/Nm3\t{stamp}\t00\n"
                            for k, s in enumerate(symbols))
            if step % 50_000 == 7:
                block += f"PM10\t1,5\tµg/Nm3\t{stamp}\t00\n"
                bad.append(lines + len(symbols) + 1)
            out.write(block)
            lines += block.count("\n")
            step += 1
    summary = files_ingest([path], chunk_rows=50_000)
    assert summary.stored == lines - len(bad)
    assert [r["line"] for r in summary.rejected] == bad
    assert Reading.objects.count() == lines - len(bad)
    assert IngestFile.objects.get().byte_offset == path.stat().st_size


@pytest.mark.django_db(transaction=True)
def test_a_file_taken_in_before_the_name_key_is_still_known_after_the_upgrade(tmp_path):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    path = _write(tmp_path, f"HN_CEM_KHI01_{STAMP}.txt", _good_file())
    sha = hashlib.sha256(path.name.encode() + b"\0" + path.read_bytes()).hexdigest()
    executor = MigrationExecutor(connection)
    executor.migrate([("monitoring", "0005_series_stored_to")])
    old = executor.loader.project_state([("monitoring", "0005_series_stored_to")]).apps
    old.get_model("monitoring", "IngestFile").objects.create(
        path=str(path), sha256=sha, size_bytes=path.stat().st_size, status="done", stored=4,
        started_at=dt.datetime(2026, 11, 21, 3, 6, tzinfo=dt.UTC))
    executor = MigrationExecutor(connection)  # a new one: the graph as it is now
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert IngestFile.objects.get().name == path.name
    station_upsert(code="KHI01", name="Trạm không khí Nguyễn Văn Cừ", province_code="01",
                   lat=21.0486, lon=105.8786, type="ambient_air", file_prefix="HN_CEM_KHI01")
    summary = files_ingest([path])
    assert (summary.files_skipped, summary.stored, summary.duplicates) == (1, 0, 4)


def test_the_drop_folder_archives_good_files_and_sets_aside_unknown_names(tmp_path, settings,
                                                                          air_station):
    from ungpho.monitoring.doors.drop_folder import drop_folder_pass

    settings.DROP_DIR, settings.ARCHIVE_DIR = tmp_path / "ftp", tmp_path / "archive"
    settings.REJECTED_DIR = tmp_path / "rejected"
    _write(settings.DROP_DIR / "2026" / "11" / "21", f"HN_CEM_KHI01_{STAMP}.txt", _good_file())
    _write(settings.DROP_DIR / "2026" / "11" / "21", f"HN_CEM_KHI99_{STAMP}.txt", _good_file())
    assert drop_folder_pass(now=dt.datetime(2030, 1, 1).timestamp()) == 2
    assert [p.name for p in settings.ARCHIVE_DIR.rglob("*.txt")] == [f"HN_CEM_KHI01_{STAMP}.txt"]
    assert [p.relative_to(settings.REJECTED_DIR).as_posix()
            for p in settings.REJECTED_DIR.rglob("*.txt")] == [
        f"2026/11/21/HN_CEM_KHI99_{STAMP}.txt"]
    assert not list(settings.DROP_DIR.rglob("*.txt")) and Reading.objects.count() == 4
