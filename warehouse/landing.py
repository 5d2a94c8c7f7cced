"""The landing zone: immutable Parquet batches written by connectors, plus their quarantine.

A batch is a folder `landing/<source>/<community>/<batch_id>/` with one Parquet file per entity,
`quarantine.parquet` for rejected records and `manifest.json` with the per-file reconciliation. It is
written under `<batch_id>.partial/` and renamed into place only when complete, so a crash never
leaves a half batch that a loader could pick up.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse import settings

CHUNK_ROWS = 10_000  # rows buffered per entity before they are written: bounds memory

QUARANTINE_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("position", pa.int64()),
        ("reason", pa.string()),
        ("raw", pa.string()),
    ]
)


@dataclass
class FileSummary:
    """What happened to one source file: read = landed + quarantined."""

    source_file: str
    entity: str
    status: str = "ok"  # ok, partial, missing, unreadable
    read: int = 0
    landed: int = 0
    quarantined: int = 0
    message: str | None = None
    started_at: str = ""
    finished_at: str = ""


@dataclass
class Manifest:
    batch_id: str
    source: str      # the source's namespace within the community (by default its kind)
    community: str
    location: str
    name: str
    files: list[FileSummary] = field(default_factory=list)
    kind: str = "stackexchange"
    cursor: dict | None = None  # where the next incremental read starts, stored when the batch loads

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def landed(self) -> int:
        return sum(f.landed for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)


class _ParquetSink:
    """Buffers rows and writes them in chunks to one Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.rows: list[dict] = []
        self.writer: pq.ParquetWriter | None = None

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


class BatchWriter:
    """Writes one landing batch. Use as a context manager; the batch is published on clean exit."""

    def __init__(self, source: str, community: str, location: str, name: str, batch_id: str | None = None,
                 kind: str | None = None):
        self.batch_id = batch_id or new_batch_id()
        self.final_dir = settings.landing_dir() / source / community / self.batch_id
        self.dir = self.final_dir.with_name(self.batch_id + ".partial")
        self.manifest = Manifest(self.batch_id, source, community, location, name, kind=kind or source)
        self._sinks: dict[str, _ParquetSink] = {}
        self._quarantine: _ParquetSink | None = None

    def __enter__(self) -> "BatchWriter":
        self.dir.mkdir(parents=True, exist_ok=False)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            return
        for sink in self._sinks.values():
            sink.close()
        if self._quarantine is not None:
            self._quarantine.close()
        manifest = asdict(self.manifest)
        (self.dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        os.replace(self.dir, self.final_dir)

    def write(self, entity: str, schema: pa.Schema, row: dict) -> None:
        sink = self._sinks.get(entity)
        if sink is None:
            sink = self._sinks[entity] = _ParquetSink(self.dir / f"{entity}.parquet", schema)
        sink.add(row)

    def quarantine(self, source_file: str, position: int, reason: str, raw: str | None) -> None:
        if self._quarantine is None:
            self._quarantine = _ParquetSink(self.dir / "quarantine.parquet", QUARANTINE_SCHEMA)
        self._quarantine.add({"source_file": source_file, "position": position, "reason": reason, "raw": raw})


def new_batch_id() -> str:
    # Sortable by time of landing, unique across concurrent runs.
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def read_manifest(batch_dir: Path) -> Manifest:
    data = json.loads((Path(batch_dir) / "manifest.json").read_text(encoding="utf-8"))
    files = [FileSummary(**f) for f in data.pop("files")]
    return Manifest(**data, files=files)
