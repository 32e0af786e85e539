"""A call submitted on the duty desk's form → its report page with the preliminary
classification shown (``POST /duty/reports/new`` then ``GET /duty/reports/<pk>/``, Django's
test client, the whole view path: checks, lookups, decay of the linked source, the rules
engine, the transaction with its audit entry and notifications, the rendering).

    .venv/bin/python benchmarks/reception_latency.py [--repeat 30] [--postgres URL]

Each call names a lost group-2 Ir-192 source (category IV, Cấp 2). One warm-up call, then the
median and the slowest of ``--repeat``. Issue target: median ≤ 2 s. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_files import database_start  # noqa: E402 (the folder is put on the path above)

TARGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()
    drop = database_start(args.postgres)
    try:
        from django.test import Client

        from ungpho.accounts.roles import Role
        from ungpho.accounts.services import user_upsert
        from ungpho.preparedness.services import (
            facility_upsert,
            source_register,
            source_status_set,
        )

        officer = user_upsert(username="bench", password="mat-khau-dai-123",
                              email="bench@x.vn", role=Role.NATIONAL_DUTY)
        facility_upsert(code="ndt-qn", name="NDT Quảng Ninh", kind="industrial_radiography",
                        lat=20.958, lon=107.08)
        source = source_register(serial="IR-BENCH", nuclide="Ir-192", activity="1.5 TBq",
                                 reference_date=dt.date.today(), facility_code="ndt-qn")
        source_status_set(source=source, status="lost")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(officer)
        call = {"caller_name": "Nguyễn Văn Bình", "caller_phone": "0912 345 678",
                "call_time": dt.datetime.now(dt.UTC).isoformat(),
                "incident_location": "Bãi phế liệu, Hạ Long", "province": "22",
                "incident_description": "Vật kim loại lạ có ký hiệu phóng xạ",
                "call_verified": "no", "radioactive_source": "IR-BENCH"}
        times = []
        for i in range(args.repeat + 1):
            start = time.perf_counter()
            answer = client.post("/duty/reports/new", call)
            assert answer.status_code == 302, answer.status_code
            page = client.get(answer["Location"])
            elapsed = time.perf_counter() - start
            assert b"Ph\xe1\xbb\xa5 l\xe1\xbb\xa5c III" in page.content, "no suggestion shown"
            if i:
                times.append(elapsed)
        median = statistics.median(times)
        print(f"call submitted → suggestion shown: median {median * 1000:.0f} ms, slowest "
              f"{max(times) * 1000:.0f} ms over {len(times)} calls "
              f"(target ≤ {TARGET_S:g} s: {'met' if median <= TARGET_S else 'NOT met'})")
    finally:
        drop()


if __name__ == "__main__":
    main()
