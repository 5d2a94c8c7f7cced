"""A Zendesk export folder → one landing batch (typed Parquet per entity, plus quarantine).

The folder holds the JSON pages the incremental export endpoints returned, or JSON lines with one
record a line, named by what they hold (docs/connectors/zendesk.md):

    organizations*.json   users*.json   tickets*.json   ticket_events*.json
    satisfaction_ratings*.json   comments/<ticket id>*.json   (each also as .jsonl / .ndjson)

Every page is read at each ingest (upserts make re-reading harmless). The cursor records, per
stream, where the export stands: the end_time / after_cursor of the last page read, whether it was
the end of the stream, and the latest update time landed; the job that fetches the next export
starts from there.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from ingest.framework import NothingReadable, Progress, RecordError
from ingest.records import DuplicateKeys
from ingest.zendesk.pages import JSON_LINES_SUFFIXES, PageInfo, Record, read_file, scrub
from ingest.zendesk.parse import SCHEMAS, parse_record, raw_json
from warehouse.landing import BatchWriter, FileSummary
from warehouse.settings import Source

# Read in this order: the people and organizations tickets refer to, then tickets and their history.
STREAMS = ("organizations", "users", "tickets", "ticket_events", "comments", "satisfaction_ratings")
SUFFIXES = (".json",) + JSON_LINES_SUFFIXES
_SINGULAR = {"organizations": "organization", "users": "user", "tickets": "ticket", "ticket_events": "ticket event",
             "comments": "comment", "satisfaction_ratings": "satisfaction rating"}
_VERSIONED = {"organizations", "users", "tickets", "satisfaction_ratings"}  # records that carry updated_at


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _natural(name: str) -> list:
    # tickets-2.json before tickets-10.json
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.lower())]


def _stream_of(name: str) -> str | None:
    lower = name.lower()
    if not lower.endswith(SUFFIXES):
        return None
    return next((s for s in STREAMS if lower.startswith(s)), None)


def export_files(path: Path | None) -> list[tuple[str, Path, str, int | None]]:
    """(stream, file, name shown in the run log, ticket id a comments file is named after), in reading order."""
    if path is None or not path.exists():
        raise NothingReadable(f"{path} does not exist: point at the folder holding the Zendesk export")
    if path.is_file():
        stream = _stream_of(path.name)
        if stream is None:
            raise NothingReadable(f"{path.name} is not a Zendesk export file: name it after what it holds "
                                  f"({', '.join(s + '*.json' for s in STREAMS)})")
        return [(stream, path, path.name, _ticket_of(path.name) if stream == "comments" else None)]
    found = []
    for file in path.iterdir():
        stream = _stream_of(file.name) if file.is_file() else None
        if stream is not None:
            found.append((stream, file, file.name, None))
    comments = next((d for d in path.iterdir() if d.is_dir() and d.name.lower() == "comments"), None)
    if comments is not None:
        for file in comments.iterdir():
            if file.is_file() and file.name.lower().endswith(SUFFIXES):
                found.append(("comments", file, f"{comments.name}/{file.name}", _ticket_of(file.name)))
    if not found:
        raise NothingReadable(f"{path} holds no Zendesk export file: expected "
                              f"{', '.join(s + '*.json' for s in STREAMS)} or comments/<ticket id>.json")
    return sorted(found, key=lambda f: (STREAMS.index(f[0]), _natural(f[2])))


def _ticket_of(name: str) -> int | None:
    match = re.match(r"(\d+)", name)
    return int(match.group(1)) if match else None


def extract(source: Source, batch: BatchWriter, cursor: dict | None, progress: Progress | None) -> dict | None:
    files = export_files(source.path)
    seen = {entity: DuplicateKeys() for entity in SCHEMAS}
    streams: dict[str, dict] = {}
    for stream in ("tickets", "users"):
        if not any(f[0] == stream for f in files):
            batch.manifest.files.append(_missing(stream))
    for stream, path, name, ticket_id in files:
        summary = FileSummary(source_file=name, entity=stream, started_at=_now())
        info = PageInfo()
        high_water = _extract_file(stream, path, name, ticket_id, batch, summary, info, seen, progress)
        summary.finished_at = _now()
        batch.manifest.files.append(summary)
        if stream != "comments":  # per-ticket lists, not a stream with a position
            _advance(streams.setdefault(stream, {}), name, info, high_water)
    return _merge_cursor(cursor, streams)


def _missing(stream: str) -> FileSummary:
    consequence = {"tickets": "there are no tickets to load; export /api/v2/incremental/tickets",
                   "users": "agents cannot be told from customers unless an earlier export loaded them, "
                            "so first responses may stay empty; export /api/v2/incremental/users"}[stream]
    return FileSummary(source_file=f"{stream}*.json", entity=stream, status="missing",
                       message=f"no {stream}*.json in the export: {consequence}", started_at=_now(),
                       finished_at=_now())


def _extract_file(stream: str, path: Path, name: str, ticket_id: int | None, batch: BatchWriter,
                  summary: FileSummary, info: PageInfo, seen: dict[str, DuplicateKeys],
                  progress: Progress | None) -> str | None:
    """Land one file's records; returns the latest update time landed (ISO), for the cursor."""
    high_water = None
    try:
        for item in read_file(path, stream, info):
            summary.read += 1
            if progress and summary.read % 1000 == 0:
                progress(name, summary.read)
            if not isinstance(item, Record):
                summary.quarantined += 1
                batch.quarantine(name, item.position, item.reason, item.raw)
                continue
            try:
                rows = parse_record(stream, item.value, name, item.position, ticket_id)
                _check_duplicates(rows, seen, f"{name} record {item.position}")
            except RecordError as e:
                summary.quarantined += 1
                batch.quarantine(name, item.position, str(e), scrub(raw_json(item.value)))
                continue
            for entity, entity_rows in rows.items():
                for row in entity_rows:
                    batch.write(entity, SCHEMAS[entity], row)
            summary.landed += 1
            main = rows[stream][0]
            stamp = main.get("updated_at") or main.get("created_at")
            if stamp is not None and (high_water is None or stamp.isoformat() > high_water):
                high_water = stamp.isoformat()
    except OSError as e:
        summary.status = "unreadable"
        summary.message = f"{name} could not be read: {e.strerror}"
        return None
    if summary.quarantined:
        summary.status = "partial" if summary.landed else "unreadable"
        summary.message = f"{summary.quarantined} of {summary.read} records of {name} quarantined"
        if not info.complete:
            summary.message += "; the page could not be read to its end, so its pagination fields were not used"
    return high_water


