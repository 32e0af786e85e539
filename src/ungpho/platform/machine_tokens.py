"""API tokens of machines (stations, source trackers): shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import json
import secrets

TOKEN_PREFIX = "ung_"


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_payload(payload: bytes) -> tuple[dict | list | None, str, dict | None]:
    """An MQTT message's JSON body without its ``"token"`` member: (body, token, error), the
    error naming the field when the payload is not JSON. Whatever the bytes, the decoder's
    own failures come back as that error: invalid UTF-8, an integer over Python's limit on
    digits (a ValueError), nesting deeper than the interpreter's stack (a RecursionError)."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError too
        return None, "", {"error": {"field": "payload", "message": f"not valid JSON: {error}"}}
    token = body.pop("token", "") if isinstance(body, dict) else ""
    return body, token if isinstance(token, str) else "", None
