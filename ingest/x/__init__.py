"""X (Twitter) API v2 payloads: response pages or twarc-flattened tweets, one JSON object per line.

Natural keys: the tweet id (tweets, including the referenced tweets that came with them) and the user
id (users). Cursor: per file, the size, modification time and byte offset already read (plus the
highest tweet id seen); see ingest/x/extract.py and docs/connectors/x.md.
"""
from importlib import resources

from ingest.framework import Connector, Entity
from ingest.x.extract import extract
from ingest.x.parse import TWEETS_SCHEMA, USERS_SCHEMA

CONNECTOR = Connector(
    kind="x",
    channel="social",
    entities={"tweets": Entity(TWEETS_SCHEMA, ("id",)), "users": Entity(USERS_SCHEMA, ("id",))},
    extract=extract,
    stage_sql=resources.files("ingest.x").joinpath("stage.sql"),
    expects="X API v2 payloads, one JSON object per line (.jsonl): response pages with `data` and `includes`, "
            "or twarc-flattened tweets",
)
