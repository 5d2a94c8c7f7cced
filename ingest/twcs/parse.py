"""Pure parse functions: one row of a TWCS-layout CSV (customer support on X) to one typed tweet.

The layout is the one of the "Customer Support on Twitter" dataset: tweet_id, author_id, inbound
(True = the customer, False = the brand's support account), created_at ('Tue Oct 31 22:10:47 +0000
2017'), text, response_tweet_id (comma-separated replies), in_response_to_tweet_id (the parent).
`parse_tweet` is the connector's one validator: it returns the typed record or raises RecordError.
"""
from __future__ import annotations

import html
import json
import re

import pyarrow as pa

from ingest.framework import RecordError, landing_schema
from ingest.records import as_bool, as_id, as_timestamp

COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id")

TWEET_SCHEMA = landing_schema([
    ("tweet_id", pa.string()),
    ("author_id", pa.string()),
    ("inbound", pa.bool_()),
    ("created_at", pa.timestamp("ms")),
    ("text", pa.string()),
    ("response_tweet_ids", pa.list_(pa.string())),
    ("in_response_to_tweet_id", pa.string()),
])

# Derived after the whole source is read: the conversation (ticket) each tweet belongs to.
THREAD_SCHEMA = pa.schema([
    ("tweet_id", pa.string()),
    ("root_tweet_id", pa.string()),
    ("parent_in_source", pa.bool_()),
])

# The full dataset, read with pandas and written back, carries float ids ('119236.0').
_TWEET_ID = re.compile(r"^\s*(\d+)(?:\.0+)?\s*$")
_SURROGATES = re.compile("[\udc80-\udcff]")


def _tweet_id(value: str, name: str, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise RecordError(f"required field {name} is missing")
        return None
    match = _TWEET_ID.match(value)
    if not match:
        raise RecordError(f"{name} {value[:40]!r} is not a tweet id (digits)")
    return match.group(1)


def parse_tweet(row: dict[str, str]) -> dict:
    """A typed tweet from one CSV row (column name -> text), or RecordError saying what is wrong."""
    for column, value in row.items():
        if value and _SURROGATES.search(value):
            raise RecordError(f"not valid UTF-8 (column {column}): re-export the file as UTF-8")
    author = row.get("author_id")
    if author is None or not author.strip():
        raise RecordError("required field author_id is missing")
    inbound = as_bool(row.get("inbound"), "inbound")
    if inbound is None:
        raise RecordError("required field inbound is missing (True for the customer, False for the brand)")
    created_at = as_timestamp(row.get("created_at"), "created_at")
    if created_at is None:
        raise RecordError("required field created_at is missing")
    responses = [_tweet_id(part, "response_tweet_id", True)
                 for part in (row.get("response_tweet_id") or "").split(",") if part.strip()]
    return {
        "tweet_id": _tweet_id(row.get("tweet_id"), "tweet_id", True),
        "author_id": as_id(author.strip(), "author_id"),
        "inbound": inbound,
        "created_at": created_at,
        # Tweets arrive HTML-escaped ('&amp;'); the text is kept as people read it.
        "text": html.unescape(row.get("text") or ""),
        "response_tweet_ids": responses,
        "in_response_to_tweet_id": _tweet_id(row.get("in_response_to_tweet_id"), "in_response_to_tweet_id", False),
    }


def raw_json(row: dict[str, str]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))
