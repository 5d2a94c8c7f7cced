"""Pure parse functions: one record of a Zendesk export to typed landing rows.

`parse_record(entity, value, ticket_id)` is the connector's one validator: it returns the rows to
land (a dict landing entity -> rows; an audit of the ticket events export yields the audit, its
status / priority / assignee changes and the comments it carries) or raises RecordError saying what
is wrong. Field names are those of the Zendesk Support API (Tickets, Incremental Exports, Ticket
Events, Users, Organizations, Satisfaction Ratings, Ticket Comments).

E-mail addresses never land: a user's address becomes `email_hash` (the salted hash of
`ingest.records.email_hash`) and every `email` / `address` field of a raw record is replaced by that hash.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pyarrow as pa

from ingest.framework import RecordError, landing_schema
from ingest.records import as_bool, as_text, as_timestamp, email_hash
from ingest.text import html_to_text

TS = pa.timestamp("ms")

SCHEMAS: dict[str, pa.Schema] = {
    "organizations": landing_schema([
        ("id", pa.int64()), ("name", pa.string()), ("created_at", TS), ("updated_at", TS),
    ]),
    "users": landing_schema([
        ("id", pa.int64()), ("name", pa.string()), ("email_hash", pa.string()), ("role", pa.string()),
        ("organization_id", pa.int64()), ("created_at", TS), ("updated_at", TS), ("last_login_at", TS),
        ("active", pa.bool_()), ("suspended", pa.bool_()),
    ]),
    "tickets": landing_schema([
        ("id", pa.int64()), ("subject", pa.string()), ("description", pa.string()), ("status", pa.string()),
        ("priority", pa.string()), ("type", pa.string()), ("via_channel", pa.string()),
        ("requester_id", pa.int64()), ("submitter_id", pa.int64()), ("assignee_id", pa.int64()),
        ("organization_id", pa.int64()), ("group_id", pa.int64()), ("tags", pa.list_(pa.string())),
        ("satisfaction_score", pa.string()), ("satisfaction_comment", pa.string()),
        ("created_at", TS), ("updated_at", TS),
    ]),
    "ticket_events": landing_schema([
        ("id", pa.int64()), ("ticket_id", pa.int64()), ("created_at", TS), ("updater_id", pa.int64()),
        ("via", pa.string()),
    ]),
    # One row per status, priority or assignee change (or initial value) inside an audit.
    "ticket_changes": landing_schema([
        ("id", pa.int64()), ("event_id", pa.int64()), ("ticket_id", pa.int64()), ("occurred_at", TS),
        ("field", pa.string()), ("old_value", pa.string()), ("new_value", pa.string()),
        ("updater_id", pa.int64()),
    ]),
    "comments": landing_schema([
        ("id", pa.int64()), ("ticket_id", pa.int64()), ("author_id", pa.int64()), ("body", pa.string()),
        ("public", pa.bool_()), ("created_at", TS), ("via_channel", pa.string()),
    ]),
    "satisfaction_ratings": landing_schema([
        ("id", pa.int64()), ("ticket_id", pa.int64()), ("score", pa.string()), ("comment", pa.string()),
        ("reason", pa.string()), ("assignee_id", pa.int64()), ("requester_id", pa.int64()),
        ("created_at", TS), ("updated_at", TS),
    ]),
}

# The ticket fields whose changes become ticket_events, by their name in the export.
TRACKED_FIELDS = {"status": "status", "priority": "priority", "assignee_id": "assignee"}
_CHANGE_TYPES = {"Create", "Change"}
_PRIVATE_KEYS = {"email", "address"}
_INT64_MAX = 2**63 - 1


def redact(value: object) -> object:
    """The record with every e-mail address in an `email` or `address` field replaced by its hash."""
    if isinstance(value, Mapping):
        return {k: ("hash:" + email_hash(v) if k in _PRIVATE_KEYS and isinstance(v, str) and "@" in v
                    else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def raw_json(value: object) -> str:
    return json.dumps(redact(value), ensure_ascii=False, separators=(",", ":"))


def _id(value, name: str, required: bool = False, record_id: bool = False) -> int | None:
    """A Zendesk id: an integer (or a string of digits). Record ids are positive; references to the
    system user may be -1."""
    if value is None or value == "":
        if required:
            raise RecordError(f"required field {name} is missing")
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > _INT64_MAX:
        raise RecordError(f"{name} {str(value)[:40]!r} is not a Zendesk id (an integer)")
    if record_id and value <= 0:
        raise RecordError(f"{name} {value} is not a Zendesk id (a positive integer)")
    return value


def _time(value, name: str, required: bool = False) -> dt.datetime | None:
    """ISO 8601 as the API writes it, or Unix seconds (the `timestamp` of ticket events)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None)
    parsed = as_timestamp(value, name)
    if parsed is None and required:
        raise RecordError(f"required field {name} is missing")
    return parsed


