"""[marts.health]: how the Community Health Index weighs and scales its six factors.

Keys (all optional):
- `history_periods` (default 12): each factor is scored as the percentile of this period's value among the
  community's previous `history_periods` periods of the same kind (12 months, 12 weeks).
- `minimum_history` (default 3): a factor is scored only against at least this many previous periods with a
  value; with fewer it stays at 0.5 (neutral), so a young community's index does not swing on one comparison.
- `response_hours` (default 24): a question counts as promptly answered when its first response came
  within this many hours.
- `[marts.health.weights]`: growth, content, traffic, responsiveness, interaction, liveliness (default 1
  each); weights are non-negative and at least one is positive. The index is the weighted mean of the
  factor scores times 1000.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from warehouse.settings import ConfigError

SECTION = "health"

FACTORS = ("growth", "content", "traffic", "responsiveness", "interaction", "liveliness")
DEFAULTS = {"history_periods": 12, "minimum_history": 3, "response_hours": 24.0}


def _number(value, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
    return float(value)


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    unknown = sorted(set(section) - set(DEFAULTS) - {"weights"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(DEFAULTS))}, weights")
    history = section.get("history_periods", DEFAULTS["history_periods"])
    if isinstance(history, bool) or not isinstance(history, int) or history < 1:
        raise ConfigError(f"{where}: history_periods must be a whole number of periods, at least 1 (got {history!r})")
    minimum = section.get("minimum_history", DEFAULTS["minimum_history"])
    if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= history:
        raise ConfigError(f"{where}: minimum_history must be a whole number from 1 to history_periods ({history}), "
                          f"got {minimum!r}")
    hours = _number(section.get("response_hours", DEFAULTS["response_hours"]), where, "response_hours")
    if hours <= 0:
        raise ConfigError(f"{where}: response_hours must be more than 0 (got {hours})")

    given = section.get("weights", {})
    if not isinstance(given, dict):
        raise ConfigError(f"{where}: weights must be a table such as [marts.health.weights] with growth = 2")
    unknown = sorted(set(given) - set(FACTORS))
    if unknown:
        raise ConfigError(f"{where}: unknown weight(s) {', '.join(unknown)}; factors: {', '.join(FACTORS)}")
    weights = {f: _number(given.get(f, 1.0), where, f"weights.{f}") for f in FACTORS}
    negative = [f for f, w in weights.items() if w < 0]
    if negative:
        raise ConfigError(f"{where}: weights cannot be negative ({', '.join(negative)}); use 0 to leave a factor out")
    if sum(weights.values()) <= 0:
        raise ConfigError(f"{where}: at least one weight must be more than 0")

    return {
        "param_health": pa.table({"history_periods": pa.array([history], pa.int32()),
                                  "minimum_history": pa.array([minimum], pa.int32()),
                                  "response_hours": pa.array([hours], pa.float64())}),
        "param_health_weights": pa.table({"factor": pa.array(list(FACTORS), pa.string()),
                                          "weight": pa.array([weights[f] for f in FACTORS], pa.float64())}),
    }
