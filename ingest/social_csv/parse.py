"""Pure parse functions for CSV exports of social posts: the column mapping, and one row to one record.

Every listening tool exports its own columns, so the source's configuration maps them
(`[sources.columns]`, see docs/connectors/social_csv.md). Without a mapping (`townsquare ingest
social_csv PATH`), columns are found by their common header names (DEFAULT_HEADERS).

The one validator is `parse_row`: the fields of one CSV row in, a typed record (or RecordError) out.
"""
from __future__ import annotations

import codecs
import datetime as dt
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pyarrow as pa

from ingest.framework import NothingReadable, RecordError, landing_schema
from ingest.records import as_id, as_int, as_timestamp
from warehouse.settings import ConfigError

REQUIRED = ("id", "author", "text", "created_at")
OPTIONAL = ("reply_to", "author_name", "handle", "url", "lang", "likes", "shares")
FORMAT_KEYS = ("time_format", "delimiter", "encoding", "unescape_html")

# The header names looked for, case-insensitively and in this order, when the source maps no columns.
DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "post_id", "tweet_id", "status_id", "message_id"),
    "author": ("author", "author_id", "user_id", "user"),
    "text": ("text", "body", "content", "message"),
    "created_at": ("created_at", "date", "time", "timestamp", "published_at"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_id", "in_reply_to_status_id", "in_response_to_tweet_id",
                 "parent_id"),
    "author_name": ("author_name", "display_name", "name"),
    "handle": ("handle", "username", "screen_name"),
    "url": ("url", "link", "permalink"),
    "lang": ("lang", "language"),
    "likes": ("likes", "like_count", "favorite_count"),
    "shares": ("shares", "share_count", "retweet_count", "retweets"),
}

POSTS_SCHEMA = landing_schema([
    ("id", pa.string()),
    ("author", pa.string()),
    ("author_name", pa.string()),
    ("handle", pa.string()),
    ("text", pa.string()),
    ("created_at", pa.timestamp("ms")),
    ("reply_to", pa.string()),
    ("url", pa.string()),
    ("lang", pa.string()),
    ("likes", pa.int64()),
    ("shares", pa.int64()),
])

_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # what surrogateescape turns undecodable bytes into
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")


class MappingError(NothingReadable, ConfigError):
    """The source's column mapping is wrong: nothing is read until it is fixed."""


@dataclass(frozen=True)
class Format:
    """How the file is written and where each canonical field is."""

    columns: dict[str, str] | None          # canonical key -> header; None: find them by DEFAULT_HEADERS
    extra: tuple[str, ...] = ()              # further headers kept in raw
    time_format: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    unescape_html: bool = False              # text as X delivers it (&amp; &lt; &gt;): decode it

    def fingerprint(self) -> str:
        """Changes when the mapping does: files read with another mapping are read again."""
        return json.dumps([self.columns, list(self.extra), self.time_format, self.delimiter, self.encoding,
                           self.unescape_html], sort_keys=True)


@dataclass
class Columns:
    """The mapping resolved against one file's header: canonical key -> (header, index)."""

    fields: dict[str, tuple[str, int]]
    extra: list[tuple[str, int]] = field(default_factory=list)
    width: int = 0


def read_format(options: Mapping, where: str) -> Format:
    """The source's mapping and file format from its configuration entry (Source.options).

    `time_format`, `delimiter` and `encoding` may sit on the source or inside its columns table
    (TOML puts keys written after `[sources.columns]` into that table).
    """
    columns = options.get("columns")
    if columns is not None and not isinstance(columns, Mapping):
        raise MappingError(f"{where}: `columns` should be a table ([sources.columns]) mapping id, author, text, "
                           "created_at, ... to the export's column names")
    columns = dict(columns or {})
    formats = {}
    for key in FORMAT_KEYS:
        if key in columns and key in options:
            raise MappingError(f"{where}: {key} is set both on the source and in its columns table; keep one")
        if key in columns or key in options:
            formats[key] = columns.pop(key, options.get(key))
    extra = columns.pop("extra", [])
    if not isinstance(extra, list) or not all(isinstance(c, str) and c.strip() for c in extra):
        raise MappingError(f"{where}: columns.extra should be a list of column names, like extra = [\"inbound\"]")
    unknown = sorted(set(columns) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(unknown)} in the columns table; the keys are "
                           f"{', '.join(REQUIRED + OPTIONAL)}, extra, {', '.join(FORMAT_KEYS)}")
    for key, header in columns.items():
        if not isinstance(header, str) or not header.strip():
            raise MappingError(f"{where}: columns.{key} should be the name of a column of the export, got {header!r}")
    if columns:
        missing = [k for k in REQUIRED if k not in columns]
        if missing:
            raise MappingError(f"{where}: the columns table does not map {', '.join(missing)}; "
                               f"{', '.join(REQUIRED)} are required (e.g. id = \"tweet_id\")")
    delimiter = formats.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(f"{where}: delimiter should be one character (like \",\", \";\" or \"\\t\"), "
                           f"got {delimiter!r}")
    encoding = formats.get("encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise MappingError(f"{where}: encoding {encoding!r} is not a known text encoding "
                           "(e.g. utf-8, utf-8-sig, latin-1, cp1252, utf-16)") from None
    time_format = formats.get("time_format")
    if time_format is not None and (not isinstance(time_format, str) or "%" not in time_format):
        raise MappingError(f"{where}: time_format should be a strptime format like \"%d/%m/%Y %H:%M\", "
                           f"got {time_format!r}")
    unescape = formats.get("unescape_html", False)
    if not isinstance(unescape, bool):
        raise MappingError(f"{where}: unescape_html should be true or false, got {unescape!r}")
    return Format({k: v.strip() for k, v in columns.items()} or None, tuple(c.strip() for c in extra),
                  time_format, delimiter, encoding, unescape)


