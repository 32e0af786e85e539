"""A measured value with four significant digits, in the active language's number format
(40,6 in Vietnamese, 40.6 in English) — never padded with zeros that the instrument did not
measure. Pages write it ``{{ value|measure }}`` (``web.templatetags.measure``)."""

from decimal import Decimal

from django.utils.formats import number_format


def measure(value, digits: int = 4):
    if value is None or value == "":
        return ""
    exact = Decimal(f"{float(value):.{int(digits)}g}")
    return number_format(exact, decimal_pos=max(0, -exact.as_tuple().exponent))
