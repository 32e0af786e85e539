"""What any app's forms share: the row a form names by its id (anything else is Not Found,
never a 500), and refusals shown in the user's language: each field by its model's label,
each message translated from its msgid (``core.validate.Message``)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ungpho.core.validate import BIGINT, Invalid, Message, int_parse


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
