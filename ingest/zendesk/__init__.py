"""Zendesk help desk, from a folder of incremental export pages (or JSON lines).

Natural keys: the Zendesk ids of tickets, users, organizations, ticket events (audits) and their
child events, comments and satisfaction ratings. Cursor: per stream, the end_time / after_cursor of
the last page read and the latest update landed. See docs/connectors/zendesk.md.
"""
from importlib import resources

from ingest.framework import Connector, Entity
from ingest.zendesk.extract import STREAMS, extract
from ingest.zendesk.parse import SCHEMAS

CONNECTOR = Connector(
    kind="zendesk",
    channel="support",
    entities={entity: Entity(schema, ("id",)) for entity, schema in SCHEMAS.items()},
    extract=extract,
    stage_sql=resources.files("ingest.zendesk").joinpath("stage.sql"),
    expects=f"a Zendesk export folder ({', '.join(s + '*.json' for s in STREAMS if s != 'comments')}, "
            "comments/<ticket id>.json; JSON pages or JSON lines)",
)
