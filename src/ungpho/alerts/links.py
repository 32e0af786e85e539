"""The site's public address, for the links in messages (acknowledgement), CAP and Atom."""

from __future__ import annotations

from django.conf import settings

#: Where ``ungpho serve`` answers by default: the address for the worker and the CLI.
LOCAL_URL = "http://127.0.0.1:8000"


def public_url(request=None) -> str:
    """The site's public address: ``UNGPHO_BASE_URL``, else the request's, else the
    default local one (the worker, the CLI)."""
    if settings.BASE_URL:
        return settings.BASE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return LOCAL_URL
