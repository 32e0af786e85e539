"""Measured values on pages: four significant digits in the reader's number format."""

import pytest
from django.utils import translation

from ungpho.web.templatetags.measure import measure


@pytest.mark.parametrize(("value", "vi", "en"), [
    (40.6, "40,6", "40.6"), (0.123456, "0,1235", "0.1235"), (2065.083, "2065", "2065"),
    (2_065_083.0, "2065000", "2065000"), (15.0, "15", "15"), (None, "", "")])
def test_values_keep_four_significant_digits_in_the_active_language(value, vi, en):
    with translation.override("vi"):
        assert measure(value) == vi
    with translation.override("en"):
        assert measure(value) == en
