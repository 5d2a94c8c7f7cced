"""[marts.escalation]: how long a question or ticket may wait for an answer before it escalates, and
where new escalations are announced.

    [marts.escalation]
    default_hours = 48                  # every group (tag, ticket tag) unless overridden below
    webhook_url = "https://helpdesk.example.com/hooks/townsquare"   # optional: POST new escalations
    webhook_timeout_seconds = 10

    [marts.escalation.group_hours]      # per group name; a conversation in several groups gets the shortest
    "staking" = 12
    "billing" = 4

param_escalation_default (hours) and param_escalation_group_hours (group_name, hours) feed
mart_escalations; `webhook()` gives the webhook settings to transforms/escalation_webhook.py.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa

from warehouse import settings
from warehouse.settings import ConfigError

SECTION = "escalation"

DEFAULT_HOURS = 48.0
DEFAULT_TIMEOUT_SECONDS = 10.0
_KEYS = {"default_hours", "group_hours", "webhook_url", "webhook_timeout_seconds"}


@dataclass(frozen=True)
class Webhook:
    url: str | None
    timeout_seconds: float


def _hours(value, where: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{where}: {name} must be a positive number of hours (for example 48), not {value!r}")
    return float(value)


def _check_keys(section: dict, where: str) -> None:
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")


def webhook(section: dict, where: str) -> Webhook:
    """The validated webhook settings (url None: no webhook)."""
    _check_keys(section, where)
    url = section.get("webhook_url")
    if url is not None:
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"{where}: webhook_url must be an http(s) URL such as "
                              f"\"https://helpdesk.example.com/hooks/townsquare\", not {url!r}")
    timeout = section.get("webhook_timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise ConfigError(f"{where}: webhook_timeout_seconds must be a number of seconds in (0, 300], not {timeout!r}")
    return Webhook(url, float(timeout))


def configured_webhook(config_path: Path | None = None) -> Webhook:
    """The webhook settings from townsquare.toml (defaults when the file or the section is absent)."""
    path = config_path or settings.config_path()
    raw = settings.read_toml(path) if path.exists() else {}
    section = raw.get("marts", {}).get(SECTION, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [marts.{SECTION}] must be a table")
    return webhook(section, f"{path} [marts.{SECTION}]")


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    webhook(section, where)  # a bad webhook setting fails the refresh, not the first escalation
    default = _hours(section.get("default_hours", DEFAULT_HOURS), where, "default_hours")
    groups = section.get("group_hours", {})
    if not isinstance(groups, dict):
        raise ConfigError(f"{where}: group_hours must be a table of group name = hours, "
                          f"like [marts.{SECTION}.group_hours] followed by \"billing\" = 4")
    names, hours = [], []
    for name, value in sorted(groups.items()):
        names.append(name)
        hours.append(_hours(value, where, f"group_hours.{name}"))
    return {
        "param_escalation_default": pa.table({"hours": pa.array([default], pa.float64())}),
        "param_escalation_group_hours": pa.table({"group_name": pa.array(names, pa.string()),
                                                  "hours": pa.array(hours, pa.float64())}),
    }