def _check_duplicates(rows: dict[str, list[dict]], seen: dict[str, DuplicateKeys], where: str) -> None:
    """The same record twice in one export loads once; the same id with different content is a conflict.

    Tickets, users, organizations and ratings are versioned by updated_at: the time-based export repeats
    a record updated while it ran, and the later version is an update, not a conflict.
    """
    for entity, entity_rows in rows.items():
        if entity == "ticket_changes":
            continue  # part of their audit, which is checked as a whole
        for row in entity_rows:
            key = f"{_SINGULAR[entity]} {row['id']}"
            if entity in _VERSIONED and row.get("updated_at") is not None:
                key += f" (updated_at {row['updated_at'].isoformat()})"
            if entity == "comments":  # a comment comes from its ticket's comments and from ticket events
                content = json.dumps([row["ticket_id"], row["author_id"], row["body"], row["public"],
                                      row["created_at"].isoformat()], ensure_ascii=False)
            else:
                content = json.dumps(json.loads(row["raw"]), sort_keys=True, ensure_ascii=False)
            seen[entity].check(key, where, content)


def _advance(state: dict, name: str, info: PageInfo, high_water: str | None) -> None:
    if info.complete:
        for key in ("end_time", "after_cursor", "end_of_stream"):
            value = getattr(info, key)
            if value is not None:
                state[key] = value
        state["last_page"] = name
    if high_water is not None and high_water > state.get("high_water", ""):
        state["high_water"] = high_water


def _merge_cursor(previous: dict | None, streams: dict[str, dict]) -> dict | None:
    """Per stream, the later of the stored position and this export's: an older export loaded after a
    newer one does not move the cursor back."""
    merged = dict(previous or {})
    for stream, state in streams.items():
        if not state:
            continue
        old = merged.get(stream) or {}
        if (state.get("end_time") or 0, state.get("high_water") or "") >= (old.get("end_time") or 0,
                                                                           old.get("high_water") or ""):
            merged[stream] = state
    return merged or None
