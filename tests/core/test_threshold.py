import pytest

from ungpho.core.monitoring.threshold import threshold_check


def test_a_value_equal_to_the_limit_complies():
    assert not threshold_check(value=0.5, limit=0.5).exceeded


def test_a_value_above_the_limit_exceeds_with_its_ratio():
    decision = threshold_check(value=0.75, limit=0.5)
    assert decision.exceeded and decision.ratio == pytest.approx(1.5)
    assert "0.75 > limit 0.5" in decision.criterion


def test_a_limit_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="limit must be positive"):
        threshold_check(value=1, limit=0)
