"""TWCS-layout CSV (a file, or a folder of them) → one landing batch: tweets, then their conversations.

Every data row read ends in exactly one of landed or quarantined. Positions are the line a row
starts on (the header is line 1), so a quarantined row can be found in the file even when a tweet's
text spans several lines. Conversations are rebuilt once every file is read, since a reply can come
before the tweet it answers.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.files import csv_rows, input_files, readable
from ingest.framework import Progress, RecordError
from ingest.records import MAX_RECORD_BYTES, DuplicateKeys
from ingest.twcs.parse import COLUMNS, THREAD_SCHEMA, TWEET_SCHEMA, parse_tweet, raw_json
from ingest.twcs.threads import conversation_roots
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _csv_files(path: Path | None) -> list[Path]:
    return [p for _, p in input_files(path, {".csv"}, "twcs",
                                      f"a TWCS-layout CSV file ({', '.join(COLUMNS)}) or a folder of them")]


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict | None:
    """Read every CSV file, then land each tweet's conversation. A TWCS file is a snapshot: no cursor."""
    parents: dict[str, str | None] = {}
    seen = DuplicateKeys()
    for path in _csv_files(source.path):
        summary = FileSummary(source_file=path.name, entity="tweets", started_at=_now())
        _extract_file(path, batch, summary, parents, seen, progress)
        summary.finished_at = _now()
        batch.manifest.files.append(summary)
    roots = conversation_roots(parents)
    for tweet_id, parent in parents.items():
        batch.write("threads", THREAD_SCHEMA, {"tweet_id": tweet_id, "root_tweet_id": roots[tweet_id],
                                               "parent_in_source": parent is not None and parent in parents})
    return None


def _extract_file(path: Path, batch: BatchWriter, summary: FileSummary, parents: dict[str, str | None],
                  seen: DuplicateKeys, progress: Progress | None) -> None:
    try:
        rows = csv_rows(path)
        header = next(rows, None)
    except OSError as e:
        summary.status, summary.message = "unreadable", f"{path.name} could not be opened: {e.strerror}"
        return
    if header is not None:
        header.fields = [name.strip() for name in header.fields]
    missing = [c for c in COLUMNS if header is None or c not in header.fields]
    if missing:
        summary.read = summary.quarantined = 1
        summary.status = "unreadable"
        summary.message = (f"{path.name} is not in the TWCS layout: the header lacks {', '.join(missing)} "
                           f"(expected {', '.join(COLUMNS)})")
        batch.quarantine(path.name, 1, summary.message, readable(header.raw) if header else None)
        rows.close()
        return
    for row in rows:
        summary.read += 1
        if progress and summary.read % 5000 == 0:
            progress(path.name, summary.read)
        try:
            if row.error:
                raise RecordError(row.error)
            if len(row.raw.encode("utf-8", "surrogateescape")) > MAX_RECORD_BYTES:
                raise RecordError(f"row of {len(row.raw) / 2**20:.1f} MiB is over the "
                                  f"{MAX_RECORD_BYTES / 2**20:.0f} MiB limit per record")
            if len(row.fields) != len(header.fields):
                raise RecordError(f"row has {len(row.fields)} fields, expected {len(header.fields)} "
                                  f"({', '.join(header.fields)}): a comma or quote is probably unbalanced")
            values = dict(zip(header.fields, row.fields))
            record = parse_tweet(values)
            seen.check(record["tweet_id"], f"line {row.line}", "\x1f".join(row.fields))
        except RecordError as e:
            summary.quarantined += 1
            batch.quarantine(path.name, row.line, str(e), readable(row.raw))
            continue
        record.update(source_file=path.name, position=row.line, raw=raw_json(values))
        batch.write("tweets", TWEET_SCHEMA, record)
        parents[record["tweet_id"]] = record["in_response_to_tweet_id"]
        summary.landed += 1
    if summary.quarantined:
        summary.status = "partial" if summary.landed else "unreadable"
        summary.message = f"{summary.quarantined} rows of {path.name} quarantined"


