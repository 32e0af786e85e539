"""Issue 6, "done when": a realistic incident driven from the first call to the final report
against a running ungpho (web server and worker as separate processes), a real SMTP server
and real HTTP servers for the SMS gateway and a webhook.

The event: a category-2 radiography source (Ir-192, 1.5 TBq, A/D ≈ 19) reported lost by its
licensee, then found by a worker in a scrap yard in Hạ Long, Quảng Ninh.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.cookiejar
import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port, ungpho, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "mat-khau-dai-123"
CAP_XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"

SETUP = """
import datetime as dt, json
import django; django.setup()
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Contact
from ungpho.incidents.models import ActivationPackage
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.services import facility_upsert, source_register, source_status_set
cfg = json.loads({cfg!r})
officer = user_upsert(username="trucban", password={password!r}, role=Role.NATIONAL_DUTY,
                      email="trucban@naccet.example", full_name="Lê Văn Trực")
commander = user_upsert(username="chihuy.qn", password={password!r},
                        role=Role.PROVINCIAL_COMMAND, province_code="22",
                        email="chihuy@quangninh.example", full_name="Phạm Quốc Chỉ")
facility_upsert(code="ndt-quang-ninh", name="Công ty Kiểm tra không phá hủy Quảng Ninh",
                lat=20.9520, lon=107.0790, kind="industrial_radiography",
                licensee="Công ty TNHH NDT Quảng Ninh")
source = source_register(serial="QN-IR192-0815", nuclide="Ir-192", activity="1.5 TBq",
                         reference_date=dt.date.today() - dt.timedelta(days=5),
                         facility_code="ndt-quang-ninh",
                         device="Máy chụp ảnh phóng xạ gamma SENTINEL 880")
source_status_set(source=source, status=RadioactiveSource.Status.LOST, by=officer,
                  note="Mất sau ca chụp ảnh tại công trường cảng Cái Lân")
for party, fields in cfg["contacts"].items():
    Contact.objects.update_or_create(party=party, province_id="22",
                                     defaults={{"name": fields.pop("name"), **fields}})
print(json.dumps({{"officer": officer.pk, "commander": commander.pk,
                  "package": ActivationPackage.objects.get(code="source-found").pk}}))
"""

QUERY = """
import json
import django; django.setup()
from ungpho.incidents.models import Incident
incident = Incident.objects.get(pk={pk})
print(json.dumps({{
    "status": incident.status,
    "deadlines": [[d.action, d.level, d.status] for d in incident.deadlines.all()],
    "log": sorted({{e.kind for e in incident.log.all()}}),
    "notifications": [[n.party, n.channel, n.status, bool(n.acknowledged_at)]
                      for n in incident.notifications.all()],
}}))
"""

#: The facts the duty officer confirms once the caller's description is checked.
SCRAP_YARD_FACTS = {
    "hazard": {"activity": "orphan_source"},
    "sources": [{"nuclide": "Ir-192", "activity": "1.5 TBq", "sealed": True}],
    "event": {"information_clear": True, "source_out_of_control": True, "source_sealed": True,
              "dose_rate": "20 mSv/h", "release": False, "contamination": "none",
              "deterministic_effects": "possible", "origin": "this_province"},
    "scope": {"at_facility": False, "effects_beyond_site": True, "provinces_affected": 1,
              "ministries_involved": 1, "transboundary": False},
}


class Receiver(ThreadingHTTPServer):
    """An HTTP server keeping every POST (path, headers, body): the SMS gateway, a webhook."""

    def __init__(self):
        self.requests: list[tuple[str, dict, bytes]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N805 (the server is self)
                body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
                self.requests.append((handler.path, dict(handler.headers), body))
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.end_headers()
                handler.wfile.write(b'{"status": "accepted"}')

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def receivers():
    sms, hook = Receiver(), Receiver()
    yield sms, hook
    sms.shutdown()
    hook.shutdown()


class Forms(HTMLParser):
    """The forms of a page: action, method and each named field's value (inputs, textareas,
    selected options, submit buttons apart)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._text: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "buttons": []})
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "submit":
                self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))
                return
            fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._text = a["name"]
            fields[a["name"]] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._text:
            self.forms[-1]["fields"][self._text] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None


