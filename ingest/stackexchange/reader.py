"""Streaming reader for Stack Exchange dump XML files: one `<row .../>` at a time, bounded memory.

Uses expat directly (not ElementTree) because it reports the line of every row, which is what the
quarantine records as the position of a bad record.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

READ_BYTES = 1 << 16


@dataclass
class Row:
    line: int
    attrs: dict[str, str]


class Truncated(Exception):
    """The file stops being well-formed XML at `line`; rows before it were delivered."""

    def __init__(self, line: int, column: int, reason: str, tail: str):
        super().__init__(f"malformed or truncated XML at line {line}, column {column}: {reason}")
        self.line, self.column, self.reason, self.tail = line, column, reason, tail


def read_rows(path: Path) -> Iterator[Row]:
    """Yield every `<row>` element of a dump file in order; raise Truncated where the XML breaks."""
    parser = expat.ParserCreate()
    pending: list[Row] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            pending.append(Row(parser.CurrentLineNumber, attrs))

    parser.StartElementHandler = start
    parser.buffer_text = True
    last_chunk = b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(READ_BYTES)
            try:
                parser.Parse(chunk, not chunk)
            except expat.ExpatError as e:
                yield from pending
                tail = (last_chunk + chunk)[-300:].decode("utf-8", errors="replace")
                raise Truncated(e.lineno, e.offset, expat.ErrorString(e.code), tail) from None
            yield from pending
            pending.clear()
            if not chunk:
                return
            last_chunk = chunk
