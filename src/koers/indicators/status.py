"""The traffic light of a value against its target: green, orange, red or unknown.

Pure functions. The tolerance is an amount in the indicator's own unit (percentage points
for a percentage): a value that misses its target (or band) by no more than the tolerance
is orange, by more it is red. Without a tolerance a value is green or red.
"""

from decimal import Decimal

GREEN, ORANGE, RED, UNKNOWN = "green", "orange", "red", "unknown"
HIGHER, LOWER, BAND = "higher", "lower", "band"


def judge(
    value: Decimal | None,
    *,
    direction: str,
    target: Decimal | None = None,
    band_low: Decimal | None = None,
    band_high: Decimal | None = None,
    tolerance: Decimal | None = None,
) -> str:
    """The status of ``value``: for ``higher`` and ``lower`` against ``target``, for
    ``band`` against ``band_low``–``band_high`` (either side may be open). Unknown when
    there is no value or nothing to compare it with."""
    if value is None:
        return UNKNOWN
    if direction == BAND:
        if band_low is None and band_high is None:
            return UNKNOWN
        if band_low is not None and value < band_low:
            miss = band_low - value
        elif band_high is not None and value > band_high:
            miss = value - band_high
        else:
            return GREEN
    else:
        if target is None:
            return UNKNOWN
        miss = target - value if direction == HIGHER else value - target
        if miss <= 0:
            return GREEN
    tolerance = abs(tolerance) if tolerance is not None else Decimal(0)
    return ORANGE if miss <= tolerance else RED
