"""Stack Exchange data dump connector.

Natural key: (community, file entity, Id). Cursor: none needed — a dump is a full snapshot of the
site, so each ingest lands the whole dump and the load upserts (write mode: merge on natural key).
"""
from ingest.stackexchange.extract import NothingReadable, extract_dump, nothing_read_message
from ingest.stackexchange.load import load_batch

__all__ = ["NothingReadable", "extract_dump", "load_batch", "nothing_read_message"]
