"""`townsquare demo`: two synthetic communities on every channel, run through the real connectors and the
Airflow DAGs.

The generator writes what real sources hold (a Stack Exchange dump, X API v2 payloads, a listening
tool's CSV export, two Zendesk exports, TWCS support conversations), with people who appear on several
channels, so the demo exercises exactly the code path real data takes. Everything lands under
$TOWNSQUARE_HOME/demo.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from warehouse import settings

# (community id, display name, share of --members, seed): two communities of different size and age.
DEMO_COMMUNITIES = [
    ("lumen", "Lumen Developers", 1.0, 11),
    ("orbit", "Orbit Users", 0.35, 23),
]
DEMO_START = dt.date(2025, 1, 1)
# What a community team would write about the demo's product: its topics, and its products and brands.
DEMO_NLP_CONFIG = """
[[topics.taxonomy]]
name = "Login & access"
keywords = ["login", "log in", "logged out", "sso", "two-factor", "password", "access token", "permission", "user role"]

[[topics.taxonomy]]
name = "Performance"
keywords = ["slow", "time out", "timeout", "memory", "hang", "speed up", "latency"]

[[topics.taxonomy]]
name = "Stability"
keywords = ["crash", "error", "fail", "bug", "stopped working", "broken"]
patterns = ['\\bhangs at \\d+%']

[[topics.taxonomy]]
name = "Integrations & API"
keywords = ["api", "webhook", "plugin", "integration", "cli", "sdk", "endpoint"]

[[topics.taxonomy]]
name = "Data import & export"
keywords = ["import", "export", "backup", "restore", "migrate", "migration", "duplicate"]

[[topics.taxonomy]]
name = "Billing"
keywords = ["billing", "invoice", "refund", "charge", "subscription", "pricing", "plan"]

[[topics.taxonomy]]
name = "Mobile"
keywords = ["mobile", "ios", "android", "iphone", "phone"]

[[entities.catalogue]]
name = "Lumen"
type = "BRAND"
aliases = ["@lumen", "lumen cli"]

[[entities.catalogue]]
name = "Orbit"
type = "BRAND"
aliases = ["@orbit"]

[[entities.catalogue]]
name = "Docker"
type = "PRODUCT"
competitor = false

[[entities.catalogue]]
name = "Kubernetes"
type = "PRODUCT"
aliases = ["k8s"]
"""


def _generate(folder: Path, members: int, days: int, seed: int, community: str, start: dt.date) -> str:
    """Generate one community (unless the same one is already there); return its configuration."""
    from synthetic.community import generate_community

    wanted = {"members": members, "days": days, "seed": seed, "start": start.isoformat()}
    marker = folder / ".generated.json"
    if marker.exists():
        previous = json.loads(marker.read_text())
        if previous.get("wanted") == wanted:
            return previous["toml"]  # same parameters, same seed: the files would be byte-identical
    folder.mkdir(parents=True, exist_ok=True)
    generated = generate_community(folder, members=members, days=days, seed=seed, start=start, site_name=community)
    marker.write_text(json.dumps({"wanted": wanted, "toml": generated["toml"]}))
    print(f"  generated {community} in {folder}: {', '.join(generated['counts'])}; "
          f"{len(generated['people']):,} people on several channels")
    return generated["toml"]


def write_demo_config(demo_dir: Path, members: int, days: int) -> Path:
    parts = ["# Written by `townsquare demo`: the synthetic communities it generated.", "", "[communities]"]
    parts += [f'{community} = "{name}"' for community, name, _, _ in DEMO_COMMUNITIES] + [""]
    for community, _, share, seed in DEMO_COMMUNITIES:
        # The smaller community is younger; both end on the same day, as if their data were taken together.
        community_days = days if share == 1.0 else max(30, days * 2 // 3)
        start = DEMO_START + dt.timedelta(days=days - community_days)
        parts.append(_generate(demo_dir / "sources" / community, max(50, int(members * share)), community_days,
                               seed, community, start))
    config = demo_dir / "townsquare.toml"
    config.write_text("\n".join(parts) + DEMO_NLP_CONFIG, encoding="utf-8")
    return config


def run_demo(members: int, days: int, serve: bool, host: str, port: int) -> int:
    demo_dir = settings.home() / "demo"
    print(f"Townsquare demo in {settings.home()}")
    print("1/3 generating synthetic communities (forum, X, social CSV, help desks, support on X)")
    os.environ["TOWNSQUARE_CONFIG"] = str(write_demo_config(demo_dir, members, days))

    from townsquare.airflow_local import pipeline_dag_ids, run_dags

    dag_ids = pipeline_dag_ids()
    print(f"2/3 running the DAGs through Airflow (in-process, SQLite metadata DB): {', '.join(dag_ids)}")
    states = run_dags(dag_ids)
    failed = {d: s for d, s in states.items() if s != "success"}
    if failed:
        dag_id, state = next(iter(failed.items()))
        print(f"error: the {dag_id} run ended in state {state}; task logs are under "
              f"{os.environ['AIRFLOW_HOME']}/logs", file=sys.stderr)
        return 1
    print(f"   published {settings.snapshot_path()}")
    if not serve:
        return 0
    print("3/3 serving the dashboard (Ctrl-C to stop)")
    from dashboards.app import serve as serve_dashboard

    serve_dashboard(host=host, port=port)
    return 0
