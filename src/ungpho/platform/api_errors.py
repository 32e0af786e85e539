"""The one shape of every refusal of the API, ``{"errors": [{"field", "message"}]}``
(docs/api.md), each field at fault named: as a view's answer (``errors_response``) or, before
or around a view (the request guard, the API's exception handlers), as a response of its own
(``errors_json``). Both bodies are the same bytes."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Status


def errors_body(problems: list[tuple[str, str]]) -> dict:
    return {"errors": [{"field": f, "message": m} for f, m in problems]}


def errors_response(status: int, problems: list[tuple[str, str]]) -> Status:
    """A ninja view's refusal (rendered by the API, ``application/json; charset=utf-8``)."""
    return Status(status, errors_body(problems))


def errors_json(status: int, problems: list[tuple[str, str]]) -> JsonResponse:
    """A refusal answered outside a view (``application/json``)."""
    return JsonResponse(errors_body(problems), status=status)


def field_path(loc: tuple) -> str:
    """A schema error's location as the field a client sent: ``("body", "body", "positions",
    2, "lat")`` → ``positions[2].lat``; ``("query", "lat")`` → ``lat``."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # the view's parameter name, not the client's
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or str(loc[0] if loc else "body")
