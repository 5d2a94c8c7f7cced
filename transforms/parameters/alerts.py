"""[marts.alerts]: when mart_alerts raises an alert.

Keys (all optional; docs/configuration.md):
- `volume_threshold_sd` (3): a channel's items in the last 24 h must exceed the mean of the 7 days
  before by this many sample standard deviations;
- `volume_min_items` (10): ... and be at least this many (a quiet channel going from 1 to 4 is no spike);
- `volume_flat_margin` (0.5): when the 7 days before did not vary (standard deviation 0), the count must
  exceed their mean by this share instead (mean × 1.5);
- `negative_threshold_sd` (3), `negative_min_scored` (10), `negative_min_jump` (0.1): the share of negative
  items among the last 24 h's scored items must exceed the previous days' mean share by this many standard
  deviations, with at least this many scored items, and be at least `negative_min_jump` above the mean;
- `health_period` ("month") and `health_drop_points` (100): the health index of the latest month (or
  week) falling by at least this many points (0–1000 scale) from the period before.
"""
from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa

from warehouse.settings import ConfigError

SECTION = "alerts"

# key -> (default, smallest allowed, largest allowed, whole number, what it is)
NUMBERS = {
    "volume_threshold_sd": (3.0, 0.0, None, False, "a number of standard deviations, 0 or more"),
    "volume_min_items": (10, 1, None, True, "a whole number of items, at least 1"),
    "volume_flat_margin": (0.5, 0.0, None, False, "a share of the mean, 0 or more (0.5 = 50% above the mean)"),
    "negative_threshold_sd": (3.0, 0.0, None, False, "a number of standard deviations, 0 or more"),
    "negative_min_scored": (10, 1, None, True, "a whole number of scored items, at least 1"),
    "negative_min_jump": (0.1, 0.0, 1.0, False, "a share between 0 and 1 (0.1 = 10 points of negative share)"),
    "health_drop_points": (100.0, 0.0, 1000.0, False, "a number of index points between 0 and 1000, above 0"),
}
PERIODS = ("month", "week")


def _number(section: dict, key: str, where: str) -> float | int:
    default, low, high, whole, what = NUMBERS[key]
    value = section.get(key, default)
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
    if ok and whole:
        ok = isinstance(value, int)
    if ok:
        ok = value >= low and (high is None or value <= high)
    if ok and key == "health_drop_points":
        ok = value > 0
    if not ok:
        raise ConfigError(f"{where}: {key} must be {what} (got {value!r}); for example {key} = {default}")
    return value


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    known = set(NUMBERS) | {"health_period"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    values = {key: _number(section, key, where) for key in NUMBERS}
    period = section.get("health_period", "month")
    if period not in PERIODS:
        raise ConfigError(f"{where}: health_period must be \"month\" or \"week\" (got {period!r})")
    columns = {key: pa.array([value], pa.int32() if NUMBERS[key][3] else pa.float64())
               for key, value in values.items()}
    columns["health_period"] = pa.array([period], pa.string())
    return {"param_alerts": pa.table(columns)}
