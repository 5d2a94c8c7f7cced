"""Discourse forum connector: reads a forum through its JSON API, incrementally.

Natural keys: the forum's own ids (`id`) of categories, topics, posts and users.
Cursor: `{"bumped_at": ..., "post_id": ...}`: the newest topic bump fully read and the highest post
id read; a later run reads only topics bumped after it, and of those only posts it has not read.
See docs/connectors/discourse.md for the configuration, the calls made and the mapping.
"""
from importlib import resources

from ingest.discourse.extract import extract
from ingest.discourse.parse import SCHEMAS
from ingest.framework import Connector, Entity

CONNECTOR = Connector(
    kind="discourse",
    channel="forum",
    entities={entity: Entity(schema, ("id",)) for entity, schema in SCHEMAS.items()},
    extract=extract,
    stage_sql=resources.files("ingest.discourse").joinpath("stage.sql"),
    expects="a Discourse forum answering /latest.json (check url, api_key_env or conn_id, and api_username)",
)
