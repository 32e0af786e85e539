"""Times typed in forms (issue 21): day first as written in Vietnam, or ISO; Vietnam's time
unless an offset is typed; anything else refused naming the field."""

import datetime as dt

import pytest

from ungpho.core.validate import Invalid, local_time_parse
from ungpho.core.vietnam_time import VIETNAM

TEN_AM = dt.datetime(2026, 12, 31, 10, 0, tzinfo=VIETNAM)


@pytest.mark.parametrize("typed", [
    "31/12/2026 10:00", "31/12/2026 10:00:00", " 31/12/2026  10:00 ", "2026-12-31 10:00",
    "2026-12-31T10:00", "2026-12-31T03:00+00:00", "2026-12-31T10:00:00+07:00",
])
def test_day_first_iso_and_datetime_local_read_as_the_same_vietnam_time(typed):
    assert local_time_parse(typed, field="due_at") == TEN_AM


def test_a_date_alone_is_its_midnight_in_vietnam():
    assert local_time_parse("1/2/2027", field="due_at") == dt.datetime(2027, 2, 1,
                                                                      tzinfo=VIETNAM)


def test_a_clock_time_alone_is_today_in_vietnam_when_the_form_allows_it():
    now = dt.datetime(2026, 12, 30, 20, 0, tzinfo=dt.UTC)  # 03:00 on the 31st in Vietnam
    assert local_time_parse("10:00", field="call_time", now=now) == TEN_AM
    with pytest.raises(Invalid):
        local_time_parse("10:00", field="due_at")


@pytest.mark.parametrize("typed", ["31/13/2026 10:00", "32/12/2026", "12/31/2026 25:00",
                                   "31-12-2026", "ngày mai", "", "9" * 100, "31/12/0001"])
def test_anything_else_is_refused_naming_the_field(typed):
    with pytest.raises(Invalid) as error:
        local_time_parse(typed, field="due_at")
    assert error.value.field == "due_at"
