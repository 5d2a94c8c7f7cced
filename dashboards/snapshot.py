"""Which serving snapshot the running dashboard reads: set per app, default the published one."""
from __future__ import annotations

from pathlib import Path

import flask

from warehouse import settings

CONFIG_KEY = "TOWNSQUARE_SNAPSHOT"


def snapshot_path() -> Path:
    """The snapshot of the app handling this request (layouts and callbacks run inside one)."""
    configured = flask.current_app.config.get(CONFIG_KEY) if flask.has_app_context() else None
    return Path(configured) if configured else settings.snapshot_path()
