"""Streaming reader for Stack Exchange dump XML files: one `<row .../>` at a time, bounded memory.

Uses expat directly (not ElementTree) because it reports the line of every row, which is what the
quarantine records as the position of a bad record.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ingest.records import MAX_RECORD_BYTES, RAW_KEEP_BYTES



@dataclass
class Row:
    line: int
    attrs: dict[str, str]


class Truncated(Exception):
    """The file stops being well-formed XML at `line`; rows before it were delivered."""

    def __init__(self, line: int, column: int, reason: str, tail: str):
        super().__init__(f"malformed or truncated XML at line {line}, column {column}: {reason}")
        self.line, self.column, self.reason, self.tail = line, column, reason, tail


@dataclass
class BadRow:
    """A line that cannot be handed to the XML parser at all; the rows around it still are."""

    line: int
    reason: str
    raw: str


def read_rows(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Row | BadRow]:
    """Yield every `<row>` element of a dump file in order; raise Truncated where the XML breaks.

    Dumps hold one row per line, so a line that is not valid UTF-8, or is larger than any real post,
    is set aside on its own (a blank line goes to the parser in its place, keeping line numbers and
    the XML intact) instead of breaking the rest of the file.
    """
    parser = expat.ParserCreate()
    pending: list[Row | BadRow] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            pending.append(Row(parser.CurrentLineNumber, attrs))

    parser.StartElementHandler = start
    parser.buffer_text = True
    recent = b""
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            bad = None
            if len(line) > max_bytes:
                bad = (f"row of {len(line) / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB limit per "
                       "record")
            else:
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as e:
                    bad = f"not valid UTF-8 (byte {e.start} of the line): re-export the dump as UTF-8"
            if bad:
                pending.append(BadRow(number, bad, line[:RAW_KEEP_BYTES].decode("utf-8", "replace")))
                line = b"\n"
            try:
                parser.Parse(line, False)
            except expat.ExpatError as e:
                yield from pending
                tail = (recent + line)[-300:].decode("utf-8", errors="replace")
                raise Truncated(e.lineno, e.offset, expat.ErrorString(e.code), tail) from None
            yield from pending
            pending.clear()
            recent = line[-300:]
        try:
            parser.Parse(b"", True)
        except expat.ExpatError as e:
            yield from pending
            raise Truncated(e.lineno, e.offset, expat.ErrorString(e.code), recent.decode("utf-8", "replace")) from None
        yield from pending
