"""What every register list shares: filters read by forms (a bad value is an error beside its
filter, the others still apply) and pages of rows.

Readings (where the brief is silent):
- Dates are typed dd/mm/yyyy (or yyyy-mm-dd, as a date picker sends them).
- A period is in Vietnam's calendar: a day begins at its midnight, Vietnam time.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ungpho.core.vietnam_time import VIETNAM

PER_PAGE = 50
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ERR_DATE = _("Write the date as dd/mm/yyyy.")
ERR_CHOICE = _("%(value)s is not one of the choices.")
ALL = ("", _("all"))


def page_of(request: HttpRequest, rows) -> Page:
    """The page asked for; a page number that is not one is the first page, one past the
    end the last (Paginator.get_page)."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def choice_field(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[ALL, *choices],
                             error_messages={"invalid_choice": ERR_CHOICE})


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS,
                           error_messages={"invalid": ERR_DATE})


def filters_valid(form: forms.Form) -> dict:
    """The filters that were read without error (a bad one does not filter)."""
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


def midnight(day: dt.date | None) -> dt.datetime | None:
    """The start of ``day`` in Vietnam's calendar."""
    return None if day is None else dt.datetime.combine(day, dt.time(), VIETNAM)
