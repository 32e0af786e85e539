"""The public map's state: a radiation exceedance is "being verified" until confirmed."""

import pytest

from ungpho.core.monitoring.state import VERIFYING, VERIFYING_NAMES, StationState, public_state


def test_an_unconfirmed_radiation_exceedance_is_being_verified_not_exceeding():
    assert public_state(StationState.EXCEEDING, radiation=True, confirmed=False) == VERIFYING


def test_a_confirmed_radiation_exceedance_is_exceeding():
    assert public_state(StationState.EXCEEDING, radiation=True, confirmed=True) == "exceeding"


def test_an_air_quality_exceedance_is_shown_as_it_is():
    assert public_state("exceeding", radiation=False, confirmed=False) == "exceeding"


@pytest.mark.parametrize("state", [s for s in StationState if s != StationState.EXCEEDING])
def test_other_states_are_shown_as_they_are(state):
    assert public_state(state, radiation=True, confirmed=False) == state.value


def test_being_verified_is_not_the_red_of_an_alarm():
    assert VERIFYING_NAMES[2] not in {s.colour for s in StationState}
