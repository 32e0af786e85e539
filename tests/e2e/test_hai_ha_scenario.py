"""Issue 21, "done when": the Hải Hà scenario in a real browser against a running ungpho (web
server and worker as separate processes) and a real SMTP server.

The Hải Hà gamma station (Quảng Ninh) pushes readings over HTTP that confirm alarm level 1: the
report appears on the duty desk with the 15-minute classification countdown of TT 12/2023
Phụ lục VI, running from its first information. Nobody opens it. Time passes for the worker (a
worker pass run at the times the escalation plan fires, as the running worker would) and for
the officer's browser (Playwright's clock): the report turns red, the escalation e-mails reach
the SMTP server. Readings climb to level 2: the report shows it and the people on duty are told
once, not again for a further reading in the same band. The officer opens an incident from the
report (its classification deadline keeps the report's start), classifies it and sees the
notifications. Screenshots of the desk, the incident page (1280 and 390 px wide), the map and
the public page are kept in ``UNGPHO_TEST_ARTEFACTS`` (default ``var/test-artefacts/``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PASSWORD = "mat-khau-dai-123"
STATION = "QN-GAMMA-01"

SETUP = """
import json
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Contact
from ungpho.cli.demo.load import LEVELS_USV_H, STATIONS, _province
from ungpho.monitoring import services as m
from ungpho.monitoring.models import Parameter
code, name, owner, ministry, lat, lon, background = next(s for s in STATIONS if s[0] == {station!r})
qn = _province(lat, lon)
station = m.station_upsert(code=code, name=name, owner=owner, ministry=ministry, lat=lat, lon=lon,
                           province_code=qn, type="radiation", background_usv_h=background)
low, high, cordon = LEVELS_USV_H
m.threshold_set(station=station, parameter=Parameter.objects.get(code="GammaDR"), level_1=low,
                level_2=high, level_3=cordon)
for username, full_name, role, province in [
        ("trucban", "Nguyễn Văn An", Role.NATIONAL_DUTY, None),
        ("bch.quangninh", "Ban chỉ huy tỉnh Quảng Ninh", Role.PROVINCIAL_COMMAND, qn),
        ("quantri", "Quản trị hệ thống", Role.ADMINISTRATOR, None)]:
    user_upsert(username=username, password={password!r}, role=role, full_name=full_name,
                email=f"{{username}}@ungpho.example", province_code=province)
Contact.objects.create(party="provincial_command_board", province_id=qn,
                       name="Ban chỉ huy ứng phó sự cố tỉnh Quảng Ninh",
                       email="bch@quangninh.example")
print(json.dumps({{"token": m.station_token_issue(station=station), "province": qn}}))
"""

#: A worker pass as the running worker would make it ``minutes`` after the report's
#: classification deadline (negative: before it).
WORKER_LATER = """
import datetime as dt, json, sys
import django; django.setup()
import time_machine
from ungpho.incidents.models import ReportDeadline
from ungpho.worker import worker_tick
clock = ReportDeadline.objects.get(report__station__code={station!r}, report__status="open")
with time_machine.travel(clock.due_at + dt.timedelta(minutes={minutes}), tick=True):
    print(json.dumps(worker_tick(worker="e2e-later")))
