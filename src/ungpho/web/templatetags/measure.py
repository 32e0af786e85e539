"""``{{ value|measure }}``: a measured value with four significant digits, in the active
language's number format (``platform.numbers.measure``)."""

from django import template

from ungpho.platform.numbers import measure

register = template.Library()
register.filter("measure", measure)