def _text(obj: Mapping, name: str) -> str | None:
    return as_text(obj.get(name), name)


def _object(value, name: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"{name} should be an object, got {type(value).__name__}")
    return value


def _tags(value) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise RecordError(f"tags should be a list of text, got {json.dumps(value, ensure_ascii=False)[:60]}")
    return value


def _via_channel(value, name: str) -> str | None:
    # Tickets and comments carry `via` as an object; ticket events as a label ("Web form").
    if isinstance(value, str):
        return value
    return as_text(_object(value, name).get("channel"), f"{name}.channel")


def parse_organization(obj: Mapping) -> dict:
    name = _text(obj, "name")
    if not name:
        raise RecordError("required field name is missing")
    return {"id": _id(obj.get("id"), "id", True, True), "name": name,
            "created_at": _time(obj.get("created_at"), "created_at"),
            "updated_at": _time(obj.get("updated_at"), "updated_at")}


def parse_user(obj: Mapping) -> dict:
    email = _text(obj, "email")
    return {
        "id": _id(obj.get("id"), "id", True, True), "name": _text(obj, "name"),
        "email_hash": email_hash(email) if email else None,
        "role": _text(obj, "role"), "organization_id": _id(obj.get("organization_id"), "organization_id"),
        "created_at": _time(obj.get("created_at"), "created_at"),
        "updated_at": _time(obj.get("updated_at"), "updated_at"),
        "last_login_at": _time(obj.get("last_login_at"), "last_login_at"),
        "active": as_bool(obj.get("active"), "active"), "suspended": as_bool(obj.get("suspended"), "suspended"),
    }


def parse_ticket(obj: Mapping) -> dict:
    rating = _object(obj.get("satisfaction_rating"), "satisfaction_rating")
    return {
        "id": _id(obj.get("id"), "id", True, True),
        "subject": _text(obj, "subject"), "description": _text(obj, "description"),
        "status": _text(obj, "status"), "priority": _text(obj, "priority"), "type": _text(obj, "type"),
        "via_channel": _via_channel(obj.get("via"), "via"),
        "requester_id": _id(obj.get("requester_id"), "requester_id"),
        "submitter_id": _id(obj.get("submitter_id"), "submitter_id"),
        "assignee_id": _id(obj.get("assignee_id"), "assignee_id"),
        "organization_id": _id(obj.get("organization_id"), "organization_id"),
        "group_id": _id(obj.get("group_id"), "group_id"),
        "tags": _tags(obj.get("tags")),
        "satisfaction_score": as_text(rating.get("score"), "satisfaction_rating.score"),
        "satisfaction_comment": as_text(rating.get("comment"), "satisfaction_rating.comment"),
        "created_at": _time(obj.get("created_at"), "created_at", required=True),
        "updated_at": _time(obj.get("updated_at"), "updated_at"),
    }


def parse_comment(obj: Mapping, ticket_id: int | None) -> dict:
    own = _id(obj.get("ticket_id"), "ticket_id")
    if own is not None and ticket_id is not None and own != ticket_id:
        raise RecordError(f"ticket_id {own} differs from ticket {ticket_id} the file is named after")
    ticket = own if own is not None else ticket_id
    if ticket is None:
        raise RecordError("no ticket id: put a ticket's comments in comments/<ticket id>.json "
                          "or give each comment a ticket_id")
    body = _text(obj, "body")
    if body is None:
        body = _text(obj, "plain_body")
    if body is None and obj.get("html_body") is not None:
        body = html_to_text(_text(obj, "html_body"))
    return {
        "id": _id(obj.get("id"), "id", True, True), "ticket_id": ticket,
        "author_id": _id(obj.get("author_id"), "author_id"), "body": body,
        "public": as_bool(obj.get("public"), "public"),
        "created_at": _time(obj.get("created_at"), "created_at", required=True),
        "via_channel": _via_channel(obj.get("via"), "via"),
    }