def resolve_columns(fmt: Format, header: list[str]) -> Columns:
    """Where each mapped column is in this header; RecordError naming what is missing."""
    positions: dict[str, int] = {}
    folded: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(name, i)
        folded.setdefault(name.casefold(), i)

    def find(name: str) -> int | None:
        return positions[name] if name in positions else folded.get(name.casefold())

    found: dict[str, tuple[str, int]] = {}
    missing: list[str] = []
    if fmt.columns is not None:
        for key, name in fmt.columns.items():
            i = find(name)
            if i is None:
                missing.append(f"{name} (for {key})")
            else:
                found[key] = (header[i], i)
    else:
        for key, names in DEFAULT_HEADERS.items():
            used = {j for _, j in found.values()}  # a column serves one key: the first that names it
            i = next((find(n) for n in names if find(n) is not None and find(n) not in used), None)
            if i is not None:
                found[key] = (header[i], i)
            elif key in REQUIRED:
                missing.append(f"{key} (a column named {' or '.join(names)})")
    extra_names = fmt.extra
    if fmt.columns is None:  # nothing configured: keep every other column
        used = {i for _, i in found.values()}
        extra_names = tuple(name for i, name in enumerate(header) if i not in used)
    extra = []
    for name in extra_names:
        i = find(name)
        if i is None:
            missing.append(f"{name} (in extra)")
        else:
            extra.append((header[i], i))
    if missing:
        how = ("map the export's columns in [sources.columns] of townsquare.toml" if fmt.columns is None
               else "fix [sources.columns] in townsquare.toml")
        raise RecordError(f"the header has no column {'; '.join(missing)}. Its columns are: "
                          f"{', '.join(header) or '(none)'}. {how} (see docs/connectors/social_csv.md)")
    return Columns(found, extra, len(header))


def _timestamp(value: str, column: str, time_format: str | None) -> dt.datetime:
    if not value:
        raise RecordError(f"required column {column} (created_at) is empty")
    if time_format is None:
        return as_timestamp(value, column)
    try:
        parsed = dt.datetime.strptime(value, time_format)
    except ValueError:
        raise RecordError(f"{column} {value!r} does not match time_format {time_format!r}") from None
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _count(value: str | None, column: str) -> int | None:
    if value is not None and _THOUSANDS.fullmatch(value):  # 1,234 as spreadsheets write it
        value = value.replace(",", "")
    return as_int(value, column)


def parse_row(fields: list[str], columns: Columns, time_format: str | None = None,
              unescape_html: bool = False) -> tuple[dict, dict]:
    """(typed record, raw values by header) of one data row."""
    if len(fields) != columns.width:
        raise RecordError(f"row has {len(fields)} fields, the header has {columns.width}: a delimiter or a quote "
                          "is probably unbalanced")
    for i, value in enumerate(fields):
        match = _ESCAPED_BYTES.search(value)
        if match:
            raise RecordError(f"not valid text in the file's encoding (byte 0x{ord(match.group()) - 0xDC00:02x} in "
                              f"column {i + 1}): re-export the file as UTF-8 or set `encoding` for this source")

    def value(key: str) -> str | None:
        spec = columns.fields.get(key)
        return fields[spec[1]] if spec else None

    def column(key: str) -> str:
        return columns.fields[key][0]

    def required_id(key: str) -> str:
        v = value(key).strip()
        if not v:
            raise RecordError(f"required column {column(key)} ({key}) is empty")
        return as_id(v, column(key))

    def optional(key: str) -> str | None:
        v = value(key)
        return v.strip() or None if v is not None else None

    author = value("author").strip()
    if not author:
        raise RecordError(f"required column {column('author')} (author) is empty")
    reply_to = optional("reply_to")
    record = {
        "id": required_id("id"),
        "author": author,  # a handle or a name may hold spaces; the id is kept as written
        "author_name": optional("author_name"),
        "handle": (optional("handle") or "").lstrip("@") or None,
        "text": html.unescape(value("text")) if unescape_html else value("text"),
        "created_at": _timestamp(value("created_at").strip(), column("created_at"), time_format),
        "reply_to": as_id(reply_to, column("reply_to")) if reply_to else None,
        "url": optional("url"),
        "lang": optional("lang"),
        "likes": _count(optional("likes"), column("likes")) if "likes" in columns.fields else None,
        "shares": _count(optional("shares"), column("shares")) if "shares" in columns.fields else None,
    }
    if record["reply_to"] == record["id"]:
        record["reply_to"] = None  # a post cannot answer itself: some exports fill the parent with the post's id
    raw = {name: fields[i] for name, i in sorted(columns.fields.values(), key=lambda c: c[1])}
    raw.update({name: fields[i] for name, i in columns.extra})
    return record, raw


def post_digest(record: dict) -> str:
    """What must agree when one post id is seen twice in a batch."""
    return json.dumps([record["author"], record["text"], record["created_at"].isoformat(), record["reply_to"]])
