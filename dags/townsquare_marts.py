"""Airflow DAG townsquare_marts: marts and the serving snapshot, rebuilt whenever a source DAG loads new data.

Built by townsquare/orchestration.py (the file names "airflow" and "dag" so Airflow's safe-mode parser reads it).
"""
from townsquare.orchestration import marts_dag

marts_dag()
