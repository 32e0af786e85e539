"""``ungpho simulate``: simulated traffic through the real doors is stored completely."""

import datetime as dt

import pytest

from tests.conftest import wait_until
from ungpho.cli import main
from ungpho.core.monitoring.simulate import Ramp
from ungpho.monitoring.doors.files import files_ingest
from ungpho.monitoring.models import IngestFile, Reading, RejectedLine
from ungpho.monitoring.services import station_token_issue, station_upsert
from ungpho.monitoring.simulate import (
    SimulateError,
    ramp_from_text,
    simulate_into,
    time_parse,
)

START = dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội
END = START + dt.timedelta(hours=2)
VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def stations(db):
    common = {"province_code": "01", "lat": 21.0285, "lon": 105.8542}
    return [
        station_upsert(code="HN-GAMMA-01", name="Trạm phóng xạ Hà Nội", type="radiation",
                       reporting_interval_s=600, background_usv_h=0.11, **common),
        station_upsert(code="HN-AIR-01", name="Trạm không khí Nguyễn Văn Cừ",
                       type="ambient_air", file_prefix="HN_SOTNMT_KK-01", **common),
        station_upsert(code="HN-SW-01", name="Trạm nước mặt sông Tô Lịch",
                       type="surface_water", **common),
    ]


