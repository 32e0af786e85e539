"""The criterion that ends a response: TT 12/2023 Điều 25.2 (TT 25/2014 Điều 26.3 before)."""

from datetime import date

from ungpho.core.rules.loader import rules_in_force
from ungpho.core.rules.restoration import restoration_end
from ungpho.core.rules.units import measure_parse

TT12 = rules_in_force(date(2026, 12, 1))
TT25 = rules_in_force(date(2020, 1, 1))


def _end(dose: str, applied, instrument=TT12):
    return restoration_end(measure_parse(dose, "dose"), applied, instrument)


def test_restoration_ends_at_exactly_10_msv_a_year_and_not_a_microsievert_above():
    assert _end("10 mSv", True).result["may_end"] is True
    assert _end("10000 µSv", True).result["may_end"] is True
    assert _end("10.001 mSv", True).result["may_end"] is False
    assert _end("0 mSv", True).result["may_end"] is True


def test_restoration_does_not_end_before_remediation_is_applied():
    assert _end("2 mSv", False).result["may_end"] is False
    unknown = _end("2 mSv", None)
    assert unknown.result["may_end"] is None
    assert unknown.missing == ("restoration.remediation_applied",)


def test_the_decision_cites_the_article_of_the_instrument_in_force():
    decision = _end("8 mSv", True)
    assert decision.matched[0].citation == "TT 12/2023/TT-BKHCN, Điều 25.2"
    assert decision.result["max_msv_per_year"] == 10
    assert _end("8 mSv", True, TT25).matched[0].citation == "TT 25/2014/TT-BKHCN, Điều 26.3"
