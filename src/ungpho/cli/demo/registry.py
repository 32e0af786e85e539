"""The risk registry of ``ungpho demo``: public facts where they exist (cited in each
facility's ``sources_cited``), plausible inventions elsewhere (said so). Every entry is
flagged ``demo``."""

from __future__ import annotations

import datetime as dt

from ungpho.platform.machine_tokens import token_digest
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.services import chemical_upsert, facility_upsert, source_register
from ungpho.preparedness.trackers import positions_ingest, tracker_enable

INVENTED = "Dữ liệu bịa cho demo, không phải cơ sở thật / invented for the demo, not a real entry"

FACILITIES = [
    dict(code="vien-nchn-dalat", name="Viện Nghiên cứu hạt nhân (Lò phản ứng hạt nhân Đà Lạt)",
         licensee="Viện Năng lượng nguyên tử Việt Nam", kind="research_reactor",
         lat=11.9516, lon=108.4435, thermal_power_mw=0.5,
         address="01 Nguyên Tử Lực, Phường Lâm Viên - Đà Lạt, Lâm Đồng",
         contact_24h="0263 000 0191 (demo)", licence_number="DEMO-GP-LPU-01",
         sources_cited="Lò phản ứng hạt nhân Đà Lạt, công suất 500 kW nhiệt (IAEA Research "
                       "Reactor Database, RRDB: Dalat Nuclear Research Reactor, 500 kW); vị trí "
                       "theo bản đồ công khai, ±200 m. Số giấy phép, điện thoại: bịa cho demo / "
                       "licence and phone invented."),
    dict(code="bachmai-ydhn", name="Trung tâm Y học hạt nhân và Ung bướu — Bệnh viện Bạch Mai",
         licensee="Bệnh viện Bạch Mai", kind="nuclear_medicine", lat=21.0006, lon=105.8408,
         address="78 Giải Phóng, Phường Kim Liên, Hà Nội", contact_24h="024 000 0115 (demo)",
         licence_number="DEMO-GP-YHHN-07",
         sources_cited="Địa chỉ bệnh viện: công khai; nguồn phóng xạ, giấy phép: " + INVENTED),
    dict(code="ndt-hai-phong", name="Công ty Kiểm tra không phá hủy Hải Phòng (demo)",
         licensee="Công ty TNHH NDT Duyên Hải (demo)", kind="industrial_radiography",
         lat=20.8470, lon=106.7420, address="KCN Đình Vũ, Hải Phòng",
         contact_24h="0900 000 113", licence_number="DEMO-GP-CBCN-22",
         sources_cited=INVENTED),
    dict(code="hoachat-dinhvu", name="Kho hóa chất cảng Đình Vũ (demo)",
         licensee="Công ty CP Hóa chất Đình Vũ (demo)", kind="chemical_store",
         lat=20.8360, lon=106.7520, address="KCN Đình Vũ, Hải Phòng", contact_24h="0900 000 114",
         sources_cited=INVENTED),
    # Foreign plants nearest Vietnam (category V, TT 12/2023 Phụ lục I): their zones are not
    # published, so Phụ lục IV's outer radii for their power are used (rules engine).
    dict(code="cn-fangchenggang", name="Nhà máy điện hạt nhân Phòng Thành Cảng (Fangchenggang)",
         licensee="Guangxi Fangchenggang Nuclear Power Co. (CGN)", kind="power_reactor",
         foreign=True, country="CN", lat=21.67083, lon=108.55833, thermal_power_mw=3180,
         sources_cited="Tọa độ 21°40′15″N 108°33′30″E, cách biên giới Việt Nam khoảng 54 km; "
                       "tổ máy 1–2 CPR-1000, 3–4 Hualong One (HPR1000): NNSA (nnsa.mee.gov.cn, "
                       "danh sách NMĐHN), Wikipedia 'Fangchenggang Nuclear Power Plant'. Công "
                       "suất nhiệt 3180 MW mỗi tổ Hualong One: thiết kế HPR1000 (chưa đối "
                       "chiếu IAEA PRIS)."),
    dict(code="cn-changjiang", name="Nhà máy điện hạt nhân Xương Giang (Changjiang, Hải Nam)",
         licensee="Hainan Nuclear Power Co. (CNNC, China Huaneng)", kind="power_reactor",
         foreign=True, country="CN", lat=19.46075, lon=108.89992, thermal_power_mw=1930,
         sources_cited="Tọa độ 19°27′38.7″N 108°53′59.7″E; tổ máy 1–2 CNP-600 (650 MWe), "
                       "3–4 đang xây: Wikipedia 'Changjiang Nuclear Power Plant', Enerdata "
                       "2016. Công suất nhiệt 1930 MW của thiết kế CNP-600 (chưa đối chiếu "
                       "IAEA PRIS)."),
]

