"""Pure parse functions: one Stack Exchange dump row (its XML attributes) to one typed record.

Each raises RecordError with a reason a person can act on when the row cannot be trusted; the
extractor sends such rows to quarantine. Attributes not listed here are kept in `raw`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from ingest.framework import RecordError
from ingest.text import html_to_text


def _int(value: str, attribute: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RecordError(f"{attribute} {value!r} is not an integer") from None


def _timestamp(value: str, attribute: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{attribute} {value!r} is not a date-time (expected like 2021-04-27T15:06:44.553)") from None
    # Dumps are in UTC without an offset; an explicit offset is converted so all times share one clock.
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _bool(value: str, attribute: str) -> bool:
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise RecordError(f"{attribute} {value!r} is not True or False")


def _text(value: str, attribute: str) -> str:
    return value


def _tags(value: str, attribute: str) -> list[str]:
    # Older dumps write '<a><b>', newer ones '|a|b|'.
    if value.startswith("<"):
        return [t for t in value.strip("<>").split("><") if t]
    return [t for t in value.split("|") if t]


@dataclass(frozen=True)
class Field:
    column: str
    attribute: str
    convert: Callable[[str, str], object]
    arrow_type: pa.DataType
    required: bool = False


def _f(column, attribute, kind, required=False) -> Field:
    convert, arrow_type = {
        "int": (_int, pa.int64()),
        "ts": (_timestamp, pa.timestamp("ms")),
        "text": (_text, pa.string()),
        "bool": (_bool, pa.bool_()),
        "tags": (_tags, pa.list_(pa.string())),
    }[kind]
    return Field(column, attribute, convert, arrow_type, required)


ENTITY_FIELDS: dict[str, list[Field]] = {
    "posts": [
        _f("id", "Id", "int", True), _f("post_type_id", "PostTypeId", "int", True),
        _f("parent_id", "ParentId", "int"), _f("accepted_answer_id", "AcceptedAnswerId", "int"),
        _f("created_at", "CreationDate", "ts", True), _f("score", "Score", "int"),
        _f("view_count", "ViewCount", "int"), _f("body_html", "Body", "text"),
        _f("owner_user_id", "OwnerUserId", "int"), _f("owner_display_name", "OwnerDisplayName", "text"),
        _f("last_editor_user_id", "LastEditorUserId", "int"), _f("last_edit_at", "LastEditDate", "ts"),
        _f("last_activity_at", "LastActivityDate", "ts"), _f("title", "Title", "text"),
        _f("tags", "Tags", "tags"), _f("answer_count", "AnswerCount", "int"),
        _f("comment_count", "CommentCount", "int"), _f("favorite_count", "FavoriteCount", "int"),
        _f("closed_at", "ClosedDate", "ts"), _f("community_owned_at", "CommunityOwnedDate", "ts"),
    ],
    "users": [
        _f("id", "Id", "int", True), _f("reputation", "Reputation", "int"),
        _f("created_at", "CreationDate", "ts", True), _f("display_name", "DisplayName", "text"),
        _f("last_access_at", "LastAccessDate", "ts"), _f("website_url", "WebsiteUrl", "text"),
        _f("location", "Location", "text"), _f("about_html", "AboutMe", "text"),
        _f("views", "Views", "int"), _f("up_votes", "UpVotes", "int"), _f("down_votes", "DownVotes", "int"),
        _f("account_id", "AccountId", "int"),
    ],
    "comments": [
        _f("id", "Id", "int", True), _f("post_id", "PostId", "int", True), _f("score", "Score", "int"),
        _f("text", "Text", "text"), _f("created_at", "CreationDate", "ts", True),
        _f("user_id", "UserId", "int"), _f("user_display_name", "UserDisplayName", "text"),
    ],
    "votes": [
        _f("id", "Id", "int", True), _f("post_id", "PostId", "int", True),
        _f("vote_type_id", "VoteTypeId", "int", True), _f("created_at", "CreationDate", "ts", True),
        _f("user_id", "UserId", "int"), _f("bounty_amount", "BountyAmount", "int"),
    ],
    "badges": [
        _f("id", "Id", "int", True), _f("user_id", "UserId", "int", True), _f("name", "Name", "text", True),
        _f("awarded_at", "Date", "ts", True), _f("badge_class", "Class", "int"),
        _f("tag_based", "TagBased", "bool"),
    ],
    "tags": [
        _f("id", "Id", "int", True), _f("tag_name", "TagName", "text", True), _f("count", "Count", "int"),
        _f("excerpt_post_id", "ExcerptPostId", "int"), _f("wiki_post_id", "WikiPostId", "int"),
    ],
    "post_links": [
        _f("id", "Id", "int", True), _f("created_at", "CreationDate", "ts", True),
        _f("post_id", "PostId", "int", True), _f("related_post_id", "RelatedPostId", "int", True),
        _f("link_type_id", "LinkTypeId", "int", True),
    ],
    "post_history": [
        _f("id", "Id", "int", True), _f("post_history_type_id", "PostHistoryTypeId", "int", True),
        _f("post_id", "PostId", "int", True), _f("revision_guid", "RevisionGUID", "text"),
        _f("created_at", "CreationDate", "ts", True), _f("user_id", "UserId", "int"),
        _f("user_display_name", "UserDisplayName", "text"), _f("comment", "Comment", "text"),
        _f("text", "Text", "text"),
    ],
}

# Columns computed at parse time (outside the warehouse lock) from the HTML attributes.
_DERIVED = {
    "posts": [("body_text", "body_html")],
    "users": [("about_text", "about_html")],
    "comments": [],
}


def landing_schema(entity: str) -> pa.Schema:
    columns = [(f.column, f.arrow_type) for f in ENTITY_FIELDS[entity]]
    columns += [(name, pa.string()) for name, _ in _DERIVED.get(entity, [])]
    columns += [("line", pa.int64()), ("raw", pa.string())]
    return pa.schema(columns)


def parse_record(entity: str, attrs: dict[str, str], line: int) -> dict:
    """Typed record of one row, with its line and its raw attributes as JSON."""
    record: dict[str, object] = {}
    for field in ENTITY_FIELDS[entity]:
        value = attrs.get(field.attribute)
        if value is None or (value == "" and field.convert is not _text):
            if field.required:
                raise RecordError(f"required attribute {field.attribute} is missing")
            record[field.column] = None
            continue
        record[field.column] = field.convert(value, field.attribute)
    for column, html_column in _DERIVED.get(entity, []):
        record[column] = html_to_text(record[html_column])
    record["line"] = line
    record["raw"] = json.dumps(attrs, ensure_ascii=False, separators=(",", ":"))
    return record

