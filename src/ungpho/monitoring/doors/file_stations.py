"""Which station sent a file, by the file's name (the station-file convention of
``core.formats.station_file``: ``<Province>_<Facility>_<Station>_yyyyMMddHHmmss.txt``): the
registry read once per run, and the name stems already resolved."""

from __future__ import annotations

from ungpho.core.formats.station_file import local_stamp_to_utc, parse_file_name
from ungpho.monitoring.models import Station
from ungpho.monitoring.pipeline import Rejected

ERR_NO_STATION = ("no station sends files as {prefix!r}: register its file prefix or a "
                  "station with code {code!r}")


class Stations:
    """The registry read in one query: a backlog or a drop-folder pass names most stations,
    and a query per station costs more than reading them all."""

    def __init__(self):
        stations = list(Station.objects.all())
        self.by_prefix = {s.file_prefix: s for s in stations if s.file_prefix is not None}
        self.by_code = {s.code.lower(): s for s in stations}
        self.by_stem: dict[str, Station] = {}  # file-name stems seen (file_station)

    def find(self, province: str, facility: str, station: str) -> Station | None:
        return self.by_prefix.get(f"{province}_{facility}_{station}") or self.by_code.get(
            station.lower())


#: ``_yyyyMMddHHmmss.txt``, the end of a station file's name after its stem.
NAME_END = len("yyyyMMddHHmmss.txt")


def file_station(base: str, stations: Stations) -> tuple[Station | None, Rejected | None]:
    # A stem (``<Province>_<Facility>_<Station>_``) parsed once before stands for the same
    # station: only the time and extension of the name are new (see parse_file_name).
    stem, end = base[:-NAME_END], base[-NAME_END:]
    station = stations.by_stem.get(stem)
    if station is not None and end[-4:].lower() == ".txt":
        try:
            local_stamp_to_utc(end[:-4])
            return station, None
        except ValueError:
            pass  # the full parse names the fault
    try:
        name = parse_file_name(base)
    except ValueError as error:
        return None, Rejected(0, "file name", str(error), base)
    station = stations.find(name.province, name.facility, name.station)
    if station is None:
        prefix = f"{name.province}_{name.facility}_{name.station}"
        return None, Rejected(0, "file name", ERR_NO_STATION.format(
            prefix=prefix, code=name.station), base)
    if stem == f"{name.province}_{name.facility}_{name.station}_":
        stations.by_stem[stem] = station
    return station, None
