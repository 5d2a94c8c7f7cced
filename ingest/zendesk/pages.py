"""Reading one file of a Zendesk export: a JSON response page, or JSON lines with one record a line.

A page is what an incremental export endpoint returns (`{"tickets": [...], "end_time": ...,
"after_cursor": ..., "end_of_stream": ...}`) or a bare JSON array of records. Each record comes out
with its position (1-based index in the page's list, or the line in a JSON-lines file) or with the
reason it cannot be read. A page that breaks off keeps the records before the break; what follows is
reported as one unreadable remainder at the position of the record it stopped in (position 0 when
not even the page's list could be found).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES, BadLine, json_lines

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass
class Record:
    position: int
    value: object
    raw: str


@dataclass
class Unreadable:
    position: int
    reason: str
    raw: str | None


@dataclass
class PageInfo:
    """The pagination fields of a response page: where the next export starts."""
    end_time: int | None = None
    after_cursor: str | None = None
    end_of_stream: bool | None = None
    next_page: str | None = None
    complete: bool = True          # False when the page broke off and its fields could not be read
    notes: list[str] = field(default_factory=list)


def scrub(text: str | None) -> str | None:
    """Raw text of a record that could not be parsed: e-mail addresses removed, at most 64 KiB."""
    if text is None:
        return None
    kept = text.encode("utf-8", "surrogatepass")[:RAW_KEEP_BYTES].decode("utf-8", "replace")
    return _EMAIL.sub("[email removed]", kept)


def read_file(path: Path, key: str, info: PageInfo) -> Iterator[Record | Unreadable]:
    """The records of one export file; `info` is filled with the page's pagination fields."""
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        for line in json_lines(path):
            if isinstance(line, BadLine):
                yield Unreadable(line.number, line.reason, scrub(line.raw))
            else:
                yield Record(line.number, line.value, line.raw)
        return
    yield from _read_page(path, key, info)


def _read_page(path: Path, key: str, info: PageInfo) -> Iterator[Record | Unreadable]:
    # surrogateescape: one record holding invalid UTF-8 is quarantined on its own (see _record).
    text = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    try:
        page = json.loads(text)
    except json.JSONDecodeError as e:
        info.complete = False
        yield from _salvage(text, key, e)
        return
    if isinstance(page, list):
        items = page
    elif isinstance(page, dict) and isinstance(page.get(key), list):
        items = page[key]
        info.end_time = page.get("end_time") if isinstance(page.get("end_time"), int) else None
        info.after_cursor = page.get("after_cursor") if isinstance(page.get("after_cursor"), str) else None
        info.end_of_stream = page.get("end_of_stream") if isinstance(page.get("end_of_stream"), bool) else None
        info.next_page = page.get("next_page") if isinstance(page.get("next_page"), str) else None
    else:
        found = ", ".join(sorted(page)) if isinstance(page, dict) else type(page).__name__
        info.complete = False
        yield Unreadable(0, f"not an export page: expected a JSON object with a {key!r} list (found {found})",
                         scrub(text))
        return
    for index, value in enumerate(items, start=1):
        yield _record(index, value)


def _record(index: int, value: object) -> Record | Unreadable:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        size = len(raw.encode("utf-8"))
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept as surrogates by the decoder
        return Unreadable(index, "not valid UTF-8: re-export the file as UTF-8", scrub(raw))
    if size > MAX_RECORD_BYTES:
        return Unreadable(index, f"record of {size / 2**20:.1f} MiB is over the {MAX_RECORD_BYTES / 2**20:.0f} "
                          "MiB limit per record; split it or raise max_record_bytes for this source", scrub(raw))
    return Record(index, value, raw)


def _salvage(text: str, key: str, error: json.JSONDecodeError) -> Iterator[Record | Unreadable]:
    """The records before the point where a page stops being JSON, then its unreadable remainder."""
    truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
    what = ("truncated: the page ends in the middle of this record" if truncated
            else f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})")
    start = re.search(r'"%s"\s*:\s*\[' % re.escape(key), text)
    if start is None:
        yield Unreadable(0, f"{what}; no {key!r} list could be read from the page", scrub(text))
        return
    decoder = json.JSONDecoder()
    position, index = start.end(), 0
    while True:
        position = _skip_space(text, position)
        if position < len(text) and text[position] == "]":
            # Every record was read: the break is in the page's other fields.
            return
        index += 1
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            yield Unreadable(index, f"{what}; the records before it were kept", scrub(text[position:]))
            return
        yield _record(index, value)
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position += 1
        elif position >= len(text) or text[position] != "]":
            yield Unreadable(index + 1, f"{what}; the records before it were kept", scrub(text[position:]))
            return


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
