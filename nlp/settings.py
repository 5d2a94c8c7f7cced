"""What the community team writes in townsquare.toml for the NLP enrichment: the topic taxonomy, the
product and brand catalogue, and extra intent cues (docs/configuration.md, "Topics, entities and intent").

    [[topics.taxonomy]]
    name = "Billing"
    keywords = ["invoice", "refund", "credit card"]     # whole words, any inflection, any case
    patterns = ['\\bcharged (twice|double)\\b']          # optional regular expressions on lowercase text

    [[entities.catalogue]]
    name = "Lumen Hub"
    type = "PRODUCT"                                     # PRODUCT or BRAND
    aliases = ["hub", "lumen hub 2"]
    competitor = false

    [intent]
    idea = ["wishlist"]                                  # extra phrases that mark an intent

The file is the one `TOWNSQUARE_CONFIG` names (default townsquare.toml), like the rest of the config.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from warehouse.settings import ConfigError, config_path, read_toml

ENTITY_TYPES = ("PRODUCT", "BRAND")
INTENTS = ("question", "idea", "complaint", "praise", "other")


@dataclass(frozen=True)
class TaxonomyTopic:
    name: str
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogueEntry:
    name: str
    type: str = "PRODUCT"
    aliases: tuple[str, ...] = ()
    competitor: bool = False


@dataclass(frozen=True)
class NlpSettings:
    taxonomy: tuple[TaxonomyTopic, ...] = ()
    catalogue: tuple[CatalogueEntry, ...] = ()
    intent_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A stable text of everything here: part of the pipeline version, so editing the taxonomy re-enriches."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)


def load_nlp_settings(path: Path | str | None = None) -> NlpSettings:
    """The taxonomy, catalogue and intent cues of a config file (default: the Townsquare config; a missing
    default file means none)."""
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        return NlpSettings()
    raw = read_toml(path)
    return NlpSettings(_taxonomy(raw, path), _catalogue(raw, path), _intent_cues(raw, path))


def _strings(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _taxonomy(raw: dict, path: Path) -> tuple[TaxonomyTopic, ...]:
    topics, names = [], set()
    for i, entry in enumerate(raw.get("topics", {}).get("taxonomy", []), start=1):
        where = f"{path}: [[topics.taxonomy]] entry {i}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where} needs a name")
        if name in names:
            raise ConfigError(f"{where}: topic {name!r} is defined twice; merge its keywords into one entry")
        names.add(name)
        keywords = _strings(entry.get("keywords", []), f"{where} ({name}): keywords")
        patterns = _strings(entry.get("patterns", []), f"{where} ({name}): patterns")
        if not keywords and not patterns:
            raise ConfigError(f"{where} ({name}) has no keywords or patterns, so it could never match")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as e:
                raise ConfigError(f"{where} ({name}): pattern {pattern!r} is not a valid regular expression "
                                  f"({e}); in TOML write it in single quotes so backslashes stay as written") from None
        topics.append(TaxonomyTopic(name.strip(), keywords, patterns))
    return tuple(topics)


def _catalogue(raw: dict, path: Path) -> tuple[CatalogueEntry, ...]:
    entries = []
    for i, entry in enumerate(raw.get("entities", {}).get("catalogue", []), start=1):
        where = f"{path}: [[entities.catalogue]] entry {i}"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where} needs a name")
        kind = str(entry.get("type", "PRODUCT")).upper()
        if kind not in ENTITY_TYPES:
            raise ConfigError(f"{where} ({name}): type must be one of {', '.join(ENTITY_TYPES)}, not {kind!r}")
        aliases = _strings(entry.get("aliases", []), f"{where} ({name}): aliases")
        entries.append(CatalogueEntry(name.strip(), kind, aliases, bool(entry.get("competitor", False))))
    return tuple(entries)


def _intent_cues(raw: dict, path: Path) -> dict[str, tuple[str, ...]]:
    cues = raw.get("intent", {})
    unknown = set(cues) - (set(INTENTS) - {"other"})
    if unknown:
        raise ConfigError(f"{path}: [intent] has {', '.join(sorted(unknown))}; the intents are "
                          f"{', '.join(i for i in INTENTS if i != 'other')}")
    return {intent: _strings(phrases, f"{path}: [intent] {intent}") for intent, phrases in sorted(cues.items())}
