"""Shared fixtures: real data from ../shared/data, isolated TOWNSQUARE_HOME folders, Airflow's test env."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Airflow reads its configuration when first imported: point it at a throwaway home before any test
# module imports it.
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="townsquare-airflow-"))
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[1] / "dags"))
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
# The suite tests the default pipeline, the one a plain install runs; tests/nlp/test_entities.py turns the
# optional pretrained NER on where it tests it.
os.environ.setdefault("TOWNSQUARE_NER", "off")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TOWNSQUARE_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_data(name: str) -> Path:
    """A folder of ../shared/data; missing data fails in CI and skips elsewhere."""
    path = SHARED_DATA / name
    if not path.is_dir():
        message = f"real test data {path} is missing (expected ../shared/data beside the checkout)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def shared_dataset():
    """`shared_data` for fixtures and tests in other folders: shared_dataset("stackexchange_cardano")."""
    return shared_data


@pytest.fixture
def cardano_dump() -> Path:
    return shared_data("stackexchange_cardano")


@pytest.fixture
def bicycles_meta_dump() -> Path:
    return shared_data("stackexchange_bicycles_meta")


@pytest.fixture
def townsquare_home(tmp_path, monkeypatch) -> Path:
    """An empty TOWNSQUARE_HOME for one test."""
    home = tmp_path / "home"
    monkeypatch.setenv("TOWNSQUARE_HOME", str(home))
    monkeypatch.delenv("TOWNSQUARE_CONFIG", raising=False)
    return home


@pytest.fixture(scope="session")
def cardano_home(tmp_path_factory) -> Path:
    """A TOWNSQUARE_HOME with the cardano dump ingested, marts built and published (shared, read-only)."""
    from townsquare import pipeline
    from warehouse.settings import Source

    home = tmp_path_factory.mktemp("cardano-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        dump = shared_data("stackexchange_cardano")
        batch_dir, _ = pipeline.extract(Source("stackexchange", dump, "cardano", "Cardano Stack Exchange"))
        pipeline.load([batch_dir])
        pipeline.build_marts()
        pipeline.publish("test")
    return home


@pytest.fixture
def cardano_db(cardano_home):
    """A read-only connection to the cardano warehouse."""
    import duckdb

    con = duckdb.connect(str(cardano_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def xml_rows():
    """Read a dump file the plain way (ElementTree, no Townsquare code): a list of attribute dicts."""
    import xml.etree.ElementTree as ET

    def read(path: Path) -> list[dict[str, str]]:
        return [dict(row.attrib) for row in ET.parse(path).getroot()]

    return read


@pytest.fixture(scope="session")
def cardano_xml(xml_rows) -> dict[str, list[dict[str, str]]]:
    """Posts, Users and Comments of the cardano dump, read with ElementTree."""
    folder = shared_data("stackexchange_cardano")
    return {name: xml_rows(folder / f"{name}.xml") for name in ("Posts", "Users", "Comments")}


@pytest.fixture(scope="session")
def warehouse_tables():
    """read(home, {table: order by}) -> {table: every row, in that order}: for comparing two warehouses."""
    import duckdb

    def read(home: Path, tables: dict[str, str]) -> dict[str, list]:
        con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
        try:
            return {t: con.execute(f"select * from {t} order by {key}").fetchall() for t, key in tables.items()}
        finally:
            con.close()

    return read
