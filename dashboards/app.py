"""The Townsquare dashboard: a Dash app that reads only the serving snapshot.

`townsquare dashboard` and `make demo` call `serve`; tests call `create_app` with a snapshot of
their own. A newly published snapshot is picked up on the next page load without a restart.
"""
from __future__ import annotations

import logging
import signal
import socket
from pathlib import Path

import dash
from dash import dcc, html

from dashboards.snapshot import CONFIG_KEY

ASSETS = Path(__file__).parent / "assets"


def create_app(snapshot_path: Path | str | None = None) -> dash.Dash:
    app = dash.Dash(__name__, use_pages=True, pages_folder="", assets_folder=str(ASSETS),
                    title="Townsquare", update_title=None, suppress_callback_exceptions=True)
    app.server.config[CONFIG_KEY] = str(snapshot_path) if snapshot_path else None
    # Pages register themselves on import; importing after the app exists is what Dash requires.
    from dashboards.pages import overview

    overview.register_callbacks(app)
    app.layout = html.Div(className="shell", children=[
        html.Header(className="topbar", children=[
            html.Span("Townsquare", className="brand"),
            html.Nav([dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
                      for page in dash.page_registry.values()]),
        ]),
        html.Main(dash.page_container),
    ])
    return app


def _stop(signum, frame):
    raise KeyboardInterrupt


def serve(host: str = "127.0.0.1", port: int = 8050, snapshot_path: Path | str | None = None) -> None:
    """Serve until Ctrl-C."""
    with socket.socket() as probe:  # fail before announcing an address that is not ours
        try:
            probe.bind((host, port))
        except OSError as e:
            raise SystemExit(f"error: cannot serve on {host}:{port} ({e.strerror}); is another dashboard running? "
                             "Stop it or pass --port") from None
    app = create_app(snapshot_path)
    # Stop on SIGTERM (service managers, `docker stop`) as on Ctrl-C. Needed explicitly: Airflow, run
    # just before by `townsquare demo`, leaves a SIGTERM handler behind that swallows the signal.
    signal.signal(signal.SIGTERM, _stop)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    print(f"Townsquare dashboard: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    try:
        app.run(host=host, port=port, debug=False)
    except KeyboardInterrupt:
        pass
    print("Townsquare dashboard stopped.", flush=True)
