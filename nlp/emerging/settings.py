"""Emerging-topic parameters: defaults here, overridable in townsquare.toml under [topics.emerging]."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from warehouse import settings as warehouse_settings
from warehouse.settings import ConfigError

# Bump when the method changes (terms, model, labels): every period is computed again.
CODE_VERSION = "1"


@dataclass(frozen=True)
class EmergingSettings:
    period: str = "month"            # month (calendar) or week (ISO, from Monday)
    max_themes: int = 8              # themes per community and period, at most
    items_per_theme: int = 10        # one theme per this many items, between 2 and max_themes
    min_items: int = 20              # periods with fewer English items are skipped (and recorded as skipped)
    min_term_items: int = 3          # a term must occur in this many items of the period (min_df)
    max_term_share: float = 0.5      # terms in more than this share of the period's items are background (max_df)
    max_terms: int = 50_000          # vocabulary cap per period, most frequent first
    min_weight: float = 0.1          # an item belongs to its strongest theme only with at least this weight
    min_relative_weight: float = 0.5  # ... and at least this share of the median weight of the theme's items
    min_theme_items: int = 3         # themes with fewer items are not reported
    top_terms: int = 5               # terms kept per theme; the label shows the first label_terms
    label_terms: int = 3
    max_iterations: int = 300
    languages: tuple[str, ...] = ("en", "und")  # the stop words and word forms are English
    exclude_kinds: tuple[str, ...] = ("tag_wiki", "tag_wiki_excerpt")  # reference text, not conversation
    source: str = field(default="defaults", compare=False)

    def fingerprint(self) -> str:
        """Changes when any parameter or the method does: stored per period to recompute on change."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.compare}
        return hashlib.md5(json.dumps([CODE_VERSION, values], sort_keys=True).encode()).hexdigest()[:12]


def load_settings(path: Path | None = None) -> EmergingSettings:
    """[topics.emerging] of the configuration file (TOWNSQUARE_CONFIG / townsquare.toml); defaults without it."""
    path = Path(path) if path is not None else warehouse_settings.config_path()
    if not path.exists():
        return EmergingSettings()
    raw = warehouse_settings.read_toml(path)
    topics = raw.get("topics", {})
    table = topics.get("emerging", {}) if isinstance(topics, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [topics.emerging] must be a table of keys (period = \"month\", ...)")
    return from_table(table, f"{path}: [topics.emerging]")


def from_table(table: dict, where: str = "[topics.emerging]") -> EmergingSettings:
    defaults = EmergingSettings()
    known = {f.name: f for f in dataclasses.fields(EmergingSettings) if f.compare}
    unknown = set(table) - set(known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    values = {}
    for name, value in table.items():
        default = getattr(defaults, name)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {name} must be a list of strings")
            value = tuple(value)
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}: {name} must be a number")
            value = float(value)
        elif type(value) is not type(default):
            raise ConfigError(f"{where}: {name} must be a {type(default).__name__}, not {value!r}")
        values[name] = value
    s = dataclasses.replace(defaults, **values, source=where)
    problems = []
    if s.period not in ("month", "week"):
        problems.append(f"period must be \"month\" or \"week\", not {s.period!r}")
    for name in ("max_themes", "items_per_theme", "min_items", "min_term_items", "max_terms", "min_theme_items",
                 "top_terms", "label_terms", "max_iterations"):
        if getattr(s, name) < 1:
            problems.append(f"{name} must be at least 1")
    if not 0 < s.max_term_share <= 1:
        problems.append("max_term_share must be in (0, 1]")
    if not 0 <= s.min_weight < 1:
        problems.append("min_weight must be in [0, 1)")
    if not 0 <= s.min_relative_weight <= 1:
        problems.append("min_relative_weight must be in [0, 1]")
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    return s
