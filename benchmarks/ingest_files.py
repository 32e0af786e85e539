"""Station-file ingestion end to end (parse, QC, store) against a bare executemany.

    .venv/bin/python benchmarks/ingest_files.py [--stations 100] [--hours 24]
                                                [--history-files N] [--postgres URL]
                                                [--profile] [--repeat 3]

Writes realistic station files (TT 10/2021/TT-BTNMT Phụ lục 15: one file per station per
5 minutes, ten ambient-air parameters per file, ``yyyy/MM/dd/`` folders by local date) into a
temporary folder, then, in one run against a throw-away database:

1. baseline: the same readings as rows already in memory, inserted into a fresh copy of the
   readings table (same columns, key and indexes) with one bare ``executemany`` of the
   store's statement (``INSERT OR IGNORE`` on SQLite, ``INSERT … ON CONFLICT DO NOTHING`` on
   PostgreSQL, where a bare ``COPY`` is printed too);
2. ``files_ingest`` of the folder (hash, parse, resolve, QC, store, series, file records).

Prints readings/s of both (wall clock and per CPU second of this process) and their ratio,
plus the parser alone. On SQLite both timings end with a WAL checkpoint, so what is timed
is in the database file. Targets (issue): ≥ 150,000 readings/s on SQLite and ≥ 40 % of the
baseline; ≥ 100,000 readings/s on PostgreSQL. Asserts nothing. ``--profile`` runs the ingest
under cProfile (slower) and prints the hot spots in µs per reading. The whole run is made
``--repeat`` times (3 by default), each in a fresh process, database and folder, and the
medians are printed last: on a shared or virtual machine one run proves little.

A fresh database flatters the file records: ``--history-files N`` first writes N records of
files taken in before (a 1,000-station network's earlier days, one file per station per 5
minutes, in the order they arrived), so that the index of the file key is as large as it
will be in service (2,880,000: ten days).

SQLite lives in a temporary UNGPHO_DATA_DIR; with ``--postgres URL`` a database named
``ungpho_bench_*`` is created on that server and dropped at the end. The other benchmarks of
this folder import ``database_start`` and the file generator from here.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

INTERVAL_S = 300
STATION_TYPE = "ambient_air"
#: Ten parameters of an ambient-air station as it writes them: symbol, unit, typical level,
#: relative spread, decimals (levels illustrative, units those of the national catalogue).
PARAMETERS = (
    ("PM2,5", "µg/Nm³", 40.0, 0.3, 1), ("PM10", "µg/Nm³", 64.0, 0.3, 1),
    ("NO2", "µg/Nm³", 40.0, 0.3, 1), ("SO2", "µg/Nm³", 15.0, 0.3, 1),
    ("CO", "µg/Nm³", 1500.0, 0.2, 0), ("O3", "µg/Nm³", 38.0, 0.4, 1),
    ("Temp", "°C", 27.0, 0.1, 1), ("RH", "%", 75.0, 0.1, 1),
    ("WS", "m/s", 2.5, 0.4, 1), ("WD", "°", 180.0, 0.5, 0),
)
_LOCAL = dt.timezone(dt.timedelta(hours=7))
TARGET_SQLITE_READINGS_S = 150_000
TARGET_PG_READINGS_S = 100_000
TARGET_RATIO = 0.40


def database_start(postgres_url: str | None) -> Callable[[], None]:
    """A throw-away database (SQLite in a temporary UNGPHO_DATA_DIR, or a new PostgreSQL
    database on the server of ``postgres_url``), Django set up and migrated; returns the
    function that drops it."""
    data_dir = tempfile.mkdtemp(prefix="ungpho-bench-")
    os.environ["UNGPHO_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    admin = name = None
    if postgres_url:
        import psycopg

        name = f"ungpho_bench_{uuid.uuid4().hex[:8]}"
        admin = urlunsplit(urlsplit(postgres_url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(postgres_url)._replace(
            path=f"/{name}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ungpho.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        if name is not None:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)

    return drop


def stations_create(count: int, *, prefix: str = "BK") -> list:
    """``count`` ambient-air stations ``BK-0000``… spread over the provinces."""
    from ungpho.geo.models import Province
    from ungpho.monitoring.models import Station

    provinces = list(Province.objects.values_list("code", flat=True)) or ["01"]
    Station.objects.bulk_create([
        Station(code=f"{prefix}-{i:04d}", name=f"Trạm đo chuẩn {prefix}-{i:04d}",
                type=STATION_TYPE, province_id=provinces[i % len(provinces)],
                lat=10.0 + (i % 100) * 0.12, lon=103.0 + (i // 100) * 0.3)
        for i in range(count)], batch_size=500)
    return list(Station.objects.filter(code__startswith=f"{prefix}-").order_by("code"))


def parameter_ids() -> dict[str, int]:
    """Symbol as written → parameter id, through the national catalogue."""
    from ungpho.core.monitoring.catalogue import catalogue
    from ungpho.monitoring.models import Parameter

    ids = dict(Parameter.objects.values_list("code", "pk"))
    return {symbol: ids[catalogue().find(symbol, STATION_TYPE).code]
            for symbol, *_ in PARAMETERS}


def aligned_start(hours: float) -> dt.datetime:
    """The 5-minute tick ``hours`` before the last one (recent data: QC flags nothing as
    too old or future)."""
    now_s = int(time.time()) // INTERVAL_S * INTERVAL_S
    return dt.datetime.fromtimestamp(now_s - int(hours * 3600), dt.UTC)


def station_files_generate(codes: list[str], *, start: dt.datetime, steps: int, seed: int = 1
                           ) -> Iterator[tuple[str, dt.datetime, list[tuple[str, str, str]]]]:
    """(station code, observed_at, [(symbol, value text, unit)]) for each station and each
    5-minute step from ``start``, station by station; values follow a bounded random walk."""
    rng = random.Random(seed)
    for code in codes:
        level = [rng.uniform(0.7, 1.3) for _ in PARAMETERS]
        for step in range(steps):
            observed_at = start + dt.timedelta(seconds=step * INTERVAL_S)
            lines = []
            for k, (symbol, unit, mean, spread, decimals) in enumerate(PARAMETERS):
                level[k] = min(2.0, max(0.3, level[k] + rng.gauss(0.0, 0.03)))
                value = mean * level[k] * (1.0 + rng.gauss(0.0, spread * 0.1))
                lines.append((symbol, f"{max(value, 0.0):.{decimals}f}", unit))
            yield code, observed_at, lines


def file_text(observed_at: dt.datetime, lines: list[tuple[str, str, str]]) -> str:
    stamp = observed_at.astimezone(_LOCAL).strftime("%Y%m%d%H%M%S")
    return "".join(f"{symbol}\t{value}\t{unit}\t{stamp}\t00\n" for symbol, value, unit in lines)


def file_path(folder: Path, code: str, observed_at: dt.datetime) -> Path:
    local = observed_at.astimezone(_LOCAL)
    return (folder / local.strftime("%Y/%m/%d")
            / f"HN_BENCH_{code}_{local.strftime('%Y%m%d%H%M%S')}.txt")


def files_write(folder: Path, generated, *, collect: Callable | None = None,
                steps_per_file: int = 1) -> tuple[int, int]:
    """Write the generated files, ``steps_per_file`` five-minute steps of one station in
    each (1: one file per reading time, as stations send; more: a backlog or an export);
    returns (files, bytes). ``collect(code, observed_at, lines)`` sees each step's content
    (the baseline keeps it as rows)."""
    files = size = 0
    made: set[Path] = set()
    pending: list[str] = []
    first: tuple[str, dt.datetime] | None = None

    def flush() -> None:
        nonlocal files, size
        path = file_path(folder, *first)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = "".join(pending).encode()
        path.write_bytes(data)
        files += 1
        size += len(data)
        pending.clear()

    for code, observed_at, lines in generated:
        if first is not None and (first[0] != code or len(pending) == steps_per_file):
            flush()
        if not pending:
            first = (code, observed_at)
        pending.append(file_text(observed_at, lines))
        if collect is not None:
            collect(code, observed_at, lines)
    if pending:
        flush()
    return files, size


HISTORY_STATIONS = 1000


def history_files_insert(count: int, *, before: dt.datetime) -> float:
    """Records of ``count`` files taken in before ``before``, as the file door writes them,
    oldest first, every station's file of a 5-minute tick together; returns the seconds."""
    from django.db import connection, transaction

    from ungpho.monitoring.doors.file_records import DONE, FileRecord, records_insert
    from ungpho.monitoring.models import IngestFile

    ticks = -(-count // HISTORY_STATIONS)
    t0 = time.perf_counter()
    batch: list = []
    for n in range(count):
        tick, station = divmod(n, HISTORY_STATIONS)
        at = before - dt.timedelta(seconds=(ticks - tick) * INTERVAL_S)
        path = file_path(Path("/srv/ftp"), f"BK-{station:04d}", at)
        record = FileRecord(hashlib.sha256(path.name.encode() + b"\0").hexdigest(), path.name,
                            str(path), 330, at, status=DONE, stored=len(PARAMETERS),
                            finished_at=at)
        batch.append(record)
        if len(batch) == 20_000 or n == count - 1:
            with transaction.atomic():
                records_insert(batch)
            batch = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the timed run starts from an empty WAL
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # the statistics autovacuum would have gathered in the meantime
            cursor.execute(f"ANALYZE {IngestFile._meta.db_table}")
    return time.perf_counter() - t0


def _baseline_sqlite(rows: list[tuple]) -> float:
    """Seconds for one executemany of ``rows`` into a fresh copy of the readings table."""
    from django.db import connection

    from ungpho.monitoring.models import Reading
    from ungpho.monitoring.store import READING_COLUMNS

    table = Reading._meta.db_table
    copy = "bench_reading_copy"
    with connection.cursor() as cursor:
        raw = cursor.connection
        for (sql,) in raw.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql "
                                  "IS NOT NULL ORDER BY type DESC", [table]).fetchall():
            raw.execute(sql.replace(f'"{table}"', f'"{copy}"')
                        .replace('CREATE INDEX "', f'CREATE INDEX "{copy}_')
                        .replace('CREATE UNIQUE INDEX "', f'CREATE UNIQUE INDEX "{copy}_'))
        sql = (f"INSERT OR IGNORE INTO {copy} ({', '.join(READING_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(READING_COLUMNS))})")
        raw.commit()
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany(sql, rows)
        raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # timed until in the database file
        elapsed = time.perf_counter() - t0
        raw.execute(f"DROP TABLE {copy}")
        raw.commit()
    return elapsed


