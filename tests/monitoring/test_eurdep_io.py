"""The EURDEP door: EURDEP files in through the pipeline, our gamma dose rates out as EURDEP."""

import datetime as dt
import io
import json
import os

import pytest

from tests.conftest import REPO, ungpho
from ungpho.core.formats.eurdep import parse_eurdep
from ungpho.monitoring.doors.eurdep_io import eurdep_export, eurdep_import
from ungpho.monitoring.models import Parameter, Reading, RejectedLine, Station
from ungpho.monitoring.pipeline import Ingestor, RawItem
from ungpho.monitoring.services import station_upsert

# Recent enough that quality control does not flag the values TOO_OLD.
HOUR = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=6)


def _t(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def _message(*records: str, localities: tuple[str, ...] = ("HN-GAMMA-01",)) -> list[str]:
    return [
        "\\BEGIN_EURDEP;", "\\BEGIN_HEADER;", "\\IMPORTANCE NORMAL;", "\\ORIGINATOR test;",
        f"\\SENT {_t(HOUR)};", "\\FORMAT_VERSION 2.1;", "\\MESSAGE_ID T1;", "\\END_HEADER;",
        "\\BEGIN_LOCALITY;", "\\FIELD_LIST LOCALITY_CODE,LOCALITY_NAME,LATITUDE,LONGITUDE;",
        *(f"\\{code},Somewhere,N21.03,E105.85;" for code in localities),
        "\\END_LOCALITY;", "\\BEGIN_RADIOLOGICAL;",
        "\\FIELD_LIST LOCALITY_CODE,BEGIN,END,NUCLIDE,VALUE,UNIT;",
        *records, "\\END_RADIOLOGICAL;", "\\END_EURDEP;"]


def _record(code: str, end: dt.datetime, value: str, unit: str = "NSV/H",
            nuclide: str = "T-GAMMA") -> str:
    return f"\\{code},{_t(end - dt.timedelta(hours=1))},{_t(end)},{nuclide},{value},{unit};"


@pytest.fixture
def stations(db):
    hanoi = station_upsert(code="HN-GAMMA-01", name="Trạm phóng xạ Hà Nội; \"cũ\"",
                           province_code="01", lat=21.03, lon=105.85, type="radiation",
                           reporting_interval_s=600)
    hue = station_upsert(code="HUE-GAMMA-01", name="Trạm phóng xạ Huế", province_code="46",
                         lat=16.46, lon=107.59, type="radiation")
    air = station_upsert(code="HN-KK-01", name="Trạm không khí", province_code="01",
                         lat=21.03, lon=105.85, type="ambient_air")
    return hanoi, hue, air


@pytest.mark.django_db
def test_import_stores_values_in_usv_h_at_end_once(stations):
    lines = _message(_record("HN-GAMMA-01", HOUR, "95"),
                     _record("HN-GAMMA-01", HOUR + dt.timedelta(hours=1), "0.11", "USV/H"))
    first = eurdep_import(lines, source="a.EUR")
    again = eurdep_import(lines, source="a.EUR")
    assert (first["stored"], first["duplicates"], first["rejected"]) == (2, 0, [])
    assert (again["stored"], again["duplicates"]) == (0, 2)
    readings = list(Reading.objects.order_by("observed_at").values_list(
        "station__code", "parameter__code", "observed_at", "value", "via", "flags"))
    assert readings == [("HN-GAMMA-01", "GammaDR", HOUR, pytest.approx(0.095, abs=1e-12),
                         "eurdep", 0),
                        ("HN-GAMMA-01", "GammaDR", HOUR + dt.timedelta(hours=1),
                         pytest.approx(0.11, abs=1e-12), "eurdep", 0)]


@pytest.mark.django_db
def test_a_locality_matches_ignoring_case_or_without_the_vn_prefix(stations):
    summary = eurdep_import(_message(
        _record("hue-gamma-01", HOUR, "80"), _record("VNHN-GAMMA-01", HOUR, "90"),
        localities=("hue-gamma-01", "VNHN-GAMMA-01")), source="b.EUR")
    assert summary["stored"] == 2 and summary["unknown_localities"] == []
    assert sorted(Reading.objects.values_list("station__code", "value")) == [
        ("HN-GAMMA-01", pytest.approx(0.09)), ("HUE-GAMMA-01", pytest.approx(0.08))]


@pytest.mark.django_db
def test_an_unknown_locality_is_reported_and_kept_while_the_rest_is_stored(stations):
    lines = _message(_record("DE0001", HOUR, "70"), _record("HN-GAMMA-01", HOUR, "90"),
                     _record("HN-KK-01", HOUR, "60"),
                     localities=("DE0001", "HN-GAMMA-01", "HN-KK-01"))
    summary = eurdep_import(lines, source="c.EUR")
    assert summary["stored"] == 1
    assert summary["unknown_localities"] == ["DE0001", "HN-KK-01"]
    assert [(r["line"], r["field"]) for r in summary["rejected"]] == [
        (17, "LOCALITY_CODE"), (19, "LOCALITY_CODE")]
    assert "'DE0001'" in summary["rejected"][0]["reason"]
    kept = RejectedLine.objects.get(line_no=17)
    assert (kept.station, kept.via, kept.source, kept.field) == (
        None, "eurdep", "c.EUR", "LOCALITY_CODE")
    assert kept.text == lines[16] and "DE0001" in kept.reason


@pytest.mark.django_db
def test_bad_lines_and_other_nuclides_are_kept_as_rejected_lines(stations):
    lines = _message(_record("HN-GAMMA-01", HOUR, "cao"),
                     _record("HN-GAMMA-01", HOUR, "90", nuclide="CS-137"),
                     _record("HN-GAMMA-01", HOUR, "5", unit="NGY/H"),
                     _record("HN-GAMMA-01", HOUR + dt.timedelta(hours=1), "100"))
    summary = eurdep_import(lines, source="d.EUR")
    assert summary["stored"] == 1
    assert [(r["line"], r["field"]) for r in summary["rejected"]] == [
        (15, "VALUE"), (16, "NUCLIDE"), (17, "UNIT")]
    assert list(RejectedLine.objects.order_by("line_no").values_list("line_no", "via")) == [
        (15, "eurdep"), (16, "eurdep"), (17, "eurdep")]


def _store(station: Station, moment: dt.datetime, value_usv_h: float, status: str = "00"):
    ingestor = Ingestor()
    ingestor.add(station=station, items=[RawItem(1, "GammaDR", value_usv_h, "µSv/h", moment,
                                                 status)], via=Reading.Via.FILE)
    ingestor.flush()


def _values(text: str) -> list[tuple]:
    localities, values, rejections = parse_eurdep(text.splitlines())
    assert rejections == []
    return [(v.locality_code, v.begin, v.end, v.value_usv_h) for v in values]


@pytest.mark.django_db
def test_export_then_parse_gives_the_valid_radiation_values_back(stations):
    hanoi, hue, air = stations
    _store(hanoi, HOUR, 0.123)
    _store(hanoi, HOUR + dt.timedelta(minutes=10), 0.5, status="02")  # device error
    _store(hue, HOUR + dt.timedelta(minutes=5), 0.0871)
    _store(hue, HOUR + dt.timedelta(hours=2), 0.2)  # at ``until``: outside the window
    Reading.objects.create(station=air, parameter=Parameter.objects.get(code="GammaDR"),
                           observed_at=HOUR, value=0.3, received_at=HOUR, via="http")
    out = io.StringIO()
    count = eurdep_export(since=HOUR, until=HOUR + dt.timedelta(hours=2), stream=out)
    assert count == 2
    assert _values(out.getvalue()) == [
        ("HN-GAMMA-01", HOUR - dt.timedelta(minutes=10), HOUR, pytest.approx(0.123)),
        ("HUE-GAMMA-01", HOUR, HOUR + dt.timedelta(minutes=5), pytest.approx(0.0871))]
    localities = parse_eurdep(out.getvalue().splitlines())[0]
    assert set(localities) == {"HN-GAMMA-01", "HUE-GAMMA-01"}
    assert localities["HN-GAMMA-01"].name == "Trạm phóng xạ Hà Nội   cũ"
    assert eurdep_import(out.getvalue().splitlines(), source="back")["duplicates"] == 2


@pytest.mark.django_db
def test_export_of_an_unknown_station_names_the_field(stations):
    with pytest.raises(ValueError, match=r"station: no radiation station 'HN-KK-01'"):
        eurdep_export(since=HOUR, until=HOUR + dt.timedelta(hours=1),
                      station_codes=["HN-KK-01"], stream=io.StringIO())


def _get(client, **query):
    return client.get("/api/v1/monitoring/eurdep", query)


@pytest.mark.django_db
def test_the_api_returns_eurdep_to_a_signed_in_user_within_scope(client, stations,
                                                                 duty_officer):
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    hanoi, hue, _ = stations
    _store(hanoi, HOUR, 0.123)
    _store(hue, HOUR, 0.09)
    window = {"since": HOUR.isoformat(), "until": (HOUR + dt.timedelta(hours=1)).isoformat()}
    assert _get(client, **window).status_code == 401
    client.force_login(duty_officer)
    response = _get(client, **window, station="HN-GAMMA-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = b"".join(response.streaming_content).decode()
    assert [v[0] for v in _values(body)] == ["HN-GAMMA-01"]
    hue_command = user_upsert(username="bch.hue", password="mat-khau-dai-123",
                              email="hue@x.vn", role=Role.PROVINCIAL_COMMAND,
                              province_code="46")
    client.force_login(hue_command)
    everything = b"".join(_get(client, **window).streaming_content).decode()
    assert [v[0] for v in _values(everything)] == ["HUE-GAMMA-01"]
    assert _get(client, **window, station="HN-GAMMA-01").status_code == 404


@pytest.fixture
def env(tmp_path):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "MQTT_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}}
    env = {**base, "UNGPHO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO / "src")}
    ungpho("migrate", env=env)
    ungpho("demo", env=env)
    return env


def test_eurdep_import_and_export_commands(env, tmp_path):
    end = HOUR - dt.timedelta(days=1)  # before the demo's 24 hours of readings
    source = tmp_path / "in.EUR"
    source.write_text("\n".join(_message(_record("QN-GAMMA-01", end, "101"),
                                          _record("XX9", end, "50"),
                                          localities=("QN-GAMMA-01", "XX9"))), encoding="utf-8")
    result = ungpho("eurdep", "import", str(source), "--json", env=env, check=False)
    assert result.returncode == 3  # a value rejected, the rest stored
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["unknown_localities"]) == (1, ["XX9"])
    assert summary["rejected"][0]["file"] == str(source)
    text = ungpho("eurdep", "import", str(source), env=env, check=False).stdout
    assert "trùng / duplicates: 1" in text and "XX9" in text
    out = tmp_path / "out.EUR"
    ungpho("eurdep", "export", "--station", "QN-GAMMA-01", "--since",
           (end - dt.timedelta(seconds=1)).isoformat(), "--until",
           (end + dt.timedelta(seconds=1)).isoformat(), "--output", str(out), env=env)
    assert [(v[0], v[3]) for v in _values(out.read_text(encoding="utf-8"))] == [
        ("QN-GAMMA-01", pytest.approx(0.101))]
    bad = ungpho("eurdep", "export", "--station", "NOPE", "--output", str(tmp_path / "x"),
                 env=env, check=False)
    assert bad.returncode != 0 and "station: no radiation station 'NOPE'" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "x").exists()
