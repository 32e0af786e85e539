"""What the incident page's small forms type, read with the checks of ``core.validate``: a
number that is not one, a time outside the accepted window, a person outside the incident's
scope is an :class:`IncidentError` naming the field, never a 500 (shown with
``platform.forms.problems_shown``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from ungpho.core.validate import (
    BIGINT,
    INTEGER,
    Invalid,
    Message,
    gettext_noop,
    int_parse,
    local_time_parse,
)
from ungpho.incidents.errors import IncidentError

ERR_NO_USER = gettext_noop("no such person")


def form_int(raw: str | None, field: str, bounds: tuple[int, int] = INTEGER) -> int:
    """A whole number typed in a form; :class:`IncidentError` naming ``field``."""
    try:
        return int_parse(raw or "", field=field, bounds=bounds)
    except Invalid as error:
        raise IncidentError([(error.field, error.message)]) from None


def form_time(raw: str | None, field: str) -> dt.datetime | None:
    """A time typed in a form (``core.validate.local_time_parse``: ``dd/mm/yyyy HH:MM``,
    a browser's ``datetime-local`` or ISO 8601; Vietnam's time unless an offset is typed),
    aware; empty: None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return local_time_parse(raw, field=field)
    except Invalid as error:
        raise IncidentError([(field, error.message)]) from None


def form_user(raw: str | None, field: str):
    """The person chosen in a form, by id (any active user: the service checks the scope);
    empty: None."""
    if not raw:
        return None
    user = get_user_model().objects.filter(pk=form_int(raw, field, BIGINT),
                                           is_active=True).first()
    if user is None:
        raise IncidentError([(field, Message(ERR_NO_USER))])
    return user
