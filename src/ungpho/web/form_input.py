"""What the incident page's small forms type, read with the checks of ``core.validate`` (a
number that is not one, a time outside the accepted window, a person outside the incident's
scope is a refusal naming the field, never a 500), and refusals shown in the user's language:
each field by its model's label, each message translated from its msgid."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ungpho.core.validate import (
    BIGINT,
    INTEGER,
    Invalid,
    Message,
    gettext_noop,
    int_parse,
    local_time_parse,
)
from ungpho.incidents.response import IncidentError

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


def object_or_404(queryset, raw: str | None):
    """The row of ``queryset`` whose id a form posted; anything else (no id, not a number,
    a number no row has) is Not Found."""
    try:
        pk = int_parse(raw or "", field="id", bounds=BIGINT)
    except Invalid:
        raise Http404 from None
    return get_object_or_404(queryset, pk=pk)


def message_shown(message: str) -> str:
    """A refusal's message in the active language: a :class:`Message` from its msgid, any
    other text as its own msgid (unchanged when none is held)."""
    if isinstance(message, Message):
        return _(message.template) % message.params if message.params else _(message.template)
    return _(message) if message else message


def field_label(field: str, model=None) -> str:
    """A field as its form shows it: the label of the model's field (``model``: one model or
    several, the first that has it), else its name."""
    for each in model if isinstance(model, tuple) else (model,) if model else ():
        try:
            return str(capfirst(each._meta.get_field(field).verbose_name))
        except FieldDoesNotExist:
            continue
    return field


def problems_shown(problems: list[tuple[str, str]], model=None) -> str:
    """``Label: message; …`` in the active language."""
    return "; ".join(f"{field_label(field, model)}: {message_shown(message)}"
                     for field, message in problems)
