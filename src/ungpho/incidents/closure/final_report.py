"""The closure report of an incident (báo cáo kết thúc sự cố, TT 12/2023 Phụ lục VII mục 6)
assembled from its record into a plain :class:`~ungpho.core.formats.report.Report`: the
record's own parts (summary, classification history, chronology from the log, deadlines,
roles, reports, the closure decision) and the parts only people write (``FinalReport``).
A draft (DỰ THẢO) until the response is closed, final after.

To add a section: write ``def _section_<topic>(ctx: ReportContext) -> Section | None``
(None leaves it out) in your own module and put it in :data:`SECTION_BUILDERS` where it
belongs in the report's order; the renderers number and lay out whatever they get.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import translation

from ungpho.core.formats.report import Paragraph, Report, Section, Table, vietnamese_date
from ungpho.core.formats.report_docx import report_docx
from ungpho.core.formats.report_pdf import report_pdf
from ungpho.core.rules.decision import Text
from ungpho.core.vietnam_time import VIETNAM
from ungpho.incidents.closure.decision import closure_instrument
from ungpho.incidents.models import (
    ClosureDecision,
    Deadline,
    FinalReport,
    Incident,
    IncidentRole,
)
from ungpho.incidents.response.roles import role_holder

TITLE = Text("Báo cáo kết thúc sự cố", "Incident closure report")
CITATION = "Phụ lục VII, mục 6"
NOT_WRITTEN = "(chưa viết / not written yet)"


@dataclass(frozen=True)
class ReportContext:
    incident: Incident
    closure: ClosureDecision | None
    texts: FinalReport
    now: dt.datetime

    @property
    def until(self) -> dt.datetime:
        """The end of the response (the closure), or now for a draft."""
        return self.closure.decided_at if self.closure else self.now


def local(moment: dt.datetime | None) -> str:
    """``02/12/2026 08:15:00`` in Vietnam's time (UTC+7), or a dash."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S") if moment else "—"


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def _vi(label) -> str:
    with translation.override("vi"):
        return str(label)


def _written(text: str) -> tuple[Paragraph, ...]:
    return (Paragraph(text.strip() or NOT_WRITTEN),)


def _section_summary(ctx: ReportContext) -> Section:
    incident = ctx.incident
    place = [incident.province.name_vi]
    if incident.facility_id:
        place.append(f"cơ sở {incident.facility.name}")
    if incident.radioactive_source_id:
        source = incident.radioactive_source
        place.append(f"nguồn {source.nuclide} số {source.serial}")
    rows = [("Mã sự cố / Code", incident.code),
            ("Tên sự cố / Title", incident.title),
            ("Diễn tập / Exercise", "Có / yes" if incident.exercise else "Không / no"),
            ("Địa điểm / Place", f"{', '.join(place)} ({incident.lat:.5f}, "
                                 f"{incident.lon:.5f})"),
            ("Thông tin đầu tiên / First information", local(incident.first_information_at)),
            ("Mở sự cố / Opened", local(incident.opened_at)),
            ("Kết thúc ứng phó / Response closed",
             local(ctx.closure.decided_at) if ctx.closure else "Chưa / not yet"),
            ("Nhóm nguy cơ / Hazard category", incident.hazard_category or "—"),
            ("Mức báo động / Alarm level", str(incident.alarm_level or "—")),
            ("Cấp ứng phó / Response scope",
             _vi(incident.get_scope_display()) if incident.scope else "—"),
            ("Tổ chức chủ trì / Lead organisation", incident.lead or "—"),
            ("Văn bản áp dụng / Instrument", closure_instrument(incident).short)]
    return Section("summary", Text("Thông tin chung về sự cố", "The incident"),
                   (Table(tuple(rows)),))


def _section_classification(ctx: ReportContext) -> Section:
    rows = tuple((local(c.at), c.by, c.hazard_category or "—", str(c.alarm_level or "—"),
                  _vi(c.get_scope_display()) if c.scope else "—", c.instrument,
                  f"Khác đề xuất / override: {c.reason}" if c.overridden else "Theo đề xuất")
                 for c in ctx.incident.classifications.all())
    columns = (Text("Thời điểm", "Time"), Text("Người phân loại", "By"),
               Text("Nhóm", "Category"), Text("Mức báo động", "Alarm level"),
               Text("Cấp ứng phó", "Scope"), Text("Văn bản", "Instrument"),
               Text("Ghi chú", "Note"))
    blocks = (Table(rows, columns, (1.3, 1, .6, .7, 1, 1.1, 1.6)),) if rows else (
        Paragraph("Sự cố chưa được phân loại / never classified"),)
    return Section("classification", Text("Phân loại sự cố và lịch sử phân loại",
                                          "Classification and its history"), blocks,
                   "Điều 19.3, 22")


