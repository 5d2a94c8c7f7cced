"""Airflow DAGs townsquare_<kind>, one per source kind: the configured sources of that kind → landing
zone → warehouse, each DAG on its own schedule. Built by townsquare/orchestration.py."""
from ingest.framework import KINDS
from townsquare.orchestration import source_dag

for kind in KINDS:
    source_dag(kind)
