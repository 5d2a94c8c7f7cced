"""Incremental enrichment: only content without an enrichment for the current pipeline version.

1. export (under the warehouse lock, quick): pending items go to Parquet shards under
   $TOWNSQUARE_HOME/nlp/<version>/<run>/pending-N.parquet;
2. enrich (outside the lock, one process per core, each a fresh interpreter): each shard through `nlp.pipe` into an
   enriched-N.parquet beside it;
3. load (under the lock): the enriched shards are merged into `enrichments`.

An item that cannot be enriched (no text; a component failing on it) still gets a row, with the
reason in `error`, so it is counted and not tried again until its text or the pipeline changes.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nlp.pipeline import build_pipeline, pipeline_version
from nlp.text import prepare
from warehouse import settings
from warehouse.changes import record_content_changes
from warehouse.db import writer

SHARD_ROWS = 5_000
MIN_SHARD_ROWS = 500  # below this a second worker costs more to start than it saves
BATCH_SIZE = 256

ENRICHED = pa.schema([
    ("content_id", pa.string()), ("text_hash", pa.string()), ("pipeline_version", pa.string()),
    ("community_id", pa.string()), ("language", pa.string()), ("language_confidence", pa.float64()),
    ("language_reason", pa.string()), ("sentiment", pa.float64()), ("sentiment_label", pa.string()),
    ("sentiment_reasons", pa.list_(pa.string())), ("learned_topic", pa.string()),
    ("learned_topic_confidence", pa.float64()), ("error", pa.string()), ("enriched_at", pa.timestamp("us")),
    ("topics", pa.list_(pa.string())), ("topic_evidence", pa.list_(pa.string())), ("intent", pa.string()),
    ("intent_reason", pa.string()),
    ("entities", pa.list_(pa.struct([("name", pa.string()), ("type", pa.string()), ("source", pa.string())]))),
])


@dataclass
class EnrichmentRun:
    version: str
    pending: int = 0
    enriched: int = 0
    errors: int = 0
    shards: int = 0
    emerging: dict | None = None  # what the emerging-topics refresh after it did (nlp.emerging)
    ideation: dict | None = None  # what the idea-theme refresh after it did (nlp.ideation)


PENDING = """
    from content c
    where not exists (select 1 from enrichments e where e.content_id = c.content_id
                      and e.text_hash = c.text_hash and e.pipeline_version = ?)"""


def export_pending(con, version: str, folder: Path, workers: int = 1) -> list[Path]:
    """Write the items that have no enrichment of `version` to Parquet shards; return their paths. Shards
    hold at most SHARD_ROWS items, and fewer when there is little to do, so every worker gets one."""
    [(pending,)] = con.execute(f"select count(*) {PENDING}", [version]).fetchall()
    shard_rows = max(MIN_SHARD_ROWS, min(SHARD_ROWS, -(-pending // max(1, workers))))
    reader = con.sql(f"select c.content_id, c.community_id, c.text_hash, c.title, c.body_text {PENDING} "
                     "order by c.content_id", params=[version]).to_arrow_reader(shard_rows)
    folder.mkdir(parents=True, exist_ok=True)
    shards = []
    for i, batch in enumerate(reader):
        if batch.num_rows:
            path = folder / f"pending-{i}.parquet"
            pq.write_table(pa.Table.from_batches([batch]), path)
            shards.append(path)
    return shards


def _row(item: dict, version: str, now: dt.datetime, doc=None, error: str | None = None) -> dict:
    row = {"content_id": item["content_id"], "text_hash": item["text_hash"], "pipeline_version": version,
           "community_id": item["community_id"], "error": error, "enriched_at": now}
    if doc is None:
        return row
    tags = doc._
    return row | {
        "language": tags.language, "language_confidence": tags.language_confidence,
        "language_reason": tags.language_reason, "sentiment": tags.sentiment, "sentiment_label": tags.sentiment_label,
        "sentiment_reasons": list(tags.sentiment_reasons or []), "learned_topic": tags.learned_topic,
        "learned_topic_confidence": tags.learned_topic_confidence, "topics": tags.topics,
        "topic_evidence": tags.topic_evidence, "intent": tags.intent, "intent_reason": tags.intent_reason,
        "entities": [e.as_row() for e in tags.entities or []]}


def enrich_shards(shards: list[Path]) -> list[Path]:
    """Enrich pending shards into the enriched shards beside them, with one pipeline (a worker's job)."""
    nlp, version = build_pipeline(), pipeline_version()
    return [_enrich_shard(nlp, version, shard) for shard in shards]


def enrich_shard(shard: Path) -> Path:
    return enrich_shards([shard])[0]


def _enrich_shard(nlp, version: str, shard: Path) -> Path:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    items = pq.read_table(shard).to_pylist()
    texts = [prepare(i["title"], i["body_text"]) for i in items]
    rows: list[dict] = []
    for start in range(0, len(items), BATCH_SIZE):
        chunk = list(zip(items[start:start + BATCH_SIZE], texts[start:start + BATCH_SIZE]))
        with_text = [(item, text) for item, text in chunk if text.strip()]
        rows += [_row(item, version, now, error="no text to enrich") for item, text in chunk if not text.strip()]
        try:
            docs = list(nlp.pipe([text for _, text in with_text]))
            rows += [_row(item, version, now, doc) for (item, _), doc in zip(with_text, docs)]
        except Exception:  # one bad item must not cost the batch: go item by item and keep the reason
            for item, text in with_text:
                try:
                    rows.append(_row(item, version, now, nlp(text)))
                except Exception as e:  # noqa: BLE001 - recorded on the item
                    rows.append(_row(item, version, now, error=f"{type(e).__name__}: {e}"[:500]))
    out = _enriched_path(shard)
    pq.write_table(pa.Table.from_pylist(rows, schema=ENRICHED), out)
    return out


def _enriched_path(shard: Path) -> Path:
    return shard.with_name(shard.name.replace("pending-", "enriched-"))


def _enrich_in_subprocess(shards: list[Path]) -> list[Path]:
    # A fresh interpreter per worker rather than multiprocessing: inside an Airflow task, multiprocessing's
    # spawn re-imports the task runner, which may not touch Airflow's database; `python -m` imports only us.
    # One worker takes several shards, so imports and the pipeline build are paid once per core.
    done = subprocess.run([sys.executable, "-m", "nlp.enrich", *map(str, shards)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"enriching {shards[0].parent} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return [_enriched_path(s) for s in shards]


def load_enriched(con, shards: list[Path]) -> int:
    if not shards:
        return 0
    files = [str(s) for s in shards]
    # The enrichments and the days they change commit together (warehouse/changes.py).
    con.execute("begin transaction")
    try:
        con.execute("insert or replace into enrichments by name select * from read_parquet(?)", [files])
        record_content_changes(con, "select content_id from read_parquet(?)", [files])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return con.execute("select count(*) from read_parquet(?)", [files]).fetchone()[0]


def enrich(processes: int | None = None) -> EnrichmentRun:
    """Enrich every item that needs it; shards are spread over `processes` workers (default: all cores)."""
    version = pipeline_version()
    run = EnrichmentRun(version)
    folder = settings.home() / "nlp" / version / uuid.uuid4().hex[:12]
    cores = max(1, processes or os.cpu_count() or 1)
    with writer() as con:
        pending = export_pending(con, version, folder, cores)
    run.shards = len(pending)
    run.pending = sum(pq.read_metadata(p).num_rows for p in pending)
    if not pending:
        return run
    workers = min(cores, len(pending))
    if workers == 1:
        enriched = enrich_shards(pending)
    else:
        with ThreadPoolExecutor(workers) as pool:
            enriched = [path for paths in pool.map(_enrich_in_subprocess, [pending[w::workers] for w in range(workers)])
                        for path in paths]
    with writer() as con:
        run.enriched = load_enriched(con, enriched)
        run.errors = con.execute("select count(*) from read_parquet(?) where error is not null",
                                 [[str(p) for p in enriched]]).fetchone()[0]
    return run


if __name__ == "__main__":
    enrich_shards([Path(a) for a in sys.argv[1:]])
