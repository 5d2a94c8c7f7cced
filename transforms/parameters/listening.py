"""[marts.listening]: the brands and keywords the listening marts track (share of voice, mentions).

Brands are the products and brands of the NLP catalogue (`[[entities.catalogue]]`, docs/nlp/entities.md),
read with nlp.settings from the Townsquare config (the file `TOWNSQUARE_CONFIG` names, the one the
enrichment read): an item mentions a brand when its enrichment lists the catalogue entity, so aliases
and spellings are already resolved. Keywords are words or phrases the team adds here:

    [marts.listening]
    include_catalogue = true          # track every catalogue entry (default true)

    [[marts.listening.keywords]]
    name = "Outage"                   # what the dashboard shows
    terms = ["outage", "down for everyone"]   # whole words or phrases, any case
    competitor = false                # default false

Result: param_tracked_brands(name, is_competitor, kind 'brand'|'keyword', term): one row per brand
(term = the catalogue's canonical name) and one row per keyword term.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from nlp.settings import load_nlp_settings
from warehouse.settings import ConfigError

SECTION = "listening"

SCHEMA = pa.schema([("name", pa.string()), ("is_competitor", pa.bool_()), ("kind", pa.string()),
                    ("term", pa.string())])
KEYWORD_KEYS = {"name", "terms", "competitor"}


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    """param_tracked_brands; the catalogue comes from `config_path` when given (the file the refresh
    reads), else from the Townsquare config (`TOWNSQUARE_CONFIG`), the file enrichment read."""
    unknown = sorted(set(section) - {"include_catalogue", "keywords"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: include_catalogue, keywords")
    include_catalogue = section.get("include_catalogue", True)
    if not isinstance(include_catalogue, bool):
        raise ConfigError(f"{where}: include_catalogue must be true or false")
    rows = []
    if include_catalogue:
        rows += [{"name": entry.name, "is_competitor": entry.competitor, "kind": "brand", "term": entry.name}
                 for entry in load_nlp_settings(config_path).catalogue]
    brands = {row["name"].lower() for row in rows}
    for row in _keywords(section.get("keywords", []), where):
        if row["name"].lower() in brands:
            raise ConfigError(f"{where}: keyword {row['name']!r} has the name of a catalogue entry; rename it "
                              "or drop it (the catalogue entry is already tracked)")
        rows.append(row)
    return {"param_tracked_brands": pa.Table.from_pylist(rows, schema=SCHEMA)}


def _keywords(keywords, where: str) -> list[dict]:
    if not isinstance(keywords, list):
        raise ConfigError(f"{where}: keywords must be a list of tables: [[marts.listening.keywords]] "
                          'with name = "..." and terms = ["...", ...]')
    rows, seen = [], set()
    for i, keyword in enumerate(keywords, start=1):
        at = f"{where} keywords entry {i}"
        if not isinstance(keyword, dict):
            raise ConfigError(f"{at} must be a table with name and terms")
        unknown = sorted(set(keyword) - KEYWORD_KEYS)
        if unknown:
            raise ConfigError(f"{at}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYWORD_KEYS))}")
        name = keyword.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{at} needs a name (what the dashboard shows)")
        name = name.strip()
        if name.lower() in seen:
            raise ConfigError(f"{at}: keyword {name!r} is listed twice; merge its terms into one entry")
        seen.add(name.lower())
        terms = keyword.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ConfigError(f"{at} ({name}): terms must be a non-empty list of words or phrases")
        competitor = keyword.get("competitor", False)
        if not isinstance(competitor, bool):
            raise ConfigError(f"{at} ({name}): competitor must be true or false")
        # matching is case-insensitive; a term listed twice in two cases is one term
        for term in dict.fromkeys(t.strip().lower() for t in terms):
            rows.append({"name": name, "is_competitor": competitor, "kind": "keyword", "term": term})
    return rows
