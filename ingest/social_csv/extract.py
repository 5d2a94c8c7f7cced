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

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.framework import NothingReadable, Progress, RecordError
from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES, DuplicateKeys
from ingest.social_csv.parse import POSTS_SCHEMA, Columns, Format, parse_row, post_digest, read_format, resolve_columns
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source

SUFFIXES = (".csv",)  # in a folder; a file named on its own is read whatever its name


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def input_files(path: Path | None) -> list[tuple[str, Path]]:
    """(name as recorded, path) of every file to read: the file itself, or the folder's CSV files."""
    if path is None:
        raise NothingReadable("this social_csv source has no path: set `path` to the CSV export (or a folder of them)")
    if not path.exists():
        raise NothingReadable(f"{path} does not exist: point at a CSV export of social posts or a folder of them")
    if path.is_file():
        return [(path.name, path)]
    files = sorted(
        (p.relative_to(path).as_posix(), p) for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise NothingReadable(f"{path} holds no .csv file: expected a CSV export of social posts")
    return files


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict:
    """Read every new or changed file into the batch; return the cursor to store."""
    fmt = read_format(source.options, f"source {source.key} (social_csv)")
    files = input_files(source.path)
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


class _Row:
    __slots__ = ("line", "fields", "raw", "error")

    def __init__(self, line: int, fields: list[str], raw: str, error: str | None = None):
        self.line, self.fields, self.raw, self.error = line, fields, raw, error


@contextmanager
def _large_fields():
    # The csv module refuses fields over 128 KiB; an oversized post is read so that it can be
    # quarantined with its line and size instead of stopping the file.
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_rows(path: Path, fmt: Format) -> Iterator[_Row]:
    """Each CSV record with the line it starts on and its text as read (the header first).

    Decoded with surrogateescape, so bytes that are not valid in the encoding reach parse_row, which
    quarantines that row alone instead of failing the file.
    """
    consumed: list[str] = []

    def lines(f) -> Iterator[str]:
        for text in f:
            consumed.append(text)
            yield text

    with open(path, "rb") as binary, _large_fields():
        # newline="": lines end in \n, \r\n or \r and are kept as read, as csv.reader expects
        text = io.TextIOWrapper(binary, encoding=fmt.encoding, errors="surrogateescape", newline="")
        reader = csv.reader(lines(text), delimiter=fmt.delimiter, strict=True)
        last_line = 0
        first = True
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
                at_end = not raw.endswith(("\n", "\r"))
                reason = ("truncated: the file ends inside a quoted field" if at_end and "unexpected end" in str(e)
                          else f"not valid CSV ({e}): check the quotes of this row")
                yield _Row(start, [], raw, reason)
                continue
            raw = "".join(consumed)
            consumed.clear()
            last_line = reader.line_num
            if first and fields:
                fields[0] = fields[0].removeprefix("\ufeff")  # a byte order mark before the header
                first = False
            if not fields:  # a blank line
                continue
            yield _Row(start, fields, raw)


def _readable(raw: str) -> str:
    return raw.encode("utf-8", "surrogateescape")[:RAW_KEEP_BYTES].decode("utf-8", "replace")


def _extract_file(name: str, path: Path, fmt: Format, batch: BatchWriter, summary: FileSummary,
                  seen: DuplicateKeys, progress: Progress | None) -> bool:
    """Land one file's rows; False when its header does not fit the mapping (nothing read)."""
    rows = read_rows(path, fmt)
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
            batch.quarantine(name, 1, str(e), _readable(header.raw) if header else None)
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


def _row(name: str, row: _Row, columns: Columns, fmt: Format, batch: BatchWriter, summary: FileSummary,
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
        batch.quarantine(name, row.line, str(e), _readable(row.raw))
        return
    record.update(source_file=name, position=row.line, raw=json.dumps(raw, ensure_ascii=False))
    batch.write("posts", POSTS_SCHEMA, record)
    summary.landed += 1
