"""A synthetic community on every channel: deterministic files, one configuration that ingests them all
without a quarantined record, the counts the generator reports, and the same people recognised as one
person across channels where the configuration or their e-mail address says so (and only there)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from synthetic.community import generate_community
from townsquare.cli import main

START, DAYS = dt.date(2025, 1, 1), 120
ARGS = dict(members=400, days=DAYS, seed=5, start=START, site_name="acme")


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    """Generated once, ingested with the configuration it returns, marts built and identities resolved."""
    root = tmp_path_factory.mktemp("community")
    result = generate_community(root / "acme", **ARGS)
    config = root / "townsquare.toml"
    config.write_text(result["toml"], encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOWNSQUARE_HOME", str(root / "home"))
        mp.setenv("TOWNSQUARE_CONFIG", str(config))
        assert main(["ingest", "configured"]) == 0
        assert main(["run"]) == 0
    con = duckdb.connect(str(root / "home" / "warehouse.duckdb"), read_only=True)
    yield result, root / "acme", con
    con.close()


def test_same_arguments_same_bytes_other_seed_other_community(community, tmp_path):
    result, folder, _ = community
    again = generate_community(tmp_path / "again", **ARGS)
    assert _digest(tmp_path / "again") == _digest(folder)
    assert again["counts"] == result["counts"] and again["people"] == result["people"]
    assert again["identity_toml"] == result["identity_toml"]
    assert again["sources_toml"].replace(str(tmp_path / "again"), "") \
        == result["sources_toml"].replace(str(folder), "")
    other = generate_community(tmp_path / "other", **(ARGS | {"seed": 6}))
    mine, theirs = _digest(folder), _digest(tmp_path / "other")
    for name in ("social_csv/mentions.csv", "twcs/twcs.csv", "zendesk/helpdesk/tickets-1.json",
                 "stackexchange/Posts.xml"):
        assert mine[name] != theirs[name], name
    assert sorted(p for p in theirs if p.startswith("x/")) != [] and other["people"] != result["people"]


def test_every_channel_is_written_in_its_own_folder_and_configured(community):
    result, folder, _ = community
    assert sorted(p.name for p in folder.iterdir()) == ["social_csv", "stackexchange", "twcs", "x", "zendesk"]
    config = tomllib.loads(result["toml"])
    sources = {(s["kind"], s.get("namespace", s["kind"])): s for s in config["sources"]}
    assert set(sources) == {("stackexchange", "stackexchange"), ("x", "x"), ("social_csv", "social_csv"),
                            ("zendesk", "helpdesk"), ("zendesk", "billing"), ("twcs", "twcs")}
    assert all(s["community"] == "acme" and Path(s["path"]).exists() for s in sources.values())
    assert sources[("social_csv", "social_csv")]["columns"]["id"] == "Mention ID"
    configured = [p for p in result["people"] if p["link"] == "configured"]
    assert len(config["identity"]["same_person"]) == len(configured) >= 20


def test_everything_loads_and_matches_the_reported_counts(community):
    result, _, con = community
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    assert con.execute("select count(*) from ingest_runs where records_read <> records_loaded or status <> 'ok'"
                       ).fetchone()[0] == 0
    read = dict(con.execute("select source, sum(records_read) from ingest_runs group by 1").fetchall())
    counts = result["counts"]
    assert read["stackexchange"] == sum(counts["stackexchange"].values())
    assert read["x"] == counts["x"]["tweets"]
    assert read["social_csv"] == counts["social_csv"]["posts"]
    assert read["twcs"] == counts["twcs"]["tweets"]
    for ns in ("helpdesk", "billing"):
        desk = counts["zendesk"][ns]
        assert read[ns] == sum(desk[k] for k in ("tickets", "users", "organizations", "ticket_events", "comments",
                                                 "satisfaction_ratings"))
    members = dict(con.execute("select source, count(*) from members group by 1").fetchall())
    assert members == {"stackexchange": counts["stackexchange"]["Users.xml"], "x": counts["x"]["users"],
                       "social_csv": counts["social_csv"]["authors"], "twcs": counts["twcs"]["customers"] + 1,
                       "helpdesk": counts["zendesk"]["helpdesk"]["users"],
                       "billing": counts["zendesk"]["billing"]["users"]}
    tickets = dict(con.execute("select source, count(*) from tickets group by 1").fetchall())
    assert tickets == {"helpdesk": counts["zendesk"]["helpdesk"]["tickets"],
                       "billing": counts["zendesk"]["billing"]["tickets"], "twcs": counts["twcs"]["conversations"]}
    channels = dict(con.execute("select channel, count(distinct source) from content group by 1").fetchall())
    assert channels == {"forum": 1, "social": 2, "support": 3}


def test_the_same_people_are_on_several_channels(community):
    result, folder, con = community
    people = result["people"]
    assert Counter(p["link"] for p in people).keys() == {"configured", "email", "none"}
    names = dict(con.execute("select member_id, display_name from members").fetchall())
    forum = [p for p in people if "stackexchange" in p["accounts"]]
    assert sum("x" in p["accounts"] for p in forum) >= 20
    assert sum("helpdesk" in p["accounts"] for p in forum) >= 10
    handles = dict(con.execute("select member_id, handle from members where source = 'x'").fetchall())
    emails = {u["id"]: u["email"] for ns in ("helpdesk", "billing")
              for path in (folder / "zendesk" / ns).glob("users-*.json")
              for u in json.loads(path.read_text(encoding="utf-8"))["users"]}
    for person in people:
        ids = person["member_ids"]
        for ns, member_id in ids.items():
            if ns not in ("twcs", "social_csv"):  # TWCS names customers by number; the CSV by its own id
                assert names[member_id] in (person["name"], person["accounts"][ns]), (ns, person)
        if "x" in ids:
            assert handles[ids["x"]] == person["x_handle"]
        for ns in ("helpdesk", "billing"):
            if ns in ids:
                assert emails[int(person["accounts"][ns])] == person["email"]


def test_cross_channel_people_are_one_person_where_configured_or_by_email(community):
    result, _, con = community
    person_of = dict(con.execute("select member_id, person_id from members").fetchall())
    checked = Counter()
    for person in result["people"]:
        ids = person["member_ids"]
        persons = {ns: person_of[m] for ns, m in ids.items()}
        if person["link"] == "configured":
            assert len(set(persons.values())) == 1, person
        else:
            desks = [persons[ns] for ns in ("helpdesk", "billing") if ns in persons]
            assert person["link"] == ("email" if len(desks) == 2 else "none")
            if desks:
                assert len(set(desks)) == 1, person  # two help desks: the same e-mail address
            apart = [persons[ns] for ns in ids if ns not in ("helpdesk", "billing")] + desks[:1]
            assert len(set(apart)) == len(apart), person  # nothing else joins them
        checked[person["link"]] += 1
    assert checked["configured"] >= 20 and checked["none"] >= 5 and checked["email"] >= 1
    # a configured X account named by its handle resolves like one named by its id
    assert "x:@" in result["identity_toml"] and "x:1" in result["identity_toml"]


def test_everything_is_dated_inside_the_window(community):
    _, _, con = community
    start = dt.datetime.combine(START, dt.time())
    end = start + dt.timedelta(days=DAYS)
    people = "not (source = 'stackexchange' and source_user_id = '-1')"  # the site's system account predates it
    for table, column, where in [("content", "created_at", "true"), ("interactions", "occurred_at", "true"),
                                 ("tickets", "updated_at", "true"), ("ticket_events", "occurred_at", "true"),
                                 ("members", "joined_at", people), ("members", "last_seen_at", people)]:
        low, high = con.execute(f"select min({column}), max({column}) from {table} where {where}").fetchone()
        assert start <= low and high <= end, (table, column, low, high)
