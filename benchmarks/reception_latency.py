"""A call submitted on the duty desk's form → its report page with the preliminary
classification shown (``POST /duty/reports/new`` then ``GET /duty/reports/<pk>/``, Django's
test client, the whole view path: checks, lookups, decay of the linked source, the rules
engine, the transaction with its audit entry and notifications, the rendering); then the
officer opens the incident and confirms the classification (``POST /duty/reports/<pk>/incident``,
``POST /incidents/<pk>/classify``), which queues the notification plan: the three steps' times
and their sum, report submitted → suggestion shown and plan queued.

    .venv/bin/python benchmarks/reception_latency.py [--repeat 30] [--postgres URL]

Each call names a lost group-2 Ir-192 source (category IV, Cấp 2). One warm-up call, then the
median and the slowest of ``--repeat``. Issue target: median ≤ 2 s. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
        from ungpho.alerts.models import Contact, Notification
        from ungpho.core.rules.loader import RULES_DIR
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
        user_upsert(username="bch-qn", password=None, email="bch@quangninh.example",
                    role=Role.PROVINCIAL_COMMAND, province_code="22")
        Contact.objects.create(party="provincial_dost", province_id="22", name="Sở KH&CN QN",
                               email="sokhcn@quangninh.example", phone="+84912000023")
        facts = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
            encoding="utf-8"))
        facts.pop("first_information_at")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(officer)
        call = {"caller_name": "Nguyễn Văn Bình", "caller_phone": "0912 345 678",
                "call_time": dt.datetime.now(dt.UTC).isoformat(),
                "incident_location": "Bãi phế liệu, Hạ Long", "province": "22",
                "incident_description": "Vật kim loại lạ có ký hiệu phóng xạ",
                "call_verified": "no", "radioactive_source": "IR-BENCH"}
        steps: dict[str, list[float]] = {"suggestion": [], "open": [], "plan": [], "total": []}
        queued = 0
        for i in range(args.repeat + 1):
            start = time.perf_counter()
            answer = client.post("/duty/reports/new", call)
            assert answer.status_code == 302, answer.status_code
            page = client.get(answer["Location"])
            shown = time.perf_counter()
            assert b"Ph\xe1\xbb\xa5 l\xe1\xbb\xa5c III" in page.content, "no suggestion shown"
            report = int(answer["Location"].rstrip("/").rsplit("/", 1)[1])
            opened = client.post(f"/duty/reports/{report}/incident")
            assert opened.status_code == 302, opened.status_code
            incident = int(opened["Location"].rstrip("/").rsplit("/", 1)[1])
            opened_at = time.perf_counter()
            classified = client.post(f"/incidents/{incident}/classify",
                                     {"mode": "json", "facts": json.dumps(facts)})
            done = time.perf_counter()
            assert classified.status_code == 302, classified.status_code
            plan = Notification.objects.filter(incident_id=incident).count()
            assert plan, "no notification queued"
            if i:
                queued += plan
                for name, value in (("suggestion", shown - start), ("open", opened_at - shown),
                                    ("plan", done - opened_at), ("total", done - start)):
                    steps[name].append(value)
        for name, label in (("suggestion", "call submitted → suggestion shown"),
                            ("open", "incident opened from the report"),
                            ("plan", "classification confirmed → plan queued"),
                            ("total", "report submitted → suggestion and plan")):
            median = statistics.median(steps[name])
            print(f"{label:<40} median {median * 1000:5.0f} ms, slowest "
                  f"{max(steps[name]) * 1000:5.0f} ms over {len(steps[name])} "
                  f"(target ≤ {TARGET_S:g} s: {median / TARGET_S:.2f} of it)")
        print(f"notifications queued per incident: {queued / args.repeat:.1f}")
    finally:
        drop()


if __name__ == "__main__":
    main()