def _counts(via: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for code in Reading.objects.filter(via=via).values_list("station__code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return counts


# 2 h: gamma every 10 min (12 × 1 symbol), air and water every 5 min (24 × 6 symbols each)
EXPECTED = {"HN-GAMMA-01": 12, "HN-AIR-01": 144, "HN-SW-01": 144}


@pytest.mark.django_db
def test_the_file_door_writes_files_that_ingest_stores_completely(stations, tmp_path):
    summary = simulate_into(door="file", stations=stations, start=START, end=END, seed=1,
                            out_dir=tmp_path)
    assert (summary.readings, summary.messages) == (300, 12 + 24 + 24)
    folder = tmp_path / "2026" / "11" / "21"
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 60 and not list(tmp_path.rglob("*.part"))
    assert "HN_SOTNMT_KK-01_20261121080000.txt" in names  # the registered prefix
    assert "VN_DEMO_HN-GAMMA-01_20261121080000.txt" in names  # found by its code
    ingested = files_ingest([tmp_path])
    assert (ingested.files, ingested.stored, ingested.duplicates) == (60, 300, 0)
    assert ingested.rejected == [] and not RejectedLine.objects.exists()
    assert _counts("file") == EXPECTED == summary.per_station
    assert IngestFile.objects.filter(status=IngestFile.Status.DONE).count() == 60


@pytest.mark.django_db
def test_the_file_door_refuses_a_station_code_that_cannot_be_a_file_name_part(tmp_path):
    station = station_upsert(code="hn_gamma_02", name="Trạm", province_code="01", lat=21.0,
                             lon=105.8)
    with pytest.raises(ValueError, match="^prefix: 'VN_DEMO_hn_gamma_02'"):
        simulate_into(door="file", stations=[station], start=START, end=END,
                      out_dir=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.django_db
def test_a_ramp_reaches_the_stored_readings(stations, tmp_path):
    ramp = Ramp("HN-GAMMA-01", "GammaDR", START + dt.timedelta(minutes=30), 1800,
                peak_value=2.0)
    simulate_into(door="file", stations=stations[:1], start=START, end=END, ramp=ramp,
                  out_dir=tmp_path)
    files_ingest([tmp_path])
    held = Reading.objects.filter(observed_at__gte=START + dt.timedelta(hours=1))
    assert held.count() == 6
    assert all(1.7 < value < 2.3 for value in held.values_list("value", flat=True))
    assert Reading.objects.filter(observed_at__lt=START + dt.timedelta(minutes=30),
                                  value__gt=0.2).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_http_door_posts_hourly_batches_that_the_server_stores(stations, live_server):
    tokens = {s.code: station_token_issue(station=s) for s in stations}
    summary = simulate_into(door="http", stations=stations, start=START, end=END, seed=2,
                            url=live_server.url, tokens=tokens)
    assert summary.messages == 3 * 2  # one POST per station per hour
    assert (summary.stored, summary.duplicates, summary.rejected) == (300, 0, 0)
    assert _counts("http") == EXPECTED
    again = simulate_into(door="http", stations=stations, start=START, end=END, seed=2,
                          url=live_server.url, tokens=tokens)
    assert (again.stored, again.duplicates) == (0, 300)


@pytest.mark.django_db(transaction=True)
def test_the_http_door_stops_on_a_refused_token_naming_the_station(stations, live_server):
    with pytest.raises(SimulateError, match="station HN-GAMMA-01: .* HTTP 401"):
        simulate_into(door="http", stations=stations[:1], start=START, end=END,
                      url=live_server.url, tokens={"HN-GAMMA-01": "ung_forged"})
    assert not Reading.objects.exists()


def test_an_unreachable_server_is_named():
    from tests.conftest import free_port
    from ungpho.monitoring.models import Station

    station = Station(code="HN-GAMMA-09", type="radiation", reporting_interval_s=600)
    with pytest.raises(SimulateError, match="^url: cannot reach http://127.0.0.1:"):
        simulate_into(door="http", stations=[station], start=START, end=END,
                      url=f"http://127.0.0.1:{free_port()}", tokens={"HN-GAMMA-09": "t"})


def test_the_cli_ramp_and_times_read_vietnam_time_when_no_offset_is_given():
    ramp = ramp_from_text("HN-GAMMA-01:GammaDR:2026-11-21T10:00:30:x10")
    assert ramp.start == dt.datetime(2026, 11, 21, 10, 0, tzinfo=VN)
    assert (ramp.duration_s, ramp.peak_factor, ramp.peak_value) == (1800.0, 10.0, None)
    by_value = ramp_from_text("HN-AIR-01:PM2,5:2026-11-21T03:00+00:00:0:250")
    assert by_value.start == dt.datetime(2026, 11, 21, 3, tzinfo=dt.UTC)
    assert (by_value.parameter, by_value.peak_value) == ("PM2,5", 250.0)
    assert time_parse("2026-11-21T08:00", "--end") == START
    with pytest.raises(ValueError, match="^ramp: peak 'ten'"):
        ramp_from_text("HN-AIR-01:NO2:2026-11-21T03:00:5:ten")
    with pytest.raises(ValueError, match="^ramp: 'HN-AIR-01:NO2'"):
        ramp_from_text("HN-AIR-01:NO2")


@pytest.mark.django_db
def test_the_cli_writes_files_and_reports_the_counts(stations, tmp_path, capsys):
    code = main(["simulate", "--door", "file", "--stations", "HN-GAMMA-01,HN-AIR-01",
                 "--hours", "1", "--end", "2026-11-21T09:00", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Mô phỏng / simulated: 78 số đo / readings, 2 trạm / stations" in out
    assert "Đã ghi / wrote 18 tệp / files" in out
    assert files_ingest([tmp_path]).stored == 78


@pytest.mark.django_db
def test_the_cli_names_an_unknown_station(stations, tmp_path):
    with pytest.raises(SystemExit, match="no station 'HN-NOPE'"):
        main(["simulate", "--door", "file", "--stations", "HN-NOPE", "--out", str(tmp_path)])


@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_the_mqtt_door_publishes_messages_that_ingestion_stores(stations, mqtt_ingest):
    _, config = mqtt_ingest
    tokens = {s.code: station_token_issue(station=s) for s in stations}
    summary = simulate_into(door="mqtt", stations=stations, start=START, end=END,
                            mqtt=config, tokens=tokens)
    assert summary.messages == 6
    wait_until(lambda: Reading.objects.count() == 300, timeout_s=20, what="300 readings")
    assert _counts("mqtt") == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_the_cli_issues_fresh_tokens_for_the_http_door(stations, live_server, capsys):
    code = main(["simulate", "--door", "http", "--stations", "HN-SW-01", "--hours", "2",
                 "--end", "2026-11-21T10:00", "--url", live_server.url, "--batch-min", "30"])
    captured = capsys.readouterr()
    assert code == 0
    assert "issued new tokens" in captured.err and "HN-SW-01" in captured.err
    assert "Đã gửi / sent 4 yêu cầu / requests" in captured.out
    assert "lưu / stored 144, trùng / duplicates 0, loại / rejected 0" in captured.out
    assert _counts("http") == {"HN-SW-01": 144}
