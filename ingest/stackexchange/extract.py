"""Stack Exchange dump folder → one landing batch (typed Parquet per file, plus quarantine).

Runs outside the warehouse lock: parsing and HTML-to-text are the heavy part of ingestion.
Every row read ends in exactly one of: landed, quarantined. A file that breaks off (truncated or
malformed XML) keeps the rows before the break and quarantines the unreadable remainder as one record.
"""
from __future__ import annotations

import bisect
import datetime as dt
from array import array
from pathlib import Path

from ingest.framework import NothingReadable, Progress, RecordError
from ingest.stackexchange.parse import landing_schema, parse_record
from ingest.stackexchange.reader import BadRow, Truncated, read_rows
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source

# File name → (entity, required). PostHistory is large and often left out of published dumps.
DUMP_FILES: dict[str, tuple[str, bool]] = {
    "Posts.xml": ("posts", True),
    "Users.xml": ("users", True),
    "Comments.xml": ("comments", True),
    "Votes.xml": ("votes", True),
    "Badges.xml": ("badges", True),
    "Tags.xml": ("tags", True),
    "PostLinks.xml": ("post_links", True),
    "PostHistory.xml": ("post_history", False),
}




def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _find(folder: Path, file_name: str) -> Path | None:
    # Dumps unpacked on case-insensitive systems sometimes come back as posts.xml.
    for candidate in folder.iterdir():
        if candidate.name.lower() == file_name.lower():
            return candidate
    return None


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict | None:
    """Parse every dump file into the landing batch. A dump is a full snapshot: no cursor."""
    folder = source.path
    if folder is None or not folder.is_dir():
        raise NothingReadable(f"{folder} is not a folder: point at the unpacked dump (the folder holding Posts.xml)")
    for file_name, (entity, required) in DUMP_FILES.items():
        summary = FileSummary(source_file=file_name, entity=entity, started_at=_now())
        path = _find(folder, file_name)
        if path is None:
            summary.status = "missing"
            summary.message = (
                f"{file_name} not found in {folder}: the other files were loaded; "
                "add the file and ingest again to complete the community"
                if required else f"{file_name} not in this dump (optional)"
            )
        else:
            _extract_file(path, entity, batch, summary, progress)
        summary.finished_at = _now()
        batch.manifest.files.append(summary)
    return None


class _SeenIds:
    """Ids seen in one file and the line of each, to quarantine duplicates in little memory.

    Dumps list rows by ascending Id, so ids are appended to two flat arrays (16 bytes a row, versus
    ~100 for a dict entry) and looked up by bisection; the rare id below the running maximum goes to
    a dict of its own.
    """

    def __init__(self) -> None:
        self.ids = array("q")
        self.lines = array("q")
        self.out_of_order: dict[int, int] = {}

    def first_line(self, record_id: int, line: int) -> int:
        """The line `record_id` was first seen on (this line when it is new)."""
        if not self.ids or record_id > self.ids[-1]:
            self.ids.append(record_id)
            self.lines.append(line)
            return line
        i = bisect.bisect_left(self.ids, record_id)
        if i < len(self.ids) and self.ids[i] == record_id:
            return self.lines[i]
        return self.out_of_order.setdefault(record_id, line)


def _extract_file(path: Path, entity: str, batch: BatchWriter, summary: FileSummary,
                  progress: Progress | None) -> None:
    schema = landing_schema(entity)
    seen = _SeenIds()
    try:
        for row in read_rows(path):
            summary.read += 1
            if progress and summary.read % 5000 == 0:
                progress(path.name, summary.read)
            if isinstance(row, BadRow):
                summary.quarantined += 1
                batch.quarantine(path.name, row.line, row.reason, row.raw)
                continue
            try:
                record = parse_record(entity, row.attrs, row.line)
                seen_at = seen.first_line(record["id"], row.line)
                if seen_at != row.line:
                    raise RecordError(f"duplicate Id {record['id']} (first seen at line {seen_at})")
            except RecordError as e:
                summary.quarantined += 1
                batch.quarantine(path.name, row.line, str(e), _raw(row.attrs))
                continue
            batch.write(entity, schema, record)
            summary.landed += 1
    except Truncated as e:
        summary.read += 1
        summary.quarantined += 1
        summary.status = "unreadable" if summary.landed == 0 else "partial"
        summary.message = f"{path.name}: {e}; rows before line {e.line} were kept"
        batch.quarantine(path.name, e.line, f"unreadable remainder of file: {e}", e.tail)
        return
    except OSError as e:
        summary.status = "unreadable"
        summary.message = f"{path.name} could not be opened: {e.strerror}"
        return
    if summary.quarantined:
        summary.status = "partial"
        summary.message = f"{summary.quarantined} rows of {path.name} quarantined"


def _raw(attrs: dict[str, str]) -> str:
    return " ".join(f'{k}="{v}"' for k, v in attrs.items())