def _baseline_pg(rows: list[tuple]) -> tuple[float, float]:
    """Seconds for one executemany, and for one COPY, of ``rows`` into fresh copies of the
    readings table (columns, key and indexes as the real one)."""
    from django.db import connection

    from ungpho.monitoring.models import Reading
    from ungpho.monitoring.store import READING_COLUMNS

    table = Reading._meta.db_table
    columns = ", ".join(READING_COLUMNS)
    connection.ensure_connection()
    raw = connection.connection
    times = []
    for how in ("executemany", "copy"):
        copy = f"bench_reading_{how}"
        with raw.cursor() as cursor:  # no foreign keys, as the real one (models.Reading)
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        raw.commit()
        t0 = time.perf_counter()
        with raw.cursor() as cursor:
            if how == "executemany":
                cursor.executemany(
                    f"INSERT INTO {copy} ({columns}) VALUES "
                    f"({', '.join(['%s'] * len(READING_COLUMNS))}) ON CONFLICT "
                    "(station_id, parameter_id, observed_at) DO NOTHING", rows)
            else:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(str, row)) + "\n" for row in rows)
                with cursor.copy(f"COPY {copy} ({columns}) FROM STDIN") as stream:
                    stream.write(buffer.getvalue())
        raw.commit()
        times.append(time.perf_counter() - t0)
        with raw.cursor() as cursor:
            cursor.execute(f"DROP TABLE {copy}")
        raw.commit()
    return times[0], times[1]


