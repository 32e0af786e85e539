"""Who is calling the API: a person or script signed in (HTTP Basic or the session), or a
machine by its token (``Authorization: Bearer <token>``; the app that issued the token looks
it up)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBasicAuth, django_auth


class _Basic(HttpBasicAuth):
    def authenticate(self, request, username, password):
        return authenticate(request, username=username, password=password)


# HTTP Basic first: a script's POST carries no CSRF token, and the session check would refuse
# it before Basic were tried.
AUTH = [_Basic(), django_auth]


def bearer_token(request: HttpRequest) -> str:
    """The token of ``Authorization: Bearer <token>``; empty when the header has none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
