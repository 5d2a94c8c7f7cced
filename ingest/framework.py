"""What every connector is made of, so that all of them have the same shape.

A connector is a module `ingest/<kind>/` that exposes `CONNECTOR`, a `Connector` with:

- **kind** and **channel** (forum, social or support);
- **entities**: the landing tables it writes, each with its Arrow schema and **natural key** (the
  source's own id columns; a record seen again replaces the earlier one);
- **extract(source, batch, cursor, progress) -> cursor**: reads the source from `cursor` onwards
  (None: from the beginning), validates every record with the connector's one validator, writes
  typed records and quarantined ones to the landing `batch`, appends a `FileSummary` per file,
  page or endpoint to `batch.manifest.files`, and returns the cursor to store once the batch is
  loaded. Parsing is done by pure functions (payload in, typed record or `RecordError` out);
- **stage_sql**: SQL that maps the landing tables (`land_<entity>`) onto the canonical staging
  tables (`stage_members`, `stage_content`, ...: the canonical tables' columns exactly). The shared
  merge (`ingest/merge.sql`) then upserts them, so every connector writes the warehouse in the same
  **write mode**: merge on the natural key, keep the history of edits and status changes.

See docs/connectors.md for the contract in full and for each connector's keys and cursor.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources.abc import Traversable

import pyarrow as pa

from warehouse.landing import BatchWriter
from warehouse.settings import ConfigError, Source

Progress = Callable[[str, int], None]  # (file or endpoint, records read so far)

CHANNELS = ("forum", "social", "support")

# kind -> (module that defines CONNECTOR, what `townsquare ingest KIND PATH` reads)
KINDS = {
    "stackexchange": ("ingest.stackexchange", "an unpacked Stack Exchange data dump folder (Posts.xml, Users.xml, ...)"),
    "discourse": ("ingest.discourse", "a Discourse forum through its JSON API (configure url and api key)"),
    "x": ("ingest.x", "X API v2 payloads: raw response pages or one tweet per line (.jsonl), a file or folder"),
    "social_csv": ("ingest.social_csv", "a CSV export of social posts, read with the column mapping in the config"),
    "zendesk": ("ingest.zendesk", "a Zendesk incremental export (tickets, ticket events, users, ... as JSON)"),
    "twcs": ("ingest.twcs", "customer-support conversations on X (the TWCS CSV layout)"),
}

API_KINDS = {"discourse"}  # read over the network with settings from the configuration, not from a path


class RecordError(ValueError):
    """This record cannot be loaded; the message says why, in words a person can act on."""


class NothingReadable(RuntimeError):
    """The source cannot be read at all (no such folder, no such host): nothing was landed."""


@dataclass(frozen=True)
class Entity:
    schema: pa.Schema
    key: tuple[str, ...]  # natural key columns


@dataclass(frozen=True)
class Connector:
    kind: str
    channel: str
    entities: dict[str, Entity]
    extract: Callable[[Source, BatchWriter, dict | None, Progress | None], dict | None]
    stage_sql: Traversable
    expects: str  # what the source should hold, for the error when nothing could be read

    def __post_init__(self):
        if self.channel not in CHANNELS:
            raise ValueError(f"channel must be one of {CHANNELS}")


def connector_for(kind: str) -> Connector:
    if kind not in KINDS:
        raise ConfigError(f"source kind {kind!r} is not supported; use one of: {', '.join(sorted(KINDS))}")
    return importlib.import_module(KINDS[kind][0]).CONNECTOR


def landing_schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    """A landing schema: the typed fields, then where the record was found and the record as received."""
    return pa.schema(fields + [("source_file", pa.string()), ("position", pa.int64()), ("raw", pa.string())])
