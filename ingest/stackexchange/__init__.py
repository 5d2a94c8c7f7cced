"""ingest/stackexchange"""
