"""CSV exports of social posts (a file, or a folder of .csv files) → one landing batch of posts.

Runs outside the warehouse lock. Every data row read ends in exactly one of landed or quarantined;
positions are the line a row starts on (the header is line 1), so a quarantined row can be found in
the file even when a post's text spans several lines.

Cursor (stored per source when the batch loads):

    {"format": "<the mapping and file format the files were read with>",
     "files": {"<file>": {"size": ..., "mtime_ns": ...}}}

A file whose size and modification time match its entry is skipped (status `unchanged`); any change
reads the whole file again (exports are rewritten, not appended to), and so does a change of the
mapping, so a column mapped later reaches the posts already loaded. Re-reading is harmless: the
merge upserts on the post id. A file whose header lacks mapped columns is not recorded, so it is
read again once the mapping or the file is fixed.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ingest.files import CsvRow, csv_rows, input_files, readable
from ingest.framework import Progress, RecordError
from ingest.records import MAX_RECORD_BYTES, DuplicateKeys
from ingest.social_csv.parse import POSTS_SCHEMA, Columns, Format, parse_row, post_digest, read_format, resolve_columns
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source



def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict:
    """Read every new or changed file into the batch; return the cursor to store."""
    fmt = read_format(source.options, f"source {source.key} (social_csv)")
    files = input_files(source.path, {".csv"}, "social_csv", "a CSV export of social posts, or a folder of them")
    cursor = cursor if isinstance(cursor, dict) else {}
    same_format = cursor.get("format") == fmt.fingerprint()
    states: dict = dict(cursor.get("files") or {}) if same_format else {}
    seen = DuplicateKeys()
    for name, path in files:
        summary = FileSummary(source_file=name, entity="posts", started_at=_now())
        try:
            stat = path.stat()
            previous = states.pop(name, None)
            if previous == {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}:
                summary.status = "unchanged"
                summary.message = f"{name} is unchanged since the last ingest (same size and modification time)"
                states[name] = previous
            elif _extract_file(name, path, fmt, batch, summary, seen, progress):
                states[name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        except OSError as e:
            summary.status = "unreadable"
            summary.message = f"{name} could not be read: {e.strerror or e}"
        summary.finished_at = _now()
        batch.manifest.files.append(summary)
    return {"format": fmt.fingerprint(), "files": states}


def _extract_file(name: str, path: Path, fmt: Format, batch: BatchWriter, summary: FileSummary,
                  seen: DuplicateKeys, progress: Progress | None) -> bool:
    """Land one file's rows; False when its header does not fit the mapping (nothing read)."""
    rows = csv_rows(path, fmt.encoding, fmt.delimiter)
    try:
        header = next(rows, None)
        try:
            if header is None:
                raise RecordError("the file is empty: expected a header row and posts")
            if header.error:
                raise RecordError(f"the header row cannot be read: {header.error}")
            columns = resolve_columns(fmt, [h.strip() for h in header.fields])
        except RecordError as e:
            summary.read = summary.quarantined = 1
            summary.status = "unreadable"
            summary.message = f"{name}: {e}"
            batch.quarantine(name, 1, str(e), readable(header.raw) if header else None)
            return False
        for row in rows:
            summary.read += 1
            if progress and summary.read % 5000 == 0:
                progress(name, summary.read)
            _row(name, row, columns, fmt, batch, summary, seen)
    finally:
        rows.close()
    if summary.quarantined:
        summary.status = "partial" if summary.landed else "unreadable"
        summary.message = f"{summary.quarantined:,} of {summary.read:,} rows of {name} quarantined"
    return True


def _row(name: str, row: CsvRow, columns: Columns, fmt: Format, batch: BatchWriter, summary: FileSummary,
         seen: DuplicateKeys) -> None:
    try:
        if row.error:
            raise RecordError(row.error)
        size = len(row.raw.encode("utf-8", "surrogateescape"))
        if size > MAX_RECORD_BYTES:
            raise RecordError(f"row of {size / 2**20:.1f} MiB is over the {MAX_RECORD_BYTES / 2**20:.0f} MiB limit "
                              "per record")
        record, raw = parse_row(row.fields, columns, fmt.time_format, fmt.unescape_html)
        seen.check(record["id"], f"{name} line {row.line}", post_digest(record))
    except RecordError as e:
        summary.quarantined += 1
        batch.quarantine(name, row.line, str(e), readable(row.raw))
        return
    record.update(source_file=name, position=row.line, raw=json.dumps(raw, ensure_ascii=False))
    batch.write("posts", POSTS_SCHEMA, record)
    summary.landed += 1
