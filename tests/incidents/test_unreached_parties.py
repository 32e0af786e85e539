"""Nobody silently left out: a party the notification plan requires but cannot reach (no
contact point) is a red "not notified" row on the incident page and the duty desk with a way
to add one, applying the plan again then tells only them; ``ungpho check`` names the plan's
parties without contact points, and province; the demo's directory reaches everyone."""

import io
import json

import pytest

from tests.factories import incident_from_call
from ungpho.accounts.roles import Role
from ungpho.accounts.services import user_upsert
from ungpho.alerts.models import Contact, Notification
from ungpho.alerts.plan_gaps import plan_gaps
from ungpho.cli.checks import check_notification_plan
from ungpho.core.rules.loader import RULES_DIR
from ungpho.geo.models import Province
from ungpho.incidents.lifecycle import incident_classify
from ungpho.incidents.notification.unreached import incidents_unreached

pytestmark = pytest.mark.django_db

LOST_IR192 = json.loads((RULES_DIR / "examples" / "lost_ir192_quang_ninh.json").read_text(
    encoding="utf-8"))
NOT_NOTIFIED_VI = "chưa báo: không có đầu mối liên lạc"


@pytest.fixture
def classified(duty_officer):
    """A provincial level-2 incident in Hà Nội, classified with the seeded directory (in-app
    contacts only, and no board account in Hà Nội): nobody the plan names is reachable."""
    incident = incident_from_call(duty_officer, minutes_ago=3)
    incident_classify(incident=incident, facts=LOST_IR192, by=duty_officer)
    return incident


def _unreached_rows(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-unreached="([^"]+)"', html))


def test_each_unreachable_party_is_a_red_row_on_the_incident_page(client, classified,
                                                                   duty_officer):
    client.force_login(duty_officer)
    page = client.get(f"/incidents/{classified.pk}/").content.decode()
    assert _unreached_rows(page) == {"provincial_command_board", "police_113", "fire_114",
                                     "ambulance_115", "provincial_dost"}
    assert page.count(NOT_NOTIFIED_VI) == 5
    assert 'class="notification-unreached"' in page
    # A duty officer cannot add contact points: told who can, not sent to a refusal.
    assert "quản trị viên thêm tại mục Đầu mối liên hệ" in page
    assert "/admin/alerts/contact/add/" not in page


def test_an_administrator_gets_a_link_that_opens_the_contact_form_filled_in(client,
                                                                            classified):
    admin = user_upsert(username="quantri", password="mat-khau-dai-123", email="qt@x.vn",
                        role=Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(f"/incidents/{classified.pk}/").content.decode()
    link = "/admin/alerts/contact/add/?party=police_113&amp;province=01"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="police_113" selected' in form and 'value="01" selected' in form


def test_the_duty_desk_shows_the_unreached_parties_of_its_incidents(client, classified,
                                                                    duty_officer):
    client.force_login(duty_officer)
    desk = client.get("/duty/").content.decode()
    assert {f"{classified.code} police_113", f"{classified.code} fire_114"} <= \
        _unreached_rows(desk)
    assert NOT_NOTIFIED_VI in desk and f"/incidents/{classified.pk}/#notifications" in desk
    client.cookies["django_language"] = "en"
    english = client.get("/duty/reports").content.decode()
    assert "not notified: no contact point" in english


def test_once_a_contact_point_is_added_applying_the_plan_again_tells_only_that_party(
        client, classified, duty_officer):
    before = set(Notification.objects.filter(incident=classified).values_list("pk", flat=True))
    Contact.objects.create(party="police_113", province_id="01", name="Công an TP Hà Nội",
                           email="trucban113@hanoi.example")
    client.force_login(duty_officer)
    answer = client.post(f"/incidents/{classified.pk}/notify")
    assert answer.status_code == 302
    new = Notification.objects.filter(incident=classified).exclude(pk__in=before)
    assert [(n.party, n.recipient) for n in new] == [("police_113", "trucban113@hanoi.example")]
    assert {u.party for u in incidents_unreached([classified.pk])[classified.pk]} == {
        "provincial_command_board", "fire_114", "ambulance_115", "provincial_dost"}
    client.post(f"/incidents/{classified.pk}/notify")  # again: nobody is told twice
    assert Notification.objects.filter(incident=classified).count() == len(before) + 1


def test_check_names_each_plan_party_without_a_contact_point_and_where(db):
    results = {r.detail.split(":")[0]: r for r in check_notification_plan()}
    police = results["công an 113 / police 113"]
    assert police.ok and police.warn and "every province (34)" in police.detail
    assert "/admin/alerts/contact/add/" in police.fix
    Contact.objects.create(party="police_113", province_id="01", name="Công an TP Hà Nội",
                           phone="+84243942113")
    police = {r.detail.split(":")[0]: r for r in check_notification_plan()}[
        "công an 113 / police 113"]
    assert "Thành phố Hải Phòng" in police.detail and "Thành phố Hà Nội" not in police.detail
    # In-app contact points count where their role has someone: Hà Nội's board, here.
    user_upsert(username="bch-hn", password="mat-khau-dai-123", email="bch@x.vn",
                role=Role.PROVINCIAL_COMMAND, province_code="01")
    board = dict(plan_gaps(list(Province.objects.values_list("code", flat=True))))[
        "provincial_command_board"]
    assert "01" not in board and "31" in board


def test_the_demo_directory_reaches_every_party_its_plan_names(client):
    from ungpho.cli.demo.load import demo_load
    from ungpho.incidents.models import Incident

    demo_load(out=io.StringIO(), hours=1)
    assert plan_gaps(list(Province.objects.values_list("code", flat=True))) == []
    assert incidents_unreached(Incident.objects.values_list("pk", flat=True)) == {}
    incident = Incident.objects.get(exercise=False)
    told = set(incident.notifications.exclude(party="").values_list("party", flat=True))
    assert {"provincial_command_board", "provincial_dost", "police_113", "fire_114",
            "ambulance_115"} <= told
    assert all(n.recipient.endswith(".example") or n.channel == "inapp"
               for n in incident.notifications.all())


def test_a_party_told_before_its_contact_point_was_deactivated_is_not_shown_as_not_told(
        classified, duty_officer):
    from ungpho.incidents.models import Incident
    from ungpho.incidents.notification.plans import incident_notify

    incident = Incident.objects.get(pk=classified.pk)  # as classified
    Contact.objects.create(party="police_113", province_id="01", name="Công an TP Hà Nội",
                           email="trucban113@hanoi.example")
    incident_notify(incident=incident, by=duty_officer)
    Contact.objects.filter(party="police_113").update(active=False)
    incident_notify(incident=incident, by=duty_officer)
    logged = classified.log.filter(kind="notification").last().data["unreachable"]
    assert "police_113" in logged  # the plan cannot reach it any more…
    shown = {u.party for u in incidents_unreached([classified.pk])[classified.pk]}
    assert "police_113" not in shown and "fire_114" in shown  # …but it was told
