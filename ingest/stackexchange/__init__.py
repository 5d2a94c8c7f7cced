"""Stack Exchange data dump connector.

Natural key: the row's Id within each file. Cursor: none — a dump is a full snapshot of the site, so
each ingest lands the whole dump and the shared merge upserts it.
"""
from importlib import resources

from ingest.framework import Connector, Entity
from ingest.stackexchange.extract import DUMP_FILES, extract
from ingest.stackexchange.parse import landing_schema

CONNECTOR = Connector(
    kind="stackexchange",
    channel="forum",
    entities={entity: Entity(landing_schema(entity), ("id",)) for entity, _ in DUMP_FILES.values()},
    extract=extract,
    stage_sql=resources.files("ingest.stackexchange").joinpath("stage.sql"),
    expects=f"Stack Exchange dump files ({', '.join(DUMP_FILES)})",
)
