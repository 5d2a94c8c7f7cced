"""CSV exports of social posts (any listening tool), read through the column mapping in the config.

Natural key: the post id column. Cursor: per file, the size and modification time already read, and
the mapping they were read with; see ingest/social_csv/extract.py and docs/connectors/social_csv.md.
"""
from importlib import resources

from ingest.framework import Connector, Entity
from ingest.social_csv.extract import extract
from ingest.social_csv.parse import POSTS_SCHEMA, REQUIRED

CONNECTOR = Connector(
    kind="social_csv",
    channel="social",
    entities={"posts": Entity(POSTS_SCHEMA, ("id",))},
    extract=extract,
    stage_sql=resources.files("ingest.social_csv").joinpath("stage.sql"),
    expects=f"a CSV export of social posts whose header has the mapped columns ({', '.join(REQUIRED)}; "
            "see [sources.columns] in docs/connectors/social_csv.md)",
)
