"""Customer support conversations on X in the TWCS CSV layout, rebuilt into tickets.

Natural key: tweet_id. Conversations (tickets) are rebuilt from the reply links of the whole file at
each ingest: the file is a snapshot, so there is no cursor. See docs/connectors/twcs.md.
"""
from importlib import resources

from ingest.framework import Connector, Entity
from ingest.twcs.extract import extract
from ingest.twcs.parse import COLUMNS, THREAD_SCHEMA, TWEET_SCHEMA

CONNECTOR = Connector(
    kind="twcs",
    channel="support",
    entities={"tweets": Entity(TWEET_SCHEMA, ("tweet_id",)), "threads": Entity(THREAD_SCHEMA, ("tweet_id",))},
    extract=extract,
    stage_sql=resources.files("ingest.twcs").joinpath("stage.sql"),
    expects=f"a CSV file (or folder of them) with the TWCS columns {', '.join(COLUMNS)}",
)
