"""The public alerts, no login: the messages in force, a page per released message, the
Atom feed and each message's CAP 1.2 document. Vietnamese by default, English with the
language switch or ``?lang=en``; an exercise is marked DIỄN TẬP / EXERCISE. A draft or an
approved message that is not released is never shown (it has no identifier)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from ungpho.alerts.links import public_url
from ungpho.alerts.models import PublicMessage
from ungpho.core.formats.cap import CAP_MIME
from ungpho.public.cap import alerts_atom, message_cap_xml, message_title
from ungpho.public.render import guidance_text, instrument_for
from ungpho.public.selectors import messages_released

ATOM_MIME = "application/atom+xml"


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang")
    return asked if asked in ("vi", "en") else translation.get_language() or "vi"


def alert_row(message: PublicMessage, lang: str) -> dict:
    """What the public pages show of a released message, in ``lang``."""
    return {"message": message, "title": message_title(message, lang),
            "text": message.text_en if lang == "en" else message.text_vi,
            "area": message.area_desc_en if lang == "en" else message.area_desc_vi,
            "instruction": None if message.kind == PublicMessage.Kind.CANCEL else
            guidance_text(instrument_for(message.incident), message.guidance, lang)}


def public_context(request: HttpRequest) -> dict:
    """The current alerts for the public page (``web/_public_alerts.html``)."""
    lang = _lang(request)
    return {"public_alerts": [alert_row(m, lang) for m in messages_released()],
            "alerts_lang": lang}


@require_GET
def alerts_page(request: HttpRequest):
    lang = _lang(request)
    with translation.override(lang):
        return render(request, "web/public_alerts.html", public_context(request))


@require_GET
def alert_page(request: HttpRequest, identifier: str):
    message = messages_released(current_only=False).filter(identifier=identifier).first()
    if message is None:
        raise Http404(identifier)
    lang = _lang(request)
    with translation.override(lang):
        return render(request, "web/public_alert.html", {
            **alert_row(message, lang), "alerts_lang": lang,
            "current": message.status == PublicMessage.Status.RELEASED,
            "references": message.references.order_by("number")})


@require_GET
def alert_cap(request: HttpRequest, identifier: str):
    message = messages_released(current_only=False).filter(identifier=identifier).first()
    if message is None:
        raise Http404(identifier)
    return HttpResponse(message_cap_xml(message, public_url(request)),
                        content_type=f"{CAP_MIME}; charset=utf-8")


@require_GET
def alerts_atom_view(request: HttpRequest):
    return HttpResponse(alerts_atom(public_url(request), now=dt.datetime.now(dt.UTC)),
                        content_type=f"{ATOM_MIME}; charset=utf-8")