# Mobile Ir-192 radiography: its permitted area is the Đình Vũ – Cát Hải industrial zone.
_DINH_VU_AREA = {"type": "Polygon", "coordinates": [[
    [106.66, 20.80], [106.80, 20.80], [106.80, 20.88], [106.66, 20.88], [106.66, 20.80]]]}

SOURCES = [
    dict(serial="DEMO-IR192-0417", nuclide="Ir-192", activity="3.7 TBq",
         reference_date=dt.date(2026, 10, 1), facility_code="ndt-hai-phong", mobile=True,
         permitted_area=_DINH_VU_AREA, device="Máy chụp ảnh phóng xạ gamma SENTINEL 880 (demo)"),
    dict(serial="DEMO-CS137-0021", nuclide="Cs-137", activity="370 MBq",
         reference_date=dt.date(2015, 3, 1), facility_code="bachmai-ydhn",
         device="Nguồn chuẩn máy đo liều (demo)"),
    dict(serial="DEMO-MO99-2611", nuclide="Mo-99", activity="20 GBq",
         reference_date=dt.date(2026, 11, 28), facility_code="bachmai-ydhn", sealed=False,
         device="Bình chiết Tc-99m (demo)"),
    dict(serial="DEMO-CO60-0003", nuclide="Co-60", activity="1.5 TBq",
         reference_date=dt.date(2020, 6, 1), facility_code="vien-nchn-dalat",
         device="Nguồn chiếu xạ nghiên cứu (demo)"),
]

CHEMICALS = [
    dict(facility_code="hoachat-dinhvu", name="Amoniac khan (NH₃)", cas="7664-41-7",
         max_quantity_kg=50_000, storage="Bồn áp lực 2 × 25 t, có tường bao"),
    dict(facility_code="hoachat-dinhvu", name="Clo lỏng (Cl₂)", cas="7782-50-5",
         max_quantity_kg=12_000, storage="Bình 1 t trong nhà kho có quạt hút và tháp trung hòa"),
]


#: Demo only, published like the station token of the README: the Ir-192 camera's tracker.
DEMO_TRACKER_TOKEN = "ung_demo_tracker_IR192"
TRACKER_SERIAL = "DEMO-IR192-0417"


def registry_demo_load(*, by) -> None:
    for fields in FACILITIES:
        facility_upsert(**fields, demo=True, by=by)
    for fields in SOURCES:
        source_register(**fields, demo=True, by=by)
    for fields in CHEMICALS:
        chemical_upsert(**fields, by=by)
    _tracker_drive(by=by)


def _tracker_drive(*, by) -> None:
    """The Ir-192 camera's last half hour: from the yard at Đình Vũ north-west across the
    Cấm river, out of its permitted area (its report is then on the duty desk)."""
    source = RadioactiveSource.objects.get(serial=TRACKER_SERIAL)
    if source.tracker_token_sha256 != token_digest(DEMO_TRACKER_TOKEN):
        tracker_enable(source=source, interval_s=3600, working_hours="07:00-17:30", by=by)
        RadioactiveSource.objects.filter(pk=source.pk).update(
            tracker_token_sha256=token_digest(DEMO_TRACKER_TOKEN))
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    path = [(20.847, 106.742), (20.856, 106.728), (20.866, 106.713), (20.876, 106.700),
            (20.887, 106.690), (20.896, 106.683)]
    positions = [{"time": (now - dt.timedelta(minutes=5 * (len(path) - 1 - i))).isoformat(),
                  "lat": lat, "lon": lon} for i, (lat, lon) in enumerate(path)]
    positions_ingest(source=source, body={"positions": positions}, via="http")