class Browser:
    """A session over plain HTTP: cookies, the CSRF token, redirects followed; signed in
    unless ``username`` is None (a recipient following a link)."""

    def __init__(self, base: str, username: str | None):
        self.base, self.username = base, username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/accounts/login/")
        if username:
            page = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
            assert "accounts/login" not in page.url, f"{username} could not sign in"

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str):
        answer = self.opener.open(self.base + path, timeout=30)
        answer.text = answer.read().decode()
        return answer

    def post(self, path: str, data: dict | list):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={
            "X-CSRFToken": self._csrf(), "Referer": self.base + path})
        answer = self.opener.open(request, timeout=30)
        answer.text = answer.read().decode()
        return answer

    def api(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        token = base64.b64encode(f"{self.username}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                raw, status, kind = answer.read(), answer.status, answer.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            raw, status, kind = error.read(), error.code, error.headers["Content-Type"]
        return status, json.loads(raw) if "json" in (kind or "") else raw


def _python(env: dict, code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, env={**env, "DJANGO_SETTINGS_MODULE": "ungpho.settings"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_lost_radiography_source_found_in_a_scrap_yard_from_the_first_call_to_the_final_pdf(
        processes, ungpho_env, smtp_server, receivers):
    sms, hook = receivers
    ungpho_env.update({"EMAIL_URL": smtp_server.url, "UNGPHO_SMS_GATEWAY_URL": f"{sms.url}/sms",
                       "UNGPHO_SMS_GATEWAY_TOKEN": "sms-secret"})
    contacts = {
        "provincial_command_board": {"name": "Ban chỉ huy ứng phó sự cố tỉnh Quảng Ninh",
                                     "email": "bch@quangninh.example", "phone": "+84912000022",
                                     "webhook_url": f"{hook.url}/bch-qn",
                                     "webhook_secret": "hook-secret"},
        "provincial_dost": {"name": "Sở Khoa học và Công nghệ Quảng Ninh",
                            "email": "sokhcn@quangninh.example", "phone": "+84912000023"},
        "police_113": {"name": "Công an tỉnh Quảng Ninh (113)", "phone": "+84912000113"},
        "fire_114": {"name": "Cảnh sát PCCC Quảng Ninh (114)", "phone": "+84912000114"},
        "ambulance_115": {"name": "Trung tâm cấp cứu 115 Quảng Ninh", "phone": "+84912000115"},
    }
    ids = _python(ungpho_env, SETUP.format(cfg=json.dumps({"contacts": contacts}),
                                           password=PASSWORD))
    base = processes.web()
    processes.start("worker")
    officer = Browser(base, "trucban")

    # 1. The first call, entered on the duty desk's form through the API, gets its
    #    preliminary classification at once.
    status, call = officer.api("POST", "/incidents/reports", {
        "caller_name": "Nguyễn Văn Bình", "caller_phone": "0912 345 678",
        "caller_category": "citizen", "call_time": dt.datetime.now(dt.UTC).isoformat(),
        "incident_location": "Bãi phế liệu phường Hồng Gai, Hạ Long",
        "incident_description": "Công nhân nhặt được thiết bị kim loại có ký hiệu phóng xạ",
        "public_affected": True, "call_verified": True, "province": "22",
        "radioactive_source": "QN-IR192-0815"})
    assert status == 201, call
    assert call["decision"]["suggestion"]["hazard_category"] == "IV"

    # 2. The officer opens the incident from the call and links the licensee's loss report.
    desk = officer.get("/duty/reports").text
    opened = officer.post(f"/duty/reports/{call['id']}/incident", {})
    pk = int(re.search(r"/incidents/(\d+)/$", opened.url).group(1))
    loss = re.search(r'data-report="(SC-\d{4}-\d+)"', desk.replace(call["code"], ""))
    assert loss, "the licensee's loss report is on the desk"
    status, reports = officer.api("GET", "/incidents/reports?status=open")
    loss_pk = next(r["id"] for r in reports["reports"] if r["code"] == loss.group(1))
    officer.post(f"/duty/reports/{loss_pk}/link", {"incident": pk})

    # 3. Classification within 15 minutes: the rules engine's suggestion is confirmed.
    page = officer.post(f"/incidents/{pk}/classify",
                        {"mode": "json", "facts": json.dumps(SCRAP_YARD_FACTS)}).text
    assert "Phụ lục III" in page and "Ban chỉ huy ứng phó sự cố cấp tỉnh" in page

    # 4. The notification plan: every party told by its channels, each acknowledges.
    def delivered():
        state = _python(ungpho_env, QUERY.format(pk=pk))
        return state if state["notifications"] and all(
            n[2] == "sent" for n in state["notifications"]) else None

    state = wait_until(delivered, timeout_s=60, what="every notification delivered")
    parties = {n[0] for n in state["notifications"]}
    assert parties >= set(contacts), parties
    links = set()
    for message in smtp_server.messages:
        links |= set(re.findall(r"https?://\S+/ack/[\w-]+", message.get_body().get_content()))
    for _path, _headers, body in sms.requests + hook.requests:
        links |= set(re.findall(r"https?://[^\s\"]+/ack/[\w-]+", body.decode()))
    assert {h["Idempotency-Key"] for _p, h, _b in sms.requests}, "SMS carries its key"
    assert all("X-Ungpho-Signature" in h for _p, h, _b in hook.requests)
    recipient = Browser(base, None)
    for link in links:
        path = urllib.parse.urlsplit(link).path
        assert "form" in recipient.get(path).text  # a GET (a mail scanner) acknowledges nothing
        recipient.post(path, {"name": "Người nhận"})
    commander = Browser(base, "chihuy.qn")
    for session in (officer, commander):
        for form in Forms(session.get("/inbox/").text).forms:
            if "/ack/" in form["action"]:
                session.post(form["action"], form["fields"])
    state = _python(ungpho_env, QUERY.format(pk=pk))
    assert all(n[3] for n in state["notifications"]), state["notifications"]

    # 5. Response: commander appointed, the activation package applied, deadlines met.
    officer.post(f"/incidents/{pk}/roles", {"role": "commander", "user": ids["commander"]})
    officer.post(f"/incidents/{pk}/roles", {"role": "public_information",
                                            "user": ids["officer"]})
    status, applied = officer.api("POST", f"/incidents/{pk}/packages/{ids['package']}/apply")
    assert status == 201, applied
    page = officer.get(f"/incidents/{pk}/").text
    for form in Forms(page).forms:
        if ("action", "meet") in form["buttons"]:
            officer.post(f"/incidents/{pk}/", {**form["fields"], "action": "meet"})
    officer.post(f"/incidents/{pk}/response/sitreps", {
        "situation": "Nguồn Ir-192 đã được khoanh vùng 100 m tại bãi phế liệu; suất liều tại "
                     "rào chắn 18 µSv/h.",
        "actions": "Lực lượng ứng phó bức xạ tỉnh đã thu hồi nguồn vào container che chắn.",
        "next_steps": "Kiểm tra nhiễm bẩn, đánh giá liều cho công nhân bãi phế liệu."})

    # 6. Public information: drafted, approved by the commander, released, valid CAP.
    draft = commander.post(f"/incidents/{pk}/messages/new", {"template": "initial"})
    mid_path = urllib.parse.urlsplit(draft.url).path
    form = next(f["fields"] for f in Forms(draft.text).forms if "next_update_at" in f["fields"])
    for name, value in list(form.items()):
        if name.startswith("v_") and not value.strip():
            form[name] = "0203 3835 113" if "phone" in name else "Xem hướng dẫn / see guidance"
    form["next_update_at"] = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).astimezone(
        dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M")
    page = commander.post(mid_path, {**form, "action": "save"}).text
    revision = next(f["fields"]["revision"] for f in Forms(page).forms
                    if "revision" in f["fields"])
    for action in ("approve", "release"):
        page = commander.post(mid_path, {"action": action, "revision": revision}).text
        assert 'class="error"' not in page, re.findall(r'class="error"[^<]*<[^>]*>([^<]*)', page)
    feed = urllib.request.urlopen(f"{base}/public/alerts.atom", timeout=30).read().decode()
    [cap_url] = re.findall(r'href="([^"]+\.xml)"', feed)
    cap = urllib.request.urlopen(cap_url if cap_url.startswith("http") else base + cap_url,
                                 timeout=30).read()
    import xmlschema

    xmlschema.XMLSchema(str(CAP_XSD)).validate(cap.decode())
    assert b"<status>Actual</status>" in cap and "Quảng Ninh".encode() in cap

    # 7. Closure (Điều 25) and the final report (Phụ lục VII.6) as PDF.
    boss = commander
    status, report = boss.api("PUT", f"/incidents/{pk}/final-report", {
        "version": 0,
        "recipients": "Bộ Khoa học và Công nghệ; UBND tỉnh Quảng Ninh; NACCET",
        "activities": "Khoanh vùng, thu hồi nguồn, kiểm tra nhiễm bẩn.",
        "countermeasures": "Cách ly khu vực 100 m trong 6 giờ; thu hồi nguồn vào container.",
        "consequences_people": "Hai công nhân tiếp xúc; không có hiệu ứng tất định.",
        "consequences_environment": "Không phát hiện nhiễm bẩn phóng xạ.",
        "dose_assessment": "Liều hiệu dụng ước tính cao nhất 2,1 mSv (công nhân A).",
        "conclusions": "Sự cố được kiểm soát trong ngày; nguồn đã trả về cơ sở."})
    assert status == 200, report
    status, closed = boss.api("POST", f"/incidents/{pk}/closure", {
        "potential_dose_msv_per_year": 0.3, "dose_basis": "Đo suất liều tại bãi phế liệu",
        "remediation_applied": True, "reason": "Nguồn đã thu hồi, không có nhiễm bẩn"})
    assert status == 201, closed
    status, pdf = boss.api("GET", f"/incidents/{pk}/report.pdf")
    assert status == 200 and pdf[:5] == b"%PDF-"
    from io import BytesIO

    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "BÁO CÁO KẾT THÚC SỰ CỐ" in text and "Quảng Ninh" in text
    for section in ("Tuân thủ thời hạn theo quy định", "Thông báo cho các tổ chức",
                    "Nhiệm vụ ứng phó", "Thông tin công chúng và báo cáo tình hình"):
        assert section in text, section

    # 8. Every legal deadline tracked and met; the log complete and its chain intact.
    state = _python(ungpho_env, QUERY.format(pk=pk))
    assert state["status"] == "closed"
    assert state["deadlines"] and all(d[2] == "met" for d in state["deadlines"]), \
        state["deadlines"]
    assert set(state["log"]) >= {"opened", "report", "classified", "notification", "role",
                                 "package", "deadline", "sitrep", "message", "closed"}, \
        state["log"]
    ungpho("audit", "verify", env=ungpho_env)
