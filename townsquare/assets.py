"""Assets the Townsquare DAGs produce and consume, named after what they hold. Defined once, here."""
from airflow.sdk import Asset

WAREHOUSE_CORE = Asset("townsquare://warehouse/core")
SERVING_SNAPSHOT = Asset("townsquare://serving/current")
