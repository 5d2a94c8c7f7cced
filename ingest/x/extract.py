"""X API v2 payloads (a .jsonl file, or a folder of them) → one landing batch of tweets and users.

Runs outside the warehouse lock. Each line is read as bytes, bounded in size, decoded and parsed on
its own, so one bad line (or one bad tweet in a page) is quarantined and the rest loads.

Cursor (stored per source when the batch loads):

    {"files": {"<file>": {"size": ..., "mtime_ns": ..., "offset": ..., "line": ..., "tail_sha256": ...}},
     "newest_id": "<highest tweet id of `data` / flattened lines seen so far>"}

- a file whose size and modification time match its entry is skipped (status `unchanged`);
- a file that grew and still holds the same bytes before `offset` (checked on the last 4 KiB read)
  is read from `offset`, its line numbers continuing from `line`: twarc appends to its output;
- any other change (rewritten, truncated) reads the file again from the start. Re-reading is
  harmless: the merge upserts on the tweet and user ids.
- a last line that is cut off (a collector still writing) is quarantined as truncated and `offset`
  stays before it, so it is read again once complete.

`newest_id` is kept for pulling from the API later (`since_id`); file reads do not filter on it,
since an archive search can deliver older tweets after newer ones.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ingest.files import input_files
from ingest.framework import NothingReadable, Progress, RecordError
from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES, DuplicateKeys
from ingest.x.parse import TWEETS_SCHEMA, USERS_SCHEMA, Item, parse_line
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source

MAX_PAGE_BYTES = 16 * 2**20  # a response page of 500 tweets with every expansion is a few MiB
TAIL_BYTES = 4096            # bytes before the cursor's offset that must be unchanged to resume there
SCHEMAS = {"tweets": TWEETS_SCHEMA, "users": USERS_SCHEMA}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _option_bytes(source: Source, key: str, default: int) -> int:
    value = source.options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1024:
        raise NothingReadable(f"source {source.key}: {key} = {value!r} should be a number of bytes (at least 1024)")
    return value


def _tail_digest(f, offset: int) -> str:
    start = max(0, offset - TAIL_BYTES)
    f.seek(start)
    return hashlib.sha256(f.read(offset - start)).hexdigest()


def resume_point(path: Path, size: int, mtime_ns: int, state: dict | None) -> tuple[int, int] | None:
    """(byte offset, lines already read) to read `path` from, or None when it is unchanged."""
    if not isinstance(state, dict):
        return 0, 0
    if state.get("size") == size and state.get("mtime_ns") == mtime_ns:
        return None
    offset, line = state.get("offset"), state.get("line")
    if isinstance(offset, int) and isinstance(line, int) and 0 < offset <= size:
        with open(path, "rb") as f:
            if _tail_digest(f, offset) == state.get("tail_sha256"):
                return offset, line
    return 0, 0


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict:
    """Read every new line of every file into the batch; return the cursor to store."""
    max_record = _option_bytes(source, "max_record_bytes", MAX_RECORD_BYTES)
    max_page = max(_option_bytes(source, "max_page_bytes", MAX_PAGE_BYTES), max_record)
    files = input_files(source.path, {".jsonl"}, "x", "a .jsonl file of X API v2 payloads (response pages or one tweet per line, as twarc2 writes them) or a folder of them")
    cursor = cursor if isinstance(cursor, dict) else {}
    states: dict = dict(cursor.get("files") or {})
    newest = cursor.get("newest_id")
    seen = DuplicateKeys()
    for name, path in files:
        summary = FileSummary(source_file=name, entity="tweets", started_at=_now())
        reader = _FileReader(name, path, batch, summary, seen, max_record, max_page, progress)
        try:
            stat = path.stat()
            start = resume_point(path, stat.st_size, stat.st_mtime_ns, states.get(name))
            if start is None:
                summary.status = "unchanged"
                summary.message = f"{name} is unchanged since the last ingest (same size and modification time)"
            else:
                states[name] = reader.read(start, stat.st_size, stat.st_mtime_ns)
                newest = _max_id(newest, reader.newest_id)
        except OSError as e:
            summary.status = "unreadable"
            summary.message = f"{name} could not be read: {e.strerror or e}"
        summary.finished_at = _now()
        batch.manifest.files.append(summary)
    return {"files": states, "newest_id": newest}


def size_text(n: int) -> str:
    """4 MiB, 10.0 MiB, 195 KiB: sizes in quarantine reasons."""
    if n < 2**20:
        return f"{n / 2**10:.0f} KiB"
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n / 2**20:.1f} MiB"


def _max_id(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a if b is None else b
    return a if int(a) >= int(b) else b


class _FileReader:
    """Reads one file from an offset: lines → items → landing rows and quarantine rows."""

    def __init__(self, name: str, path: Path, batch: BatchWriter, summary: FileSummary, seen: DuplicateKeys,
                 max_record: int, max_page: int, progress: Progress | None):
        self.name, self.path, self.batch, self.summary, self.seen = name, path, batch, summary, seen
        self.max_record, self.max_page, self.progress = max_record, max_page, progress
        self.newest_id: str | None = None
        self.expansions_loaded = 0
        self.expansions_quarantined = 0
        self.api_errors = 0
        self.layouts: set[str] = set()

    def read(self, start: tuple[int, int], size: int, mtime_ns: int) -> dict:
        offset, number = start
        done_offset, done_line = offset, number  # where the next read starts
        reported = 0
        with open(self.path, "rb") as f:
            f.seek(offset)
            while f.tell() < size:  # only what was there when the file was stat'ed: the cursor's size
                line_start = f.tell()
                data = f.readline(min(self.max_page + 1, size - line_start))
                if not data:  # the file shrank while being read
                    break
                complete = data.endswith(b"\n")
                length = len(data)
                while not complete and length > self.max_page and f.tell() < size:  # skip an oversized line
                    chunk = f.readline(min(1 << 20, size - f.tell()))
                    length += len(chunk)
                    complete = chunk.endswith(b"\n")
                number += 1
                if data.strip():
                    retry = self._line(number, data, length, complete)
                else:
                    retry = False
                if retry:  # a cut-off last line: read it again next time, when it is complete
                    break
                done_offset, done_line = f.tell(), number
                if self.progress and self.summary.read - reported >= 5000:
                    reported = self.summary.read
                    self.progress(self.name, self.summary.read)
            tail = _tail_digest(f, done_offset) if done_offset else None
        self._finish()
        return {"size": size, "mtime_ns": mtime_ns, "offset": done_offset, "line": done_line, "tail_sha256": tail}

    def _line(self, number: int, data: bytes, length: int, complete: bool) -> bool:
        """Handle one line; True when it is a cut-off last line to read again later."""
        if length > self.max_page:
            self._quarantine_line(number, f"line of {size_text(length)} is over the {size_text(self.max_page)} limit "
                                  "per line; split it or raise max_page_bytes for this source",
                                  data[:RAW_KEEP_BYTES].decode("utf-8", "replace"))
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            self._quarantine_line(number, f"not valid UTF-8 (byte {e.start} of the line): re-export the file as UTF-8",
                                  data[:RAW_KEEP_BYTES].decode("utf-8", "replace"))
            return False
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            if not complete:
                self._quarantine_line(number, "truncated: the file ends in the middle of this line (if a collector "
                                      "is still writing it, it is read again once complete)", text[:RAW_KEEP_BYTES])
                return True
            self._quarantine_line(number, f"not valid JSON ({e.msg} at column {e.colno})", text[:RAW_KEEP_BYTES])
            return False
        except RecursionError:
            self._quarantine_line(number, "not readable: JSON nested too deeply", text[:RAW_KEEP_BYTES])
            return False
        try:
            line = parse_line(value, self.max_record)
        except RecordError as e:
            self._quarantine_line(number, str(e), text[:RAW_KEEP_BYTES])
            return False
        self.layouts.add(line.layout)
        self.api_errors += line.api_errors
        for item in line.items:
            self._item(number, item)
        return False

    def _quarantine_line(self, number: int, reason: str, raw: str) -> None:
        self.summary.read += 1
        self.summary.quarantined += 1
        self.batch.quarantine(self.name, number, reason, raw)

    def _item(self, number: int, item: Item) -> None:
        where = f"{self.name}#{item.path}" if item.path else self.name
        record, reason = item.record, item.error
        if record is not None and item.entity == "tweets":
            try:
                self.seen.check(record["id"], f"{where} line {number}", record.pop("digest"))
            except RecordError as e:
                record, reason = None, str(e)
        if item.is_record:
            self.summary.read += 1
        if record is None:
            self.batch.quarantine(where, number, reason, item.raw)
            if item.is_record:
                self.summary.quarantined += 1
            else:
                self.expansions_quarantined += 1
            return
        record.update(source_file=self.name, position=number, raw=item.raw)
        self.batch.write(item.entity, SCHEMAS[item.entity], record)
        if item.is_record:
            self.summary.landed += 1
            if item.entity == "tweets":
                self.newest_id = _max_id(self.newest_id, record["id"])
        else:
            self.expansions_loaded += 1

    def _finish(self) -> None:
        s = self.summary
        parts = [f"{s.landed:,} of {s.read:,} records loaded"
                 + (f" ({' and '.join(sorted(self.layouts))} lines)" if self.layouts else "")]
        parts.append(f"{self.expansions_loaded:,} referenced tweets and user profiles loaded with them")
        if self.expansions_quarantined:
            parts.append(f"{self.expansions_quarantined:,} referenced tweets or user profiles quarantined "
                         "(not counted as records)")
        if self.api_errors:
            parts.append(f"{self.api_errors:,} API errors reported in pages (deleted, protected or suspended "
                         "objects the API could not expand)")
        if s.quarantined and not s.landed:
            s.status = "unreadable"
        elif s.quarantined or self.expansions_quarantined:
            s.status = "partial"
        s.message = f"{self.name}: " + "; ".join(parts)
