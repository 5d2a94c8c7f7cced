"""Reading file sources: which files a source's path names, and CSV records that can each fail alone."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.framework import NothingReadable
from ingest.records import RAW_KEEP_BYTES


def input_files(path: Path | None, suffixes: set[str], kind: str, expected: str) -> list[tuple[str, Path]]:
    """(name as recorded, path) of every file to read: the file itself, or the folder's files with one of
    `suffixes` (subfolders included, hidden files left out), by name. `expected` says what should be there."""
    if path is None:
        raise NothingReadable(f"this {kind} source has no path: set `path` to {expected}")
    if not path.exists():
        raise NothingReadable(f"{path} does not exist: point at {expected}")
    if path.is_file():
        return [(path.name, path)]
    files = sorted(
        (p.relative_to(path).as_posix(), p) for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes
        and not any(part.startswith(".") for part in p.relative_to(path).parts))
    if not files:
        raise NothingReadable(f"{path} holds no {' or '.join(sorted(suffixes))} file: expected {expected}")
    return files


@dataclass(slots=True)
class CsvRow:
    line: int            # the line the record starts on
    fields: list[str]
    raw: str             # the record's text as read (undecodable bytes kept as surrogate escapes)
    error: str | None = None


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


def csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Iterator[CsvRow]:
    """Each CSV record (the header first) with the line it starts on and its text as read.

    Decoded with surrogateescape, so bytes that are not valid in the encoding reach the parse function,
    which quarantines that row alone; a record the csv module cannot split (a stray quote, the file
    ending inside a quoted field) comes back with `error` set, and reading goes on after it.
    """
    consumed: list[str] = []

    def lines(f) -> Iterator[str]:
        for text in f:
            consumed.append(text)
            yield text

    with open(path, "rb") as binary, _large_fields():
        # newline="": lines end in \n, \r\n or \r and are kept as read, as csv.reader expects
        text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
        reader = csv.reader(lines(text), delimiter=delimiter, strict=True)
        last_line, first = 0, True
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
                yield CsvRow(start, [], raw, reason)
                continue
            raw = "".join(consumed)
            consumed.clear()
            last_line = reader.line_num
            if first and fields:
                fields[0] = fields[0].removeprefix("\ufeff")  # a byte order mark before the header
                first = False
            if not fields:  # a blank line
                continue
            yield CsvRow(start, fields, raw)


def readable(raw: str) -> str:
    """The start of a raw record as text fit for the quarantine (undecodable bytes shown as �)."""
    return raw.encode("utf-8", "surrogateescape")[:RAW_KEEP_BYTES].decode("utf-8", "replace")
