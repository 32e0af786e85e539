"""The demo's public message no. 1 on the Ir-192 camera incident: drafted by the public
information officer from the initial template, filled with the provincial board's contact,
approved by the commander and released to /public/alerts/. Demo only: ``ungpho demo`` calls
it after the incident's first-hour response (``incidents.demo_response``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from ungpho.alerts.links import public_url
from ungpho.alerts.models import PublicMessage
from ungpho.incidents.models import Incident
from ungpho.public.messages import (
    message_approve,
    message_draft,
    message_edit,
    message_release,
)

#: What the provincial board's spokesperson fills in before the first public message.
MESSAGE_VALUES = {
    "organisation": {"vi": "Ban chỉ huy ứng phó sự cố TP Hải Phòng",
                     "en": "Hai Phong City incident command board"},
    "contact_name": {"vi": "Trần Thị Thu", "en": "Tran Thi Thu"},
    "contact_agency": {"vi": "Sở Khoa học và Công nghệ Hải Phòng",
                       "en": "Hai Phong Department of Science and Technology"},
    "contact_phone": {"vi": "0225 3842 113", "en": "+84 225 3842 113"},
    "contact_mobile": {"vi": "0912 300 113", "en": "+84 912 300 113"},
    "contact_email": {"vi": "ungpho@haiphong.example", "en": "ungpho@haiphong.example"},
}


@transaction.atomic
def demo_message(incident: Incident) -> PublicMessage:
    """Public message no. 1, released."""
    officer, board = (get_user_model().objects.get(username=name)
                      for name in ("trucban", "bch.haiphong"))
    message = message_draft(incident=incident, template="initial", by=officer,
                            public_url=public_url())
    values = {**message.values, **MESSAGE_VALUES}
    message = message_edit(message=message, revision=message.revision, by=officer,
                           changes={"values": values})
    message = message_approve(message=message, revision=message.revision, by=board)
    return message_release(message=message, by=officer, public_url=public_url())
