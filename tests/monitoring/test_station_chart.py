"""The station page's chart: its geometry as pure functions, the database's downsampling on
SQLite and PostgreSQL, and the page through the Django test client (the window chosen by
link, the alarm levels and the QCVN 05:2023 limit drawn as labelled lines, the CSV link of
the same window)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.core.formats.readings_json import ParsedReading
from ungpho.monitoring.models import Parameter, Reading
from ungpho.monitoring.selectors import series_buckets
from ungpho.monitoring.services import readings_ingest, station_upsert, threshold_set
from ungpho.monitoring.views.station_chart import (
    HEIGHT_PX,
    chart_geometry,
    nice_ticks,
    window_bounds,
)


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0.11, 0.93) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert nice_ticks(12, 88) == pytest.approx([0, 20, 40, 60, 80, 100])


def test_a_missing_bucket_breaks_the_band_and_a_lone_bucket_is_a_dot():
    buckets = [(0, 1.0, 2.0, 1.5), (300, 1.0, 3.0, 2.0), (900, 2.0, 2.0, 2.0)]
    geometry = chart_geometry(buckets, since_s=0, until_s=1200, bucket_s=300, lines=[])
    first, lone = geometry["runs"]
    assert len(first["mean"].split()) == 2 and first["dot"] is None
    assert lone["dot"] is not None


def test_the_lowest_line_is_always_in_view_and_a_far_one_is_listed_above():
    lines = [{"value": 0.5, "label": "1", "kind": "alarm-1"},
             {"value": 100.0, "label": "3", "kind": "alarm-3"}]
    geometry = chart_geometry([(0, 0.1, 0.12, 0.11)], since_s=0, until_s=300, bucket_s=300,
                              lines=lines)
    level_1, level_3 = geometry["lines"]
    assert level_1["y"] is not None and not level_1["above"]
    assert 0 < float(level_1["y"]) < HEIGHT_PX
    assert level_3["y"] is None and level_3["above"]
    # The line is above the data: a smaller y (SVG's y grows downwards).
    mean_y = float(geometry["runs"][0]["dot"]["cy"])
    assert float(level_1["y"]) < mean_y


def test_the_window_ends_at_the_end_of_the_bucket_in_progress():
    now = dt.datetime(2026, 12, 7, 20, 7, 30, tzinfo=dt.UTC)
    since, until = window_bounds("30d", now)
    assert until == dt.datetime(2026, 12, 7, 22, 0, tzinfo=dt.UTC)
    assert until - since == dt.timedelta(days=30)


@pytest.fixture
def air_station(db):
    """A Hà Nội ambient-air station: PM2.5 every 5 minutes for 3 days, rising by 1 µg/Nm³
    an hour from 10, one flagged 999 in the last hour, alarm levels 40/60/500."""
    station = station_upsert(code="HN-AIR-02", name="Trạm không khí Nguyễn Văn Cừ",
                             province_code="01", lat=21.05, lon=105.88, type="ambient_air")
    pm25 = Parameter.objects.get(code="PM2.5")
    threshold_set(station=station, parameter=pm25, level_1=40.0, level_2=60.0, level_3=500.0)
    end = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    end -= dt.timedelta(hours=end.hour % 2)  # the 2-hour buckets start at even UTC hours
    start = end - dt.timedelta(days=3)
    readings = [ParsedReading(i, "PM2.5", start + dt.timedelta(minutes=5 * i),
                              10.0 + i // 12, "µg/Nm³") for i in range(3 * 24 * 12)]
    readings.append(ParsedReading(len(readings), "PM2.5", end - dt.timedelta(minutes=2),
                                  999.0, "µg/Nm³", "02"))
    readings_ingest(station=station, readings=readings, via=Reading.Via.HTTP)
    return station, pm25, start, end


def test_the_database_gives_min_max_and_mean_per_bucket_without_flagged_readings(air_station):
    station, pm25, start, end = air_station
    buckets = series_buckets(station=station, parameter_id=pm25.pk, since=start, until=end,
                             bucket_s=7200)
    assert len(buckets) == 36
    first_s, low, high, mean = buckets[0]
    assert first_s == start.timestamp()
    assert (low, high, mean) == pytest.approx((10.0, 11.0, 10.5))
    assert max(high for _s, _lo, high, _m in buckets) == pytest.approx(10 + 71)


def _signed_in(client):
    user_upsert(username="tb", password="mat-khau-dai-123", role=Role.NATIONAL_DUTY)
    assert client.login(username="tb", password="mat-khau-dai-123")


@pytest.mark.django_db
def test_the_chart_draws_the_alarm_levels_and_the_qcvn_limit_as_labelled_lines(
        client, air_station):
    _signed_in(client)
    html = client.get("/stations/HN-AIR-02/?window=7d").content.decode()
    assert '<svg class="chart"' in html
    assert 'data-limit="alarm-1"' in html and 'data-limit="alarm-2"' in html
    assert "Ngưỡng cảnh báo cấp 1: 40 µg/Nm³" in html
    assert 'data-limit="qcvn"' in html and "QCVN 05:2023, trung bình 24 giờ: 45 µg/Nm³" in html
    # 500 lies far above three days between 10 and 81: listed, not drawn.
    assert 'data-limit="alarm-3"' not in html
    assert "Ngưỡng cảnh báo cấp 3: 500 µg/Nm³ — ngoài khung biểu đồ (cao hơn)" in html


@pytest.mark.django_db
def test_the_window_is_chosen_by_link_and_an_unknown_one_is_the_default(client, air_station):
    _signed_in(client)
    page = client.get("/stations/HN-AIR-02/?window=30d")
    assert page.context["chart"]["window"] == "30d"
    assert 'href="?window=24h#chart"' in page.content.decode()
    for bad in ("1y", "<b>", "9" * 40, ""):
        assert client.get("/stations/HN-AIR-02/", {"window": bad}).context["chart"][
            "window"] == "24h"
    # A NUL byte is refused before any view (ungpho.platform.http_input).
    assert client.get("/stations/HN-AIR-02/?window=%00").status_code == 400


@pytest.mark.django_db
def test_the_csv_link_exports_the_readings_of_the_window_shown(client, air_station):
    station, _pm25, _start, end = air_station
    _signed_in(client)
    page = client.get("/stations/HN-AIR-02/?window=24h")
    chart = page.context["chart"]
    [drawn] = chart["charts"]
    assert f'href="{drawn["csv"].replace("&", "&amp;")}"' in page.content.decode()
    query = parse_qs(urlsplit(drawn["csv"]).query)
    assert dt.datetime.fromisoformat(query["since"][0]) == chart["since"]
    assert dt.datetime.fromisoformat(query["until"][0]) == chart["until"]
    response = client.get(drawn["csv"])
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()
    times = [dt.datetime.fromisoformat(row.split(",")[3]) for row in rows[1:]]
    assert times and min(times) >= chart["since"] and max(times) < chart["until"]
    # Every stored reading of the window, the flagged one included (the CSV says its flag).
    assert len(times) == Reading.objects.filter(
        station=station, observed_at__gte=chart["since"], observed_at__lt=chart["until"]
    ).count()
