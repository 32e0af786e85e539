"""The demo's contact directory (danh sách liên lạc, TT 12/2023 Điều 26.6.a): every party the
default plan names, in every province, so the demo's plan reaches everyone it requires. The
addresses are examples (``.example`` domains, RFC 2606): nothing leaves the machine but the
files the e-mail backend writes. E-mail only: the demo has no SMS gateway, and an SMS it
cannot send would fail on the desk. Demo only: ``ungpho demo`` calls it."""

from __future__ import annotations

from django.db import transaction

from ungpho.alerts.models import Contact, Party
from ungpho.audit.services import audited_upsert
from ungpho.geo.models import Province

#: Per province: party, name (the province's "tỉnh X" / "thành phố X" filled in), mailbox.
PROVINCIAL = [
    (Party.PROVINCIAL_COMMAND_BOARD, "Ban chỉ huy ứng phó sự cố {where}", "bchungpho"),
    (Party.NEIGHBOURING_PROVINCE, "Ban chỉ huy ứng phó sự cố {where} (tỉnh lân cận)",
     "bchungpho"),
    (Party.PROVINCIAL_DOST, "Sở Khoa học và Công nghệ {where}", "sokhcn"),
    (Party.POLICE_113, "Công an {where} — trực ban 113", "trucban113"),
    (Party.FIRE_114, "Cảnh sát PCCC và CNCH, Công an {where} — 114", "pccc114"),
    (Party.AMBULANCE_115, "Trung tâm Cấp cứu 115 {where}", "capcuu115"),
]
#: Whole-country parties: party, name, address.
NATIONAL = [
    (Party.NACCET, "NACCET — trực ban (hộp thư)", "trucban@naccet.example"),
    (Party.MINISTRY_OF_DEFENCE, "Bộ Quốc phòng — Văn phòng thường trực (demo)",
     "vanphongthuongtruc@bqp.example"),
    (Party.IAEA_CONTACT_POINT, "Cục An toàn bức xạ và hạt nhân — đầu mối IAEA (demo)",
     "iaea-contact@varans.example"),
]


def _domain(province: Province) -> str:
    """``Hai Phong City`` → ``haiphong.example``."""
    name = province.name_en.removesuffix(" Province").removesuffix(" City")
    return f"{name.replace(' ', '').lower()}.example"


def _where(province: Province) -> str:
    """``Thành phố Hải Phòng`` → ``thành phố Hải Phòng``."""
    return province.name_vi[0].lower() + province.name_vi[1:]


@transaction.atomic
def contacts_demo_load(*, by) -> int:
    """Create or update the demo's contact points (idempotent); returns how many there are."""
    count = 0
    for province in Province.objects.order_by("code"):
        for party, name, mailbox in PROVINCIAL:
            audited_upsert(Contact, by=by, action="contact.demo", lookup={
                "party": party, "province": province, "name": name.format(
                    where=_where(province))},
                defaults={"email": f"{mailbox}@{_domain(province)}", "active": True})
            count += 1
    for party, name, email in NATIONAL:
        audited_upsert(Contact, by=by, action="contact.demo",
                       lookup={"party": party, "province": None, "name": name},
                       defaults={"email": email, "active": True})
        count += 1
    return count
