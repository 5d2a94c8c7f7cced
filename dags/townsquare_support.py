"""Airflow DAG townsquare_support: the support sources of the configuration → landing zone → warehouse.

Built by townsquare/orchestration.py (the file names "airflow" and "dag" so Airflow's safe-mode parser reads it).
"""
from townsquare.orchestration import source_dag

source_dag("support")
