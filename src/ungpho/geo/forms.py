"""The province filter of the register lists: every province by its name, in Vietnamese
alphabetical order (diacritics folded)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ungpho.core.text_fold import folded
from ungpho.geo.models import Province
from ungpho.platform.lists import ALL

ERR_PROVINCE = _("Unknown province: %(value)s.")


def province_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Province"), required=False,
        choices=lambda: [ALL] + sorted(((p.code, p.name) for p in Province.objects.all()),
                                       key=lambda choice: folded(choice[1])),
        error_messages={"invalid_choice": ERR_PROVINCE})
