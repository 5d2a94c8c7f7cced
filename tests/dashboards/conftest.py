"""A serving snapshot with two communities: the real cardano dump and a small synthetic one."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

SYNTHETIC = {"members": 700, "days": 240, "seed": 3, "start": dt.date(2021, 5, 1), "site_name": "acme"}


@pytest.fixture(scope="session")
def acme_dump(tmp_path_factory) -> Path:
    from synthetic.stackexchange import generate_stackexchange_dump

    folder = tmp_path_factory.mktemp("acme-dump")
    generate_stackexchange_dump(folder, **SYNTHETIC)
    return folder


@pytest.fixture(scope="session")
def two_communities_snapshot(tmp_path_factory, acme_dump, shared_dataset) -> Path:
    from townsquare import pipeline
    from warehouse.settings import Source

    home = tmp_path_factory.mktemp("two-communities-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(home))
        sources = [Source("stackexchange", shared_dataset("stackexchange_cardano"), "cardano", "Cardano Stack Exchange"),
                   Source("stackexchange", acme_dump, "acme", "Acme Users")]
        batches = [pipeline.extract(source)[0] for source in sources]
        pipeline.load(batches)
        pipeline.build_marts()
        return pipeline.publish("dashboard-tests")