"""

QUERY = """
import json
import django; django.setup()
from ungpho.alerts.models import Notification
from ungpho.incidents.models import IncidentLogEntry, IncidentReport
report = IncidentReport.objects.select_related("deadline").get(station__code={station!r})
clock = report.deadline
print(json.dumps({{
    "code": report.code, "first": report.first_information_at.isoformat(),
    "due": clock.due_at.isoformat(), "status": clock.status, "steps": clock.next_step,
    "level": report.decision["level"], "incident": report.incident_id,
    "incident_first": report.incident.first_information_at.isoformat()
                      if report.incident_id else None,
    "incident_log": [e.text for e in report.incident.log.all()] if report.incident_id else [],
    "unreachable": [p for e in IncidentLogEntry.objects.filter(
        incident_id=report.incident_id, kind="notification", data__has_key="unreachable")
        for p in e.data["unreachable"]],
    "told": sorted({{n.recipient for n in Notification.objects.filter(
        incident_id=report.incident_id).exclude(party="")}}),
    "level_messages": sorted(Notification.objects.filter(
        dedupe_key__startswith=f"report:{{report.pk}}:level:").values_list("dedupe_key",
                                                                        flat=True)),
}}))
"""

#: What the officer knows when classifying: gamma dose rate ~12 times the background, origin
#: unknown, nothing released that anyone knows of (TT 12/2023 Phụ lục I: category IV;
#: information not yet clear: level 2).
FACTS = {
    "hazard": {"activity": "orphan_source"},
    "event": {"information_clear": False, "source_out_of_control": True,
              "dose_rate": "1.5 µSv/h", "release": False, "contamination": "none",
              "deterministic_effects": "not_possible", "origin": "this_province"},
    "scope": {"at_facility": False, "effects_beyond_site": True, "provinces_affected": 1,
              "ministries_involved": 1, "transboundary": False},
}


def _python(env: dict, code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, env={**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _push(base: str, token: str, *readings: tuple[dt.datetime, float]) -> dict:
    body = {"station": STATION, "readings": [
        {"parameter": "GammaDR", "time": at.isoformat(timespec="seconds"), "value": value}
        for at, value in readings]}
    request = urllib.request.Request(f"{base}/api/v1/readings", data=json.dumps(body).encode(),
                                     method="POST", headers={
                                         "Authorization": f"Bearer {token}",
                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _subjects(smtp, needle: str) -> list[tuple[str, str]]:
    subjects = [(m["To"], " ".join(str(m["Subject"]).split())) for m in smtp.messages]
    return sorted((to, subject) for to, subject in subjects if needle in subject)


@pytest.fixture
def artefacts() -> Path:
    folder = Path(os.environ.get("UNGPHO_TEST_ARTEFACTS") or REPO / "var" / "test-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_hai_ha_report_counts_down_turns_red_escalates_rises_and_is_classified(
        processes, ungpho_env, smtp_server, browser, artefacts):
    from playwright.sync_api import expect

    ungpho_env.update({"EMAIL_URL": smtp_server.url})
    setup = _python(ungpho_env, SETUP.format(station=STATION, password=PASSWORD))
    base = processes.web()
    processes.start("worker")

    # 1. The station's readings climb over level 1 (0.5 µSv/h): the report opens.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    minutes = [now - dt.timedelta(minutes=m) for m in range(12, -1, -1)]
    opened = _push(base, setup["token"], (minutes[0], 0.12), (minutes[1], 0.13),
                   (minutes[5], 0.61), (minutes[6], 0.84))
    assert len(opened["incidents_opened"]) == 1
    state = _python(ungpho_env, QUERY.format(station=STATION))
    due = dt.datetime.fromisoformat(state["due"])
    assert due - dt.datetime.fromisoformat(state["first"]) == dt.timedelta(minutes=15)
    wait_until(lambda: len(_subjects(smtp_server, state["code"])) == 2, timeout_s=30,
               what="the new report's e-mails to the duty officers")

    # 2. On the desk: the report with its 15-minute countdown, from the server's due time.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/duty/")
    page.fill("input[name=username]", "trucban")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    row = page.locator(f"tr[data-report=\"{state['code']}\"]")
    assert "Hải Hà" in row.inner_text()
    clock = row.locator("td.report-clock")
    assert clock.get_attribute("data-clock") == "pending"
    assert clock.locator("time").get_attribute("data-due") == due.isoformat()
    expect(clock.locator("time")).to_have_text(re.compile(r"còn 1[45]:\d\d"))
    page.screenshot(path=str(artefacts / "hai-ha-desk-countdown.png"))

    # 3. The officer waits. The worker, 4 minutes before the deadline, warns the duty; at
    # the deadline it records the breach and tells the supervisors.
    assert _python(ungpho_env, WORKER_LATER.format(station=STATION, minutes=-4))[
        "report_deadline_events"] == 1
    assert _python(ungpho_env, WORKER_LATER.format(station=STATION, minutes=0.2))[
        "report_deadline_events"] == 2
    state = _python(ungpho_env, QUERY.format(station=STATION))
    assert (state["status"], state["steps"]) == ("breached", 2)
    warned = _subjects(smtp_server, "Sắp đến hạn: Phân loại sự cố")
    assert warned == [("bch.quangninh@ungpho.example", f"[ungpho] Sắp đến hạn: Phân loại sự cố — "
                                                       f"{state['code']}"),
                      ("trucban@ungpho.example", f"[ungpho] Sắp đến hạn: Phân loại sự cố — "
                                                 f"{state['code']}")]
    assert _subjects(smtp_server, "QUÁ HẠN") == [
        ("quantri@ungpho.example", f"[ungpho] QUÁ HẠN: Phân loại sự cố — {state['code']}")]

    # The officer's browser, 20 seconds after the deadline: the row is red.
    page.clock.install(time=due + dt.timedelta(seconds=20))
    page.reload()
    clock = page.locator(f"tr[data-report=\"{state['code']}\"] td.report-clock")
    assert clock.get_attribute("data-clock") == "breached"
    assert "QUÁ HẠN" in clock.inner_text() and "đã nhắc 2 bước" in clock.inner_text()
    assert "breached" in clock.locator("time").get_attribute("class")
    expect(clock.locator("time")).to_have_text(re.compile(r"trễ 00:\d\d"))
    page.screenshot(path=str(artefacts / "hai-ha-desk-breached.png"))

    # 4. A higher reading: level 2 (1.0 µSv/h) confirmed; the duty told once.
    _push(base, setup["token"], (minutes[8], 1.21), (minutes[9], 1.48))
    wait_until(lambda: len(_subjects(smtp_server, "cấp báo động 2")) == 2, timeout_s=30,
               what="the level-2 e-mails")
    _push(base, setup["token"], (minutes[10], 1.45))  # the same band again
    time.sleep(2)  # ten worker passes
    assert len(_subjects(smtp_server, "cấp báo động 2")) == 2
    state = _python(ungpho_env, QUERY.format(station=STATION))
    assert state["level"] == 2 and len(state["level_messages"]) == 2
    page.goto(f"{base}/duty/reports/{opened['incidents_opened'][0]}/")
    assert "Cấp cảnh báo 2: 1,45 µSv/h" in page.locator("#report-level").inner_text()
    assert page.locator("#report-deadline").get_attribute("data-clock") == "breached"
    page.screenshot(path=str(artefacts / "hai-ha-report.png"))

    # 5. The officer opens an incident from the report: its clock keeps the report's start.
    page.get_by_role("button", name="Mở sự cố").click()
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident_url = page.url
    countdown = page.locator("tr[data-deadline=\"classify-facility\"] time[data-due]")
    assert countdown.get_attribute("data-due") == due.isoformat()
    state = _python(ungpho_env, QUERY.format(station=STATION))
    assert state["incident_first"] == state["first"]
    assert any(f"Thời hạn phân loại của báo cáo {state['code']}" in text
               and "đã nhắc 2 bước" in text for text in state["incident_log"])

    # ...classifies it (category IV, level 2) and sees the notifications.
    page.locator("#classify details.advanced summary").click()
    page.fill("#classify textarea[name=facts]", json.dumps(FACTS, ensure_ascii=False))
    page.click("#classify button[name=mode][value=json]")
    page.wait_for_url(re.compile(r"/incidents/\d+/$"))
    assert "IV" in page.locator("#classification").inner_text()
    wait_until(lambda: any(m["To"] == "bch@quangninh.example" for m in smtp_server.messages),
               timeout_s=30, what="the plan's e-mail to the provincial command board")
    page.reload()
    table = page.locator("#notifications table.notifications")
    assert "bch@quangninh.example" in table.inner_text()
    # Every party of the plan is told or flagged: those without a contact point are red rows
    # of their own, on the incident page and under the incident on the desk.
    state = _python(ungpho_env, QUERY.format(station=STATION))
    assert state["unreachable"] and "bch@quangninh.example" in state["told"]
    for address in state["told"]:
        assert address in table.inner_text()
    for party in state["unreachable"]:
        row = page.locator(f"#notifications tr.notification-unreached[data-unreached={party}]")
        assert "chưa báo: không có đầu mối liên lạc" in row.inner_text()
    # The first screen says where the response stands: level 2, its deadlines counting down.
    strip = page.locator("[data-strip=level]")
    assert "2" in strip.inner_text() and strip.bounding_box()["y"] < 900
    page.screenshot(path=str(artefacts / "hai-ha-incident-1280.png"), full_page=True)
    page.goto(f"{base}/duty/")
    for party in state["unreachable"]:
        assert page.locator(f"tr.notification-unreached[data-unreached$=' {party}']").count() == 1

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                storage_state=context.storage_state())
    small = phone.new_page()
    small.goto(incident_url)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=str(artefacts / "hai-ha-incident-390.png"), full_page=True)

    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-ready=true]", timeout=20000)
    page.wait_for_selector("path.station", state="attached", timeout=20000)
    names = page.locator(".archipelago-label")
    expect(names).to_have_count(2)
    assert {"Quần đảo Hoàng Sa (Việt Nam)", "Quần đảo Trường Sa (Việt Nam)"} == {
        " ".join(text.split()) for text in names.all_inner_texts()}
    page.screenshot(path=str(artefacts / "hai-ha-map.png"))
    page.goto(f"{base}/public/")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".archipelago-label")).to_have_count(2)
    page.screenshot(path=str(artefacts / "hai-ha-public.png"), full_page=True)
    for name in ("desk-countdown", "desk-breached", "report", "incident-1280", "incident-390",
                 "map", "public"):
        assert (artefacts / f"hai-ha-{name}.png").stat().st_size > 10_000