def _section_activities(ctx: ReportContext) -> Section:
    rows = tuple((local(e.at), e.by, _vi(e.get_kind_display()), e.text)
                 for e in ctx.incident.log.all())
    chronology = Table(rows, (Text("Thời điểm", "Time"), Text("Người ghi", "By"),
                              Text("Loại", "Kind"), Text("Nội dung", "Entry")),
                       (1.2, .9, .9, 4))
    summary = (Paragraph(ctx.texts.activities.strip()),) if ctx.texts.activities.strip() \
        else ()
    return Section("activities", Text("Hoạt động ứng phó sự cố",
                                      "Incident response activities"),
                   (*summary, Paragraph("Diễn biến theo nhật ký ứng phó / chronology from "
                                        "the incident log:"), chronology), CITATION)


def _officer(field: str, vi: str, en: str) -> Callable[[ReportContext], Section]:
    def build(ctx: ReportContext) -> Section:
        return Section(field, Text(vi, en), _written(getattr(ctx.texts, field)), CITATION)
    return build


def _section_dose(ctx: ReportContext) -> Section:
    blocks: list = list(_written(ctx.texts.dose_assessment))
    if ctx.closure:
        blocks.append(Table((
            ("Liều hiệu dụng tiềm năng / Potential effective dose",
             f"{_number(ctx.closure.potential_dose_msv_per_year)} mSv/năm (year)"),
            ("Cơ sở đánh giá / Basis", ctx.closure.dose_basis))))
    return Section("dose_assessment", Text("Đánh giá liều bức xạ", "Radiation dose assessment"),
                   tuple(blocks), CITATION)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _minutes(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    return f"+{minutes}" if minutes > 0 else f"−{-minutes}" if minutes < 0 else "0"


def deadline_outcome(deadline: Deadline, until: dt.datetime) -> tuple[str, str]:
    """(what happened, margin in minutes: + before the due time, − after it) of a deadline,
    the response having run until ``until``."""
    due = deadline.due_at
    if deadline.status == Deadline.Status.MET:
        return (f"Đúng hạn / met {local(deadline.met_at)} · {deadline.met_by}",
                _minutes(due - deadline.met_at))
    if deadline.status == Deadline.Status.BREACHED:
        if deadline.met_at:
            return (f"Quá hạn, đã làm / done late {local(deadline.met_at)} · "
                    f"{deadline.met_by}", _minutes(due - deadline.met_at))
        return (f"Quá hạn / breached {local(deadline.breached_at)}, chưa làm / never done",
                _minutes(due - until))
    if deadline.status == Deadline.Status.UNMET:
        return ("Chưa thực hiện khi kết thúc ứng phó / not done when the response closed",
                _minutes(due - until))
    return "Đang chạy / running", _minutes(due - until)


def _section_deadlines(ctx: ReportContext) -> Section:
    rows = []
    for deadline in ctx.incident.deadlines.all():
        outcome, margin = deadline_outcome(deadline, ctx.until)
        rows.append((f"{deadline.text_vi}\n{deadline.citation}", deadline.level,
                     local(deadline.due_at), outcome, margin))
    columns = (Text("Hành động", "Action"), Text("Cấp", "Level"), Text("Hạn", "Due before"),
               Text("Kết quả", "Outcome"), Text("Chênh lệch (phút)", "Margin (min)"))
    blocks = (Table(tuple(rows), columns, (2.3, .8, 1.1, 2.1, 1)),
              Paragraph("Chênh lệch: + trước hạn, − sau hạn / margin: + before the due time, "
                        "− after it.")) if rows else (Paragraph("Không có thời hạn / none"),)
    return Section("deadlines", Text("Tuân thủ thời hạn theo quy định",
                                     "Compliance with the legal deadlines"), blocks,
                   "Phụ lục VI")


def _section_roles(ctx: ReportContext) -> Section:
    rows = tuple((_vi(r.get_role_display()), _name(r.user), local(r.appointed_at),
                  r.appointed_by, local(r.relieved_at) if r.relieved_at else "—")
                 for r in IncidentRole.objects.filter(incident=ctx.incident)
                 .select_related("user"))
    columns = (Text("Vai trò", "Role"), Text("Người đảm nhiệm", "Holder"),
               Text("Bổ nhiệm", "Appointed"), Text("Người bổ nhiệm", "By"),
               Text("Thôi đảm nhiệm", "Relieved"))
    blocks = (Table(rows, columns),) if rows else (Paragraph("Chưa bổ nhiệm / none"),)
    return Section("roles", Text("Tổ chức chỉ huy ứng phó", "Response roles"), blocks,
                   "Phụ lục VII, mục 2")


def _section_reports(ctx: ReportContext) -> Section:
    rows = tuple((r.code, _vi(r.get_source_display()), local(r.first_information_at),
                  r.province.name_vi) for r in ctx.incident.reports.select_related("province"))
    columns = (Text("Mã", "Code"), Text("Nguồn tin", "Source"),
               Text("Thông tin đầu tiên", "First information"), Text("Tỉnh", "Province"))
    return Section("reports", Text("Các báo cáo sự cố đã tiếp nhận", "Reports received"),
                   (Table(rows, columns),) if rows else (Paragraph("—"),), "Phụ lục VIII.I")


def _section_notifications(ctx: ReportContext) -> Section:
    rows = tuple((_vi(n.get_party_display()) if n.party else "—", _vi(n.get_channel_display()),
                  n.recipient, _vi(n.get_status_display()), local(n.sent_at),
                  f"{local(n.acknowledged_at)}\n{n.acknowledged_by}" if n.acknowledged_at
                  else "—")
                 for n in ctx.incident.notifications.order_by("created_at", "pk"))
    columns = (Text("Bên nhận", "Party"), Text("Kênh", "Channel"), Text("Địa chỉ", "Address"),
               Text("Trạng thái", "Status"), Text("Đã gửi", "Sent"),
               Text("Xác nhận", "Acknowledged"))
    return Section("notifications", Text("Thông báo cho các tổ chức, cá nhân tham gia ứng phó",
                                         "Notifications to the response organisations"),
                   (Table(rows, columns, (1.3, .8, 1.6, .8, 1.1, 1.4)),) if rows
                   else (Paragraph("Không có thông báo / none"),), "Phụ lục VII, mục 2")


def _section_tasks(ctx: ReportContext) -> Section | None:
    rows = tuple((t.title, _name(t.owner), local(t.due_at), _vi(t.get_status_display()),
                  f"{local(t.done_at)} · {t.done_by}" if t.done_at else "—")
                 for t in ctx.incident.tasks.select_related("owner").order_by("created_at"))
    if not rows:
        return None
    columns = (Text("Nhiệm vụ", "Task"), Text("Người thực hiện", "Owner"),
               Text("Hạn", "Due"), Text("Trạng thái", "Status"), Text("Hoàn thành", "Done"))
    return Section("tasks", Text("Nhiệm vụ ứng phó", "Response tasks"),
                   (Table(rows, columns, (2.6, 1.1, 1.1, .8, 1.5)),), "Phụ lục VII, mục 3")


def _section_public_information(ctx: ReportContext) -> Section | None:
    messages = ctx.incident.public_messages.exclude(number=None).order_by("number")
    sitreps = ctx.incident.sitreps.order_by("number")
    rows = tuple([(f"Bản tin công chúng số {m.number} / public message no. {m.number}",
                   local(m.sent_at), m.released_by, _vi(m.get_status_display()))
                  for m in messages] +
                 [(f"Báo cáo tình hình số {r.number} / situation report no. {r.number}",
                   local(r.issued_at), r.issued_by, "—") for r in sitreps])
    if not rows:
        return None
    columns = (Text("Văn bản", "Document"), Text("Phát hành", "Issued"),
               Text("Người phát hành", "By"), Text("Trạng thái", "Status"))
    return Section("public_information", Text("Thông tin công chúng và báo cáo tình hình",
                                              "Public information and situation reports"),
                   (Table(rows, columns, (3, 1.2, 1.2, 1)),), "Phụ lục VIII.II")


def _section_closure(ctx: ReportContext) -> Section:
    title = Text("Quyết định kết thúc ứng phó", "Decision to end the response")
    closure = ctx.closure
    if closure is None:
        return Section("closure", title, (Paragraph(
            "Chưa có quyết định kết thúc ứng phó / the response is not closed yet."),),
            "Điều 25.2")
    result = closure.decision.get("result", {})
    criterion = (closure.decision.get("matched") or [{}])[0]
    verdict = "Đạt / met" if closure.criteria_met else (
        f"Không đạt, vẫn kết thúc / not met, closed anyway: {closure.override_reason}")
    rows = (("Thời điểm / Decided at", local(closure.decided_at)),
            ("Người chỉ huy / Commander", f"{_name(closure.commander)} ({closure.decided_by})"),
            ("Liều hiệu dụng tiềm năng / Potential dose",
             f"{_number(closure.potential_dose_msv_per_year)} mSv/năm; giới hạn / limit ≤ "
             f"{result.get('max_msv_per_year', 10):g} mSv/năm"),
            ("Đã áp dụng biện pháp phục hồi / Restoration measures applied",
             "Có / yes" if closure.remediation_applied else "Không / no"),
            ("Điều kiện khác / Other conditions", closure.conditions or "—"),
            ("Tiêu chí / Criteria", f"{criterion.get('citation', closure.instrument)}: "
                                    f"{(criterion.get('text') or {}).get('vi', '')}"),
            ("Kết quả / Verdict", verdict),
            ("Lý do / Reason", closure.reason))
    return Section("closure", title, (Table(rows),), "Điều 25.2")


def _section_recipients(ctx: ReportContext) -> Section:
    return Section("recipients", Text("Nơi nhận", "Recipients"),
                   _written(ctx.texts.recipients), CITATION)


#: The report's sections in order; see the module's docstring to add one.
SECTION_BUILDERS: tuple[Callable[[ReportContext], Section | None], ...] = (
    _section_summary,
    _section_classification,
    _section_activities,
    _officer("countermeasures", "Các biện pháp khắc phục sự cố đã được tiến hành",
             "Remedial measures taken"),
    _officer("consequences_people", "Hậu quả với con người", "Consequences for people"),
    _officer("consequences_environment", "Hậu quả với môi trường",
             "Consequences for the environment"),
    _section_dose,
    _section_deadlines,
    _section_roles,
    _section_notifications,
    _section_tasks,
    _section_public_information,
    _section_reports,
    _section_closure,
    _officer("conclusions", "Kết luận và kiến nghị", "Conclusions and recommendations"),
    _section_recipients,
)


def _issuer(incident: Incident) -> str:
    """The body that leads the response, with the province below a provincial one."""
    lead = incident.lead or "Ban chỉ huy ứng phó sự cố"
    if incident.scope != Incident.Scope.NATIONAL:
        lead = f"{lead}\n{incident.province.name_vi}"
    return lead.upper()


def final_report_content(incident: Incident, *, now: dt.datetime | None = None) -> Report:
    """The closure report of ``incident`` as plain data: a draft while it is open."""
    now = now or dt.datetime.now(dt.UTC)
    incident = Incident.objects.select_related(
        "province", "facility", "radioactive_source").get(pk=incident.pk)
    closure = ClosureDecision.objects.filter(incident=incident).select_related(
        "commander").first()
    texts = FinalReport.objects.filter(incident=incident).first() or FinalReport(
        incident=incident)
    ctx = ReportContext(incident=incident, closure=closure, texts=texts, now=now)
    sections = tuple(s for s in (build(ctx) for build in SECTION_BUILDERS) if s is not None)
    signer = closure.commander if closure else role_holder(incident, "commander")
    day = ctx.until.astimezone(VIETNAM)
    province = incident.province.name_vi
    return Report(
        title=TITLE, subtitle=f"{incident.code}: {incident.title}",
        issuer=_issuer(incident),
        number=f"{incident.code}/BC-KTSC",
        place_date=vietnamese_date(province, day.day, day.month, day.year),
        sections=sections, draft=closure is None, exercise=incident.exercise,
        signature=("NGƯỜI CHỈ HUY ỨNG PHÓ SỰ CỐ",
                   f"(đã quyết định lúc {local(closure.decided_at)})" if closure
                   else "(dự thảo, chưa ký)", _name(signer)),
        footer=f"{incident.code} · {TITLE.vi}{' · DỰ THẢO' if closure is None else ''}",
        meta={"incident": incident.code})


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Format → content type; the renderers are ``ungpho.core.formats.report_<format>``.
REPORT_FORMATS = {"pdf": "application/pdf", "docx": DOCX_TYPE}


def final_report_render(incident: Incident, fmt: str, *,
                        now: dt.datetime | None = None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the closure report in ``fmt`` (pdf, docx)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(REPORT_FORMATS)}")
    now = now or dt.datetime.now(dt.UTC)
    report = final_report_content(incident, now=now)
    render = {"pdf": report_pdf, "docx": report_docx}[fmt]
    name = f"{incident.code}-bao-cao-ket-thuc{'-du-thao' if report.draft else ''}.{fmt}"
    return render(report, created=now), REPORT_FORMATS[fmt], name


def report_response(incident, fmt: str) -> HttpResponse:
    """The closure report as a download (the incident page's link and the API)."""
    content, content_type, name = final_report_render(incident, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
