"""TWCS-layout CSV (a file, or a folder of them) → one landing batch: tweets, then their conversations.

Every data row read ends in exactly one of landed or quarantined. Positions are the line a row
starts on (the header is line 1), so a quarantined row can be found in the file even when a tweet's
text spans several lines. Conversations are rebuilt once every file is read, since a reply can come
before the tweet it answers.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.framework import NothingReadable, Progress, RecordError
from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES, DuplicateKeys
from ingest.twcs.parse import COLUMNS, THREAD_SCHEMA, TWEET_SCHEMA, parse_tweet, raw_json
from ingest.twcs.threads import conversation_roots
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _csv_files(path: Path | None) -> list[Path]:
    if path is None or not path.exists():
        raise NothingReadable(f"{path} does not exist: point at a TWCS-layout CSV file or a folder of them")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        raise NothingReadable(f"{path} holds no .csv file: expected a TWCS-layout CSV ({', '.join(COLUMNS)})")
    return files


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
        rows = _rows(path)
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
        batch.quarantine(path.name, 1, summary.message, _readable(header.raw) if header else None)
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
            batch.quarantine(path.name, row.line, str(e), _readable(row.raw))
            continue
        record.update(source_file=path.name, position=row.line, raw=raw_json(values))
        batch.write("tweets", TWEET_SCHEMA, record)
        parents[record["tweet_id"]] = record["in_response_to_tweet_id"]
        summary.landed += 1
    if summary.quarantined:
        summary.status = "partial" if summary.landed else "unreadable"
        summary.message = f"{summary.quarantined} rows of {path.name} quarantined"


class _Row:
    __slots__ = ("line", "fields", "raw", "error")

    def __init__(self, line: int, fields: list[str], raw: str, error: str | None = None):
        self.line, self.fields, self.raw, self.error = line, fields, raw, error


@contextmanager
def _large_fields():
    # The csv module refuses fields over 128 KiB; an oversized tweet is read so it can be quarantined
    # with its line and size instead of aborting the file.
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _rows(path: Path) -> Iterator[_Row]:
    """The header, then each CSV record with the line it starts on and its text as read.

    Read as bytes and decoded line by line with surrogateescape, so a row holding invalid UTF-8 is
    quarantined on its own (parse_tweet finds the escaped bytes) instead of failing the file.
    """
    consumed: list[str] = []

    def lines(f) -> Iterator[str]:
        for number, data in enumerate(f):
            text = data.decode("utf-8", "surrogateescape")
            if number == 0:
                text = text.removeprefix("\ufeff")
            consumed.append(text)
            yield text

    with open(path, "rb") as f, _large_fields():
        reader = csv.reader(lines(f), strict=True)
        last_line = 0
        while True:
            start = last_line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raw = "".join(consumed)
                consumed.clear()
                last_line = reader.line_num
                # The csv module reports the end of the file inside an open quote as "unexpected end of data".
                reason = ("truncated: the file ends inside a quoted field" if "unexpected end of data" in str(e)
                          else f"not valid CSV ({e}): check the quotes of this row")
                yield _Row(start, [], raw, reason)
                continue
            raw = "".join(consumed)
            consumed.clear()
            last_line = reader.line_num
            if not fields:  # a blank line
                continue
            yield _Row(start, fields, raw)


def _readable(raw: str) -> str:
    return raw.encode("utf-8", "surrogateescape")[:RAW_KEEP_BYTES].decode("utf-8", "replace")
