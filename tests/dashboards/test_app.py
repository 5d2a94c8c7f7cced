"""The dashboard app without a browser: what it serves before anything is published, and its pages."""
from __future__ import annotations

from dashboards.app import create_app


def _page_layout(app) -> str:
    """The Overview layout as the browser would receive it, rendered to JSON."""
    from plotly.io.json import to_json_plotly

    from dashboards.pages import overview

    with app.server.test_request_context("/"):
        return to_json_plotly(overview.layout())


def test_without_a_snapshot_the_page_says_what_to_run(tmp_path):
    app = create_app(tmp_path / "serving" / "current.duckdb")
    assert app.server.test_client().get("/").status_code == 200
    body = _page_layout(app)
    assert "No data published yet" in body and "townsquare run" in body


def test_with_a_snapshot_the_page_offers_each_community(two_communities_snapshot):
    body = _page_layout(create_app(two_communities_snapshot))
    for expected in ("Cardano Stack Exchange", "Acme Users", "All communities (2)", "overview-kpi-questions-value",
                     "Data published"):
        assert expected in body
