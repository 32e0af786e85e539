"""Fixed-limit threshold check on one reading.

A reading exceeds when it is strictly above the limit, as national limits are written
("không vượt quá", QCVN 05:2023/BTNMT Bảng 1); a value equal to the limit complies.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThresholdDecision:
    exceeded: bool
    value: float
    limit: float
    ratio: float
    criterion: str


def threshold_check(*, value: float, limit: float) -> ThresholdDecision:
    """Decide whether ``value`` exceeds ``limit`` (same unit), with the ratio value/limit."""
    if limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    exceeded = value > limit
    criterion = f"value {value:g} {'>' if exceeded else '≤'} limit {limit:g}"
    return ThresholdDecision(exceeded, value, limit, value / limit, criterion)
