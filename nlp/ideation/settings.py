"""Ideation parameters: defaults here, overridable in townsquare.toml under [marts.ideation].

One section serves both steps: the NLP step (which posts are ideas, near-duplicates, themes) and the marts
(status tags, trend window; transforms/parameters/ideation.py turns it into param_* tables).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from warehouse import settings as warehouse_settings
from warehouse.settings import ConfigError

# Bump when the method changes (terms, similarity, clustering, labels).
CODE_VERSION = "1"
STATUSES = ("open", "planned", "done", "declined")


@dataclass(frozen=True)
class IdeationSettings:
    idea_tags: tuple[str, ...] = ("feature-request",)   # a thread-starting post with one of these tags is an idea
    use_intent: bool = True                             # ... and so is one whose enrichment intent is "idea"
    exclude_kinds: tuple[str, ...] = ("tag_wiki", "tag_wiki_excerpt")  # site furniture, never ideas
    status_tags: tuple[tuple[str, str], ...] = (        # tag -> status; replaced as a whole when configured
        ("status-completed", "done"), ("status-planned", "planned"),
        ("status-declined", "declined"), ("status-bydesign", "declined"))
    duplicate_similarity: float = 0.6   # TF-IDF cosine at or above which two ideas are near-duplicates
    theme_similarity: float = 0.2       # mean cosine between the ideas of two groups for them to join one theme
    top_terms: int = 5                  # terms kept per theme; the label shows the first label_terms
    label_terms: int = 3
    trend_days: int = 30                # trend: ideas in the last trend_days to as_of against the trend_days before
    source: str = field(default="defaults", compare=False)

    def fingerprint(self) -> str:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.compare}
        return hashlib.md5(json.dumps([CODE_VERSION, values], sort_keys=True).encode()).hexdigest()[:12]


def load_settings(path: Path | None = None) -> IdeationSettings:
    """[marts.ideation] of the configuration file (TOWNSQUARE_CONFIG / townsquare.toml); defaults without it."""
    path = Path(path) if path is not None else warehouse_settings.config_path()
    if not path.exists():
        return IdeationSettings()
    raw = warehouse_settings.read_toml(path)
    marts = raw.get("marts", {})
    table = marts.get("ideation", {}) if isinstance(marts, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [marts.ideation] must be a table of keys (idea_tags = [...], ...)")
    return from_table(table, f"{path} [marts.ideation]")


def from_table(table: dict, where: str = "[marts.ideation]") -> IdeationSettings:
    defaults = IdeationSettings()
    known = {f.name for f in dataclasses.fields(IdeationSettings) if f.compare}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    values = {}
    for name, value in table.items():
        default = getattr(defaults, name)
        if name == "status_tags":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f'{where}: status_tags must be a table of tag = status, e.g. '
                                  f'status_tags = {{ "status-completed" = "done" }}')
            bad = sorted(f"{t} = {s!r}" for t, s in value.items() if s not in STATUSES)
            if bad:
                raise ConfigError(f"{where}: status_tags: {', '.join(bad)}: a status is one of {', '.join(STATUSES)}")
            value = tuple(sorted((t.lower(), s) for t, s in value.items()))
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {name} must be a list of strings")
            value = tuple(v.lower() if name == "idea_tags" else v for v in value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {name} must be true or false, not {value!r}")
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}: {name} must be a number")
            value = float(value)
        elif isinstance(value, bool) or type(value) is not type(default):
            raise ConfigError(f"{where}: {name} must be a {type(default).__name__}, not {value!r}")
        values[name] = value
    s = dataclasses.replace(defaults, **values, source=where)
    problems = []
    for name in ("duplicate_similarity", "theme_similarity"):
        if not 0 < getattr(s, name) <= 1:
            problems.append(f"{name} must be in (0, 1]")
    for name in ("top_terms", "label_terms", "trend_days"):
        if getattr(s, name) < 1:
            problems.append(f"{name} must be at least 1")
    if not s.idea_tags and not s.use_intent:
        problems.append("with no idea_tags and use_intent = false nothing is an idea: set one of them")
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    return s