def _server_cpu_s() -> float | None:
    """CPU seconds the PostgreSQL backend of this connection has used, when the server runs
    on this machine (its process readable in /proc); None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _parse_only(folder: Path) -> tuple[int, float]:
    from ungpho.core.formats.station_file import read_station_file
    from ungpho.monitoring.doors.files import station_files

    lines = 0
    t0 = time.perf_counter()
    for path in station_files([folder]):
        with open(path, "rb") as stream:
            for _ in read_station_file(stream):
                lines += 1
    return lines, time.perf_counter() - t0


def _profile_print(profile: cProfile.Profile, readings: int, top: int) -> None:
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    print(f"\nhot spots under cProfile (own time, µs per reading over {readings} readings):")
    print(f"  {'own µs/rd':>9} {'cum µs/rd':>9} {'calls':>9}  function")
    for (filename, line, name), (_cc, calls, own_s, cum_s, _callers) in rows:
        where = filename.split("/src/")[-1].split("/site-packages/")[-1]
        print(f"  {own_s / readings * 1e6:9.2f} {cum_s / readings * 1e6:9.2f} {calls:9d}  "
              f"{name} ({where}:{line})")
    print("\nby cumulative time (µs per reading):")
    for (filename, line, name), (_cc, calls, _own_s, cum_s, _callers) in sorted(
            stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)[:top]:
        where = filename.split("/src/")[-1].split("/site-packages/")[-1]
        print(f"  {cum_s / readings * 1e6:9.2f} {calls:9d}  {name} ({where}:{line})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--hours", type=float, default=24.0,
                        help="history per station; one file per station per 5 minutes")
    parser.add_argument("--steps-per-file", type=int, default=1,
                        help="five-minute steps in each file: 1 as stations send (default), "
                             "more for a backlog or an export (e.g. 288 = a day per file)")
    parser.add_argument("--history-files", type=int, default=0, metavar="N",
                        help="records of files taken in before, written first (e.g. 2880000:"
                             " ten days of a 1,000-station network)")
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL server to create the scratch database on, e.g. "
                             "postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--profile", action="store_true",
                        help="run the ingest under cProfile and print hot spots")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile to print")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs, each in a fresh process, database and folder; the "
                             "medians are printed last (default 3; 1 with --profile)")
    parser.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat > 1 and not args.profile:
        _repeat(args.repeat)
        return

    drop = database_start(args.postgres)
    folder = Path(tempfile.mkdtemp(prefix="ungpho-bench-files-"))
    try:
        _run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        drop()


def _run(args, folder: Path) -> None:
    from django.db import connection

    from ungpho.monitoring.doors.files import files_ingest
    from ungpho.monitoring.models import Reading, Series
    from ungpho.monitoring.store import pg_time, sqlite_time

    stations = stations_create(args.stations)
    station_ids = {s.code: s.pk for s in stations}
    pids = parameter_ids()
    postgres = connection.vendor == "postgresql"
    as_text = pg_time if postgres else sqlite_time  # the texts the store writes
    received = as_text(dt.datetime.now(dt.UTC))
    rows: list[tuple] = []

    def collect(code, observed_at, lines):
        sid, at = station_ids[code], as_text(observed_at)
        rows.extend((sid, pids[symbol], at, float(value), 0, received, "file")
                    for symbol, value, _unit in lines)

    steps = int(args.hours * 3600 // INTERVAL_S)
    start = aligned_start(args.hours)
    history_s = history_files_insert(args.history_files, before=start) \
        if args.history_files else None
    t0 = time.perf_counter()
    files, size = files_write(folder, station_files_generate(
        [s.code for s in stations], start=start, steps=steps),
        collect=collect, steps_per_file=args.steps_per_file)
    written_s = time.perf_counter() - t0
    os.sync()  # the files on disk before anything is timed: no writeback under the runs
    readings = len(rows)

    if postgres:
        many_s, copy_s = _baseline_pg(rows)
    else:
        many_s, copy_s = _baseline_sqlite(rows), None
    rows.clear()  # the baseline's copy; the ingest reads the files
    parsed, parse_s = _parse_only(folder)

    profile = cProfile.Profile() if args.profile else None
    server0 = _server_cpu_s()
    cpu0, t0 = time.process_time(), time.perf_counter()
    if profile is not None:
        profile.enable()
    summary = files_ingest([folder])
    if not postgres:  # as the baseline: a larger WAL must not hide its checkpoints
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if profile is not None:
        profile.disable()
    ingest_s, ingest_cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    server_s = _server_cpu_s() - server0 if server0 is not None else None

    stored = Reading.objects.count()
    target = TARGET_PG_READINGS_S if postgres else TARGET_SQLITE_READINGS_S
    rate, base_rate = readings / ingest_s, readings / many_s
    label = "files_ingest (cProfile)" if profile is not None else "files_ingest"
    print(f"database             {connection.vendor}")
    # The interpreter's build matters as much as the code: see benchmarks/README.md.
    print(f"python               {platform.python_version()} "
          f"({os.path.realpath(sys.executable)})")
    print(f"files                {files} files, {size / 1e6:.1f} MB, {readings} readings "
          f"({args.stations} stations × {steps} × {len(PARAMETERS)}); written in "
          f"{written_s:.1f} s")
    if history_s is not None:
        print(f"history              {args.history_files:,} earlier file records (written in "
              f"{history_s:.1f} s)")
    print(f"parser alone         {parsed / parse_s:,.0f} lines/s")
    print(f"baseline executemany {base_rate:,.0f} readings/s ({many_s:.2f} s)")
    if copy_s is not None:
        print(f"baseline COPY        {readings / copy_s:,.0f} readings/s ({copy_s:.2f} s)")
    print(f"{label:<20} {rate:,.0f} readings/s ({ingest_s:.2f} s wall; "
          f"{readings / ingest_cpu_s:,.0f} per CPU second of this process)")
    if server_s is not None:
        print(f"server backend       {server_s:.2f} CPU s during the ingest "
              f"({readings / server_s:,.0f} readings per server CPU second)")
    print(f"stored               {stored} readings, {Series.objects.count()} series, "
          f"{summary.duplicates} duplicates, {len(summary.rejected)} rejected")
    print(f"ratio to executemany {rate / base_rate:.1%} (target ≥ {TARGET_RATIO:.0%})")
    if copy_s is not None:
        print(f"ratio to COPY        {rate * copy_s / readings:.1%}")
    print(f"× target             {rate / target:.2f} (target ≥ {target:,} readings/s)")
    if profile is not None:
        _profile_print(profile, readings, args.top)
    if args.figures:
        print("FIGURES " + json.dumps({"database": connection.vendor, "ingest": rate,
                                       "executemany": base_rate,
                                       "copy": readings / copy_s if copy_s else None}))


def _repeat(runs: int) -> None:
    """The benchmark ``runs`` times, each in its own process (fresh database, files and
    caches): this machine's noise shows in the spread, and the medians are the figures."""
    argv, rest = [], iter(sys.argv[1:])
    for arg in rest:
        if arg == "--repeat":
            next(rest, None)  # and its value
        elif not arg.startswith("--repeat="):
            argv.append(arg)
    figures = []
    for run in range(1, runs + 1):
        out = subprocess.run([sys.executable, __file__, *argv, "--repeat", "1", "--figures"],
                             check=True, capture_output=True, text=True).stdout
        text, _, line = out.rstrip().rpartition("FIGURES ")
        figures.append(json.loads(line))
        print(f"── run {run} of {runs}\n{text.rstrip()}", flush=True)
    ingest, many = (statistics.median(f[k] for f in figures) for k in ("ingest", "executemany"))
    ratio = statistics.median(f["ingest"] / f["executemany"] for f in figures)
    postgres = figures[0]["database"] == "postgresql"
    target = TARGET_PG_READINGS_S if postgres else TARGET_SQLITE_READINGS_S
    print(f"── median of {runs} runs")
    rates = ", ".join(f"{f['ingest']:,.0f}" for f in figures)
    ratios = ", ".join(f"{f['ingest'] / f['executemany']:.1%}" for f in figures)
    print(f"files_ingest         {ingest:,.0f} readings/s (runs: {rates})")
    print(f"baseline executemany {many:,.0f} readings/s")
    if postgres:
        print(f"baseline COPY        {statistics.median(f['copy'] for f in figures):,.0f} "
              "readings/s")
    print(f"ratio to executemany {ratio:.1%} (target ≥ {TARGET_RATIO:.0%}; runs: {ratios})")
    print(f"× target             {ingest / target:.2f} (target ≥ {target:,} readings/s)")


if __name__ == "__main__":
    sys.exit(main())
