"""The end of environmental restoration, the criterion that closes a response.

TT 12/2023/TT-BKHCN Điều 25.2: the command board ends environmental restoration when
a) the potential effective dose is at most 10 mSv per year and b) restoration measures have
been applied to reduce it. TT 25/2014/TT-BKHCN Điều 26.3 says the same in a) and b) and asks
c) an argument that further restoration would cost more than it gains, which the officer
states in words. The limit and the citation come from the instrument's ``restoration`` table.
"""

from __future__ import annotations

from ungpho.core.rules.criteria import absent_note
from ungpho.core.rules.decision import Criterion, Decision
from ungpho.core.rules.loader import Instrument
from ungpho.core.rules.tables import Restoration
from ungpho.core.rules.units import Measure


def restoration_end(dose_per_year: Measure, remediation_applied: bool | None,
                    instrument: Instrument) -> Decision:
    """May restoration (and so the response) end? ``dose_per_year``: the potential effective
    dose over a year (a dose, e.g. ``measure_parse("8 mSv", "dose")``); ``remediation_applied``:
    whether restoration measures were applied (None: not known yet, named in ``missing``).

    ``result``: ``may_end`` (True, False, or None while unknown), ``dose_msv_per_year``,
    ``max_msv_per_year``, ``remediation_applied``, ``remediation_required``. The dose is
    compared in SI, both sides read through Decimal, so 10 mSv meets a 10 mSv limit exactly.
    """
    table = instrument.tables.get("restoration")
    if not isinstance(table, Restoration):
        return Decision("restoration_end", {"may_end": None}, instrument.short,
                        notes=(absent_note(instrument, "restoration"),))
    limit = table.max_potential_effective_dose_per_year
    low_enough = dose_per_year.si <= limit.si
    required = table.requires_remediation_applied
    missing = ("restoration.remediation_applied",) \
        if remediation_applied is None and low_enough and required else ()
    may_end = low_enough and (remediation_applied if required else True)
    criterion = Criterion("restoration_end", instrument.cite(table.cite), table.text.text(),
                          f"potential_effective_dose_per_year = {dose_per_year}; "
                          f"remediation_applied = {remediation_applied}",
                          "may end" if may_end else "continue")
    result = {"may_end": may_end, "dose_msv_per_year": dose_per_year.si * 1e3,
              "max_msv_per_year": limit.si * 1e3, "remediation_applied": remediation_applied,
              "remediation_required": required}
    return Decision("restoration_end", result, instrument.short, (criterion,), missing)
