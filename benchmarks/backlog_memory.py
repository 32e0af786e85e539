"""Memory of ``files_ingest`` over station-file backlogs of growing size: it must stay flat.

    .venv/bin/python benchmarks/backlog_memory.py [--sizes-mb 5,20,50] [--with-1gb]
                                                  [--stations 100] [--postgres URL]

Generates one backlog under /tmp (one file per station per 5 minutes, ten parameters each,
``yyyy/MM/dd/`` folders by local date, as ``ingest_files.py`` writes them) big enough for the
largest size, then ingests the first days of it, in a fresh process and a fresh database per
size, so that each peak is that size's own. A size is rounded to whole days of the backlog.
Prints, per size, the resident memory (RSS, from /proc/self/statm) when the ingest starts,
its maximum sampled during the ingest (every 200 files), the process's lifetime peak
(``resource.getrusage``), and, with ``--tracemalloc``, the peak of Python allocations (slow).
The last line says whether the peak grew with the backlog. Asserts nothing.

Issue target: memory stays flat while ingesting a 1 GB backlog (the door streams; it never
loads a whole folder). ``--with-1gb`` adds the 1,000 MB size (≈ 3 million files, 30 million
readings: long, and about 13 GB of disk for the small files). ``df -h /tmp`` is checked
before anything is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import (  # noqa: E402 (the folder is put on the path just above)
    INTERVAL_S,
    PARAMETERS,
    aligned_start,
    database_start,
    file_text,
    files_write,
    station_files_generate,
    stations_create,
)

_BLOCK_BYTES = 4096  # a small file takes at least one block of the file system
_SAMPLE_EVERY_FILES = 200
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_LOCAL = dt.timezone(dt.timedelta(hours=7))


def _rss_bytes() -> int:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * _PAGE_BYTES


def _day_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*/*/*") if p.is_dir())


def child(root: Path, days: int, postgres_url: str | None, trace: bool) -> None:
    """One ingest of the first ``days`` day folders; prints one JSON line."""
    drop = database_start(postgres_url)
    try:
        from django.db import connection

        from ungpho.monitoring.doors.files import files_ingest
        from ungpho.monitoring.models import Reading

        stations_create(int(os.environ["BENCH_STATIONS"]))
        folders = _day_folders(root)[:days]
        peak = [_rss_bytes(), 0, 0]  # RSS, files, bytes
        start_rss = peak[0]

        def on_file(path, size):
            peak[1] += 1
            peak[2] += size
            if peak[1] % _SAMPLE_EVERY_FILES == 0:
                peak[0] = max(peak[0], _rss_bytes())

        if trace:
            import tracemalloc

            tracemalloc.start()
        t0 = time.perf_counter()
        summary = files_ingest(folders, on_file=on_file)
        elapsed = time.perf_counter() - t0
        traced = None
        if trace:
            traced = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        peak[0] = max(peak[0], _rss_bytes())
        count = Reading.objects.count()
        cache = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                pages = cursor.execute("PRAGMA cache_size").fetchone()[0]
                size = cursor.execute("PRAGMA page_size").fetchone()[0]
            cache = -pages * 1024 if pages < 0 else pages * size
        print(json.dumps({
            "files": summary.files, "bytes": peak[2], "readings": count, "elapsed_s": elapsed,
            "rss_start": start_rss, "rss_peak_ingest": peak[0],
            "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "traced_peak": traced, "sqlite_cache": cache, "rejected": len(summary.rejected)}))
    finally:
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", default="5,20,50",
                        help="comma-separated backlog sizes in MB of file content")
    parser.add_argument("--with-1gb", action="store_true", help="add the 1,000 MB size")
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL server to create the scratch databases on")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the peak of Python allocations (slow)")
    parser.add_argument("--steps-per-file", type=int, default=1,
                        help="five-minute steps in each file: 1 as stations send (default); "
                             "12 = an hour a file, so a 1 GB backlog has ~230,000 files "
                             "instead of ~3 million")
    parser.add_argument("--child", metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("--days", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.days, args.postgres, args.tracemalloc)
        return

    sizes = sorted({float(s) for s in args.sizes_mb.split(",") if s.strip()}
                   | ({1000.0} if args.with_1gb else set()))
    sample = file_text(aligned_start(1.0), [(s, "123.4", u) for s, u, *_ in PARAMETERS])
    day_bytes = len(sample.encode()) * args.stations * (86400 // INTERVAL_S)
    days = {size: max(1, round(size * 1e6 / day_bytes)) for size in sizes}
    total_days = max(days.values())
    files_needed = total_days * args.stations * (86400 // INTERVAL_S) // args.steps_per_file
    print(subprocess.run(["df", "-h", "/tmp"], capture_output=True, text=True).stdout.strip())
    need = files_needed * _BLOCK_BYTES * 1.2
    free = shutil.disk_usage("/tmp").free
    if need > free:
        sys.exit(f"backlog needs about {need / 1e9:.1f} GB on /tmp, {free / 1e9:.1f} GB free")

    root = Path(tempfile.mkdtemp(prefix="ungpho-backlog-", dir="/tmp"))
    try:
        t0 = time.perf_counter()
        # Whole local days ending at today's local midnight: one full folder per day.
        today = dt.datetime.now(_LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
        first = (today - dt.timedelta(days=total_days)).astimezone(dt.UTC)
        files, size = files_write(root, station_files_generate(
            [f"BK-{i:04d}" for i in range(args.stations)], start=first,
            steps=total_days * 86400 // INTERVAL_S), steps_per_file=args.steps_per_file)
        print(f"backlog              {files} files, {size / 1e6:.0f} MB in {root} "
              f"({time.perf_counter() - t0:.0f} s to write)")
        print(f"{'size MB':>8} {'files':>9} {'readings':>10} {'rd/s':>8} {'RSS start':>10} "
              f"{'RSS peak':>9} {'growth':>8} {'maxrss':>8}" + (
                  f" {'traced':>8}" if args.tracemalloc else ""))
        results = []
        env = {**os.environ, "BENCH_STATIONS": str(args.stations)}
        for size in sizes:
            command = [sys.executable, __file__, "--child", str(root), "--days",
                       str(days[size])]
            if args.postgres:
                command += ["--postgres", args.postgres]
            if args.tracemalloc:
                command.append("--tracemalloc")
            out = subprocess.run(command, capture_output=True, text=True, env=env)
            if out.returncode:
                sys.exit(f"size {size:g} MB failed:\n{out.stderr[-4000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            mb_content = r["bytes"] / 1e6
            results.append(r)
            growth = r["rss_peak_ingest"] - r["rss_start"]
            print(f"{mb_content:8.0f} {r['files']:9d} {r['readings']:10d} "
                  f"{r['readings'] / r['elapsed_s']:8.0f} {r['rss_start'] / 2**20:9.1f}M "
                  f"{r['rss_peak_ingest'] / 2**20:8.1f}M {growth / 2**20:7.1f}M "
                  f"{r['maxrss'] / 2**20:7.1f}M" + (
                      f" {r['traced_peak'] / 2**20:7.1f}M" if args.tracemalloc else ""),
                  flush=True)
        if results[-1]["sqlite_cache"]:
            print(f"note                 SQLite's page cache (PRAGMA cache_size) may take up to "
                  f"{results[-1]['sqlite_cache'] / 2**20:.0f} MB of the growth")
        small, big = results[0], results[-1]
        grow_small = small["rss_peak_ingest"] - small["rss_start"]
        grow_big = big["rss_peak_ingest"] - big["rss_start"]
        ratio = big["readings"] / max(small["readings"], 1)
        flat = grow_big <= max(2 * grow_small, grow_small + 16 * 2**20)
        print(f"verdict              backlog × {ratio:.0f}: ingest growth of RSS "
              f"{grow_small / 2**20:.1f} MB → {grow_big / 2**20:.1f} MB: "
              + ("flat (does not grow with the backlog)" if flat else
                 "GROWS with the backlog"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
