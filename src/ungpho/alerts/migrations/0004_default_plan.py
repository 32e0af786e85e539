"""The default notification plan and contact points, from the law:

- TT 12/2023/TT-BKHCN Điều 17.1 (the command board of the level concerned), Phụ lục VI dòng 2
  (categories I–II: the PAZ/UPZ authority < 30 min after classification), dòng 5 (the IAEA,
  transboundary), Phụ lục VIII mục I (copies to the provincial DOST; police 113, fire 114,
  ambulance 115), Phụ lục III Cấp 3 and Điều 26.5.e (other localities concerned);
- QĐ 1251/QĐ-TTg Điều 1 mục I and III.2.b (national level: NACCET told at once, the Ministry
  of Defence leads; two or more provinces).

Contact points reached in the application (by role) work at once; the others are seeded
without addresses, for the administrators to fill in (Django admin → Contact points): until
then each classification logs them as unreachable.
"""

from django.db import migrations

ALL = ["email", "sms", "webhook", "inapp"]
TT12, QD1251 = "TT 12/2023/TT-BKHCN", "QĐ 1251/QĐ-TTg"
RULES = [
    # party, channels, scopes, min_alarm_level, hazard_categories, transboundary_only, citation
    ("facility_command_board", ["email", "sms", "inapp"], ["facility"], None, [], False,
     f"{TT12} Điều 17.1"),
    ("provincial_command_board", ALL, ["provincial", "national"], None, [], False,
     f"{TT12} Điều 17.1"),
    ("provincial_command_board", ALL, [], None, ["I", "II"], False,
     f"{TT12} Phụ lục VI, dòng 2 (< 30 phút sau phân loại)"),
    ("provincial_dost", ["email", "sms"], [], None, [], False,
     f"{TT12} Phụ lục VIII, mục I.B (gửi bản sao)"),
    ("police_113", ["sms", "email"], ["provincial", "national"], None, [], False,
     f"{TT12} Phụ lục VIII, mục I.A"),
    ("fire_114", ["sms", "email"], ["provincial", "national"], None, [], False,
     f"{TT12} Phụ lục VIII, mục I.A"),
    ("ambulance_115", ["sms", "email"], ["provincial", "national"], None, [], False,
     f"{TT12} Phụ lục VIII, mục I.A"),
    ("naccet", ALL, ["national"], None, [], False,
     f"{QD1251} Điều 1, mục III.2.b, gạch đầu dòng 1"),
    ("ministry_of_defence", ["email", "webhook"], ["national"], None, [], False,
     f"{QD1251} Điều 1, mục III.2.b, gạch đầu dòng 2"),
    ("iaea_contact_point", ["email"], [], None, [], True, f"{TT12} Phụ lục VI, dòng 5"),
    ("neighbouring_province", ["email", "inapp"], ["national"], None, [], False,
     f"{QD1251} Điều 1, mục I (từ 02 tỉnh trở lên); {TT12} Điều 26.5.e"),
    ("neighbouring_province", ["email", "inapp"], ["provincial"], 3, [], False,
     f"{TT12} Phụ lục III (Cấp 3: ảnh hưởng nghiêm trọng tới tỉnh khác); Điều 26.5.e"),
]
CONTACTS = [
    # party, name, in-app role
    ("facility_command_board", "Ban chỉ huy ứng phó sự cố cấp cơ sở (người vận hành cơ sở)",
     "facility_operator"),
    ("provincial_command_board", "Ban chỉ huy ứng phó sự cố cấp tỉnh (tài khoản Ban chỉ huy "
     "của tỉnh)", "provincial_command"),
    ("neighbouring_province", "Ban chỉ huy ứng phó sự cố các tỉnh lân cận",
     "provincial_command"),
    ("naccet", "Trung tâm hành động quốc gia khắc phục hậu quả chất độc hóa học và môi trường "
     "(NACCET) — trực ban", "national_duty"),
    ("provincial_dost", "Sở Khoa học và Công nghệ (điền địa chỉ của từng tỉnh)", ""),
    ("police_113", "Cảnh sát 113 (điền số nhận SMS của công an tỉnh)", ""),
    ("fire_114", "Phòng cháy chữa cháy và cứu nạn cứu hộ 114 (điền số nhận SMS)", ""),
    ("ambulance_115", "Cấp cứu 115 (điền số nhận SMS)", ""),
    ("ministry_of_defence", "Bộ Quốc phòng — Văn phòng thường trực (điền địa chỉ)", ""),
    ("iaea_contact_point", "Đầu mối liên lạc quốc gia với IAEA (Cục An toàn bức xạ và hạt "
     "nhân; điền địa chỉ)", ""),
]


def plan_add(apps, schema_editor):
    rule, contact = apps.get_model("alerts", "PlanRule"), apps.get_model("alerts", "Contact")
    if not rule.objects.exists():
        for order, (party, channels, scopes, level, categories, abroad, cite) in enumerate(
                RULES, start=1):
            rule.objects.create(order=order * 10, party=party, channels=channels,
                                scopes=scopes, min_alarm_level=level,
                                hazard_categories=categories, transboundary_only=abroad,
                                citation=cite)
    if not contact.objects.exists():
        for party, name, role in CONTACTS:
            contact.objects.create(party=party, name=name, role=role)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_plans_channels_ack")]
    operations = [migrations.RunPython(plan_add, migrations.RunPython.noop)]
