"""[marts.customer_health]: the rolling window and the green / yellow / red rules of customer health.

Keys (all optional):
- `window_days` (default 60): the window ends at the refresh's as_of; the previous window is the same
  length just before it.
- `[marts.customer_health.yellow]` and `[marts.customer_health.red]`, each with
  - `satisfaction_below`: good share among rated tickets below this (0..1; yellow 0.8, red 0.5)
  - `sentiment_below`: mean sentiment of the customer's messages below this (-1..1; yellow -0.1, red -0.25: the sentiment labels call a text negative at -0.25)
  - `open_tickets_at_least`: tickets open at the window's end at least this many (yellow 3, red 6)
  - `messages_per_ticket_above`: messages per ticket above this (yellow 6, red 10)
  A customer is red when any red rule holds, else yellow when any yellow rule holds, else green. Red
  thresholds must be at least as strict as yellow ones (a red customer is always also past yellow).
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from warehouse.settings import ConfigError

SECTION = "customer_health"

# measure -> (comparison, yellow default, red default, lowest allowed, highest allowed)
RULES = {
    "satisfaction_below": ("below", 0.8, 0.5, 0.0, 1.0),
    "sentiment_below": ("below", -0.1, -0.25, -1.0, 1.0),
    "open_tickets_at_least": ("at_least", 3, 6, 1, None),
    "messages_per_ticket_above": ("above", 6, 10, 0, None),
}
MEASURE = {"satisfaction_below": "satisfaction", "sentiment_below": "sentiment",
           "open_tickets_at_least": "open_tickets", "messages_per_ticket_above": "messages_per_ticket"}


def _threshold(level: dict, key: str, default, low, high, where: str) -> float:
    value = level.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
    if value < low or (high is not None and value > high):
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{where}: {key} must be {span} (got {value})")
    return float(value)


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    unknown = sorted(set(section) - {"window_days", "yellow", "red"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: window_days, yellow, red")
    window = section.get("window_days", 60)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ConfigError(f"{where}: window_days must be a whole number of days, at least 1 (got {window!r})")

    levels = {}
    for status in ("yellow", "red"):
        level = section.get(status, {})
        if not isinstance(level, dict):
            raise ConfigError(f"{where}: {status} must be a table such as [marts.customer_health.{status}]")
        bad = sorted(set(level) - set(RULES))
        if bad:
            raise ConfigError(f"{where}.{status}: unknown key(s) {', '.join(bad)}; known: {', '.join(RULES)}")
        levels[status] = {key: _threshold(level, key, rule[1] if status == "yellow" else rule[2], rule[3], rule[4],
                                          f"{where}.{status}") for key, rule in RULES.items()}
    for key, (comparison, *_rest) in RULES.items():
        yellow, red = levels["yellow"][key], levels["red"][key]
        stricter = red <= yellow if comparison == "below" else red >= yellow
        if not stricter:
            raise ConfigError(f"{where}: red {key} ({red}) must be at least as strict as yellow ({yellow})")

    rows = [(status, MEASURE[key], RULES[key][0], levels[status][key]) for status in ("red", "yellow") for key in RULES]
    return {
        "param_customer_health": pa.table({"window_days": pa.array([window], pa.int32())}),
        "param_customer_health_rules": pa.table({
            "status": pa.array([r[0] for r in rows], pa.string()),
            "measure": pa.array([r[1] for r in rows], pa.string()),
            "comparison": pa.array([r[2] for r in rows], pa.string()),
            "threshold": pa.array([r[3] for r in rows], pa.float64()),
        }),
    }
