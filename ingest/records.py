"""Building blocks for connectors' pure parse functions and their one validator.

Every helper raises `RecordError` with a reason a person can act on; the connector's extract turns
that into a quarantine row (file, position, reason, raw) and carries on with the next record.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.framework import RecordError
from warehouse import settings

MAX_RECORD_BYTES = 4 * 2**20  # a record larger than this is quarantined, not loaded: no real post is 4 MB
RAW_KEEP_BYTES = 64 * 2**10  # how much of an oversized or undecodable record the quarantine keeps


@dataclass
class Line:
    number: int          # 1-based line number in the file
    value: object        # the parsed JSON value
    raw: str             # the line as text


@dataclass
class BadLine:
    number: int
    reason: str
    raw: str


def json_lines(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Line | BadLine]:
    """Each line of a JSON-lines file, parsed, or the reason it could not be.

    Reads in binary so one line of invalid UTF-8 is quarantined on its own instead of failing the file;
    a last line without its newline that does not parse is reported as truncated.
    """
    with open(path, "rb") as f:
        for number, data in enumerate(f, start=1):
            if not data.strip():
                continue
            complete = data.endswith(b"\n")
            if len(data) > max_bytes:
                yield BadLine(number, f"record of {len(data) / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB "
                              "limit per record; split it or raise max_record_bytes for this source",
                              data[:RAW_KEEP_BYTES].decode("utf-8", "replace"))
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                yield BadLine(number, f"not valid UTF-8 (byte {e.start}): re-export the file as UTF-8",
                              data[:RAW_KEEP_BYTES].decode("utf-8", "replace"))
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as e:
                reason = ("truncated: the file ends in the middle of this record" if not complete
                          else f"not valid JSON ({e.msg} at column {e.colno})")
                yield BadLine(number, reason, text[:RAW_KEEP_BYTES])
                continue
            yield Line(number, value, text)


def field(obj: Mapping, path: str, required: bool = False):
    """obj['a']['b'] for path 'a.b'; None when absent unless required."""
    value: object = obj
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value or value[part] is None:
            if required:
                raise RecordError(f"required field {path} is missing")
            return None
        value = value[part]
    return value


def as_id(value, name: str) -> str:
    """An id as text: sources send ids as numbers or strings; both must be non-empty, without spaces."""
    if isinstance(value, bool) or value is None:
        raise RecordError(f"{name} {value!r} is not an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and not any(c.isspace() for c in value):
        return value
    raise RecordError(f"{name} {value!r} is not an id")


def as_int(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(f"{name} {value!r} is not an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RecordError(f"{name} {value!r} is not an integer") from None


def as_text(value, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} should be text, got {type(value).__name__} {str(value)[:40]!r}")
    return value


def as_bool(value, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise RecordError(f"{name} {value!r} is not true or false")


def as_timestamp(value, name: str) -> dt.datetime | None:
    """ISO 8601 (with Z or an offset) or the RFC 2822 form X/Twitter exports use; returned as naive UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} {value!r} is not a date-time")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            parsed = None
        if parsed is None:
            try:  # 'Tue Oct 31 22:10:47 +0000 2017' (X v1.1, TWCS)
                parsed = dt.datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
            except ValueError:
                raise RecordError(f"{name} {value!r} is not a date-time (expected ISO 8601, "
                                  "like 2021-04-08T12:00:00Z)") from None
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def email_hash(address: str) -> str:
    """The salted hash Townsquare keeps instead of an e-mail address (HMAC-SHA256 of the trimmed, lower-cased
    address with the installation's salt): equal addresses match across sources, addresses never land."""
    return hmac.new(settings.email_salt(), address.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()


class DuplicateKeys:
    """Natural keys seen in one batch: where each was first seen and a digest of its content.

    The same record twice (overlapping pages or files) is harmless: the merge keeps one. The same id
    with different content is a conflict the source must explain, so it is quarantined.
    """

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, int]] = {}

    def check(self, key: str, where: str, content: str) -> None:
        digest = hash(content)
        seen_at, seen_digest = self.first.setdefault(key, (where, digest))
        if seen_digest != digest:
            raise RecordError(f"duplicate id {key} with different content (first seen at {seen_at})")
