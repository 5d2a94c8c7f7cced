"""Reading a source into one landing batch, the same way for every connector."""
from __future__ import annotations

from pathlib import Path

from ingest.framework import Progress, connector_for
from warehouse.db import read_cursor
from warehouse.landing import BatchWriter, Manifest
from warehouse.settings import Source


def extract_source(source: Source, progress: Progress | None = None) -> tuple[Path, Manifest]:
    """Read `source` from its stored cursor onwards into a new landing batch.

    Runs outside the warehouse lock (it only reads the cursor). The batch records the cursor to
    store; it is stored only when the batch is loaded, in the same transaction.
    """
    connector = connector_for(source.kind)
    cursor = read_cursor(source.key)
    with BatchWriter(source.namespace, source.community, source.location, source.name, kind=source.kind) as batch:
        batch.manifest.cursor = connector.extract(source, batch, cursor, progress)
    return batch.final_dir, batch.manifest


def nothing_read(manifest: Manifest) -> bool:
    """The source gave nothing loadable. An incremental source with nothing new since its cursor is quiet,
    not failing: it read nothing, rejected nothing and still has a cursor."""
    return manifest.landed == 0 and (manifest.quarantined > 0 or manifest.cursor is None)


def nothing_read_message(manifest: Manifest) -> str:
    return (f"no record could be read from {manifest.location}: expected {connector_for(manifest.kind).expects}; "
            "what was found is in the quarantine and the run log")