def _change(child: Mapping) -> tuple[str, object, object] | None:
    """(export field name, old value, new value) of a Create or Change child event on a tracked field.

    The incremental export writes the field as its own key (`{"status": "solved", "previous_value":
    "open"}`); the Ticket Audits API as `field_name` and `value`. Both are read.
    """
    if child.get("event_type", child.get("type")) not in _CHANGE_TYPES:
        return None
    name = child.get("field_name")
    if name is not None:
        return (name, child.get("previous_value"), child.get("value")) if name in TRACKED_FIELDS else None
    for name in TRACKED_FIELDS:
        if name in child:
            return name, child.get("previous_value"), child[name]
    return None


def _value(value, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{name} {json.dumps(value)[:40]} is not a single value")


def parse_ticket_event(obj: Mapping, where: tuple[str, int]) -> dict[str, list[dict]]:
    event_id = _id(obj.get("id"), "id", True, True)
    ticket_id = _id(obj.get("ticket_id"), "ticket_id", True, True)
    occurred_at = _time(obj.get("created_at"), "created_at") or _time(obj.get("timestamp"), "timestamp")
    if occurred_at is None:
        raise RecordError("required field created_at (or timestamp) is missing")
    updater_id = _id(obj.get("updater_id"), "updater_id")
    children = obj.get("child_events") or []
    if not isinstance(children, list) or not all(isinstance(c, Mapping) for c in children):
        raise RecordError("child_events should be a list of objects")
    audit = {"id": event_id, "ticket_id": ticket_id, "created_at": occurred_at, "updater_id": updater_id,
             "via": _via_channel(obj.get("via"), "via")}
    changes, comments = [], []
    for number, child in enumerate(children, start=1):
        name = f"child_events[{number}]"
        change = _change(child)
        if change is not None:
            field_name, old, new = change
            changes.append({
                "id": _id(child.get("id"), f"{name}.id", True, True), "event_id": event_id, "ticket_id": ticket_id,
                "occurred_at": occurred_at, "field": TRACKED_FIELDS[field_name],
                "old_value": _value(old, f"{name}.previous_value"), "new_value": _value(new, f"{name}.{field_name}"),
                "updater_id": updater_id, "source_file": where[0], "position": where[1], "raw": raw_json(child)})
        elif child.get("event_type", child.get("type")) == "Comment" and any(
                k in child for k in ("body", "plain_body", "html_body")):
            # Present when the export was requested with the comment_events sideload.
            comment = parse_comment({"created_at": obj.get("created_at"), **child}, ticket_id)
            comments.append({**comment, "source_file": where[0], "position": where[1], "raw": raw_json(child)})
    return {"ticket_events": [audit], "ticket_changes": changes, "comments": comments}


def parse_satisfaction_rating(obj: Mapping) -> dict:
    score = _text(obj, "score")
    if not score:
        raise RecordError("required field score is missing")
    return {
        "id": _id(obj.get("id"), "id", True, True), "ticket_id": _id(obj.get("ticket_id"), "ticket_id", True, True),
        "score": score, "comment": _text(obj, "comment"), "reason": _text(obj, "reason"),
        "assignee_id": _id(obj.get("assignee_id"), "assignee_id"),
        "requester_id": _id(obj.get("requester_id"), "requester_id"),
        "created_at": _time(obj.get("created_at"), "created_at"),
        "updated_at": _time(obj.get("updated_at"), "updated_at"),
    }


def parse_record(entity: str, value: object, source_file: str, position: int,
                 ticket_id: int | None = None) -> dict[str, list[dict]]:
    """The landing rows of one export record (entity -> rows), or RecordError."""
    if not isinstance(value, Mapping):
        raise RecordError(f"a {entity} record should be a JSON object, got {type(value).__name__}")
    if entity == "ticket_events":
        rows = parse_ticket_event(value, (source_file, position))
        rows["ticket_events"][0].update(source_file=source_file, position=position, raw=raw_json(value))
        return rows
    record = {
        "organizations": parse_organization,
        "users": parse_user,
        "tickets": parse_ticket,
        "satisfaction_ratings": parse_satisfaction_rating,
    }[entity](value) if entity != "comments" else parse_comment(value, ticket_id)
    record.update(source_file=source_file, position=position, raw=raw_json(value))
    return {entity: [record]}
