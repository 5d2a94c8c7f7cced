"""Identity resolution: one person across sources by salted e-mail hash, configured same-person accounts
and a reviewer's decisions; bots flagged by configured rules and left out of people metrics."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from townsquare.cli import main

ZENDESK = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "zendesk" / "export_a"


@pytest.fixture
def community(townsquare_home, tmp_path, monkeypatch, shared_dataset):
    """One community 'acme' with two help desks holding the same customers, and its support on X."""
    twcs = shared_dataset("twcs_sample") / "sample.csv"
    config = tmp_path / "townsquare.toml"
    config.write_text(f"""
[[sources]]
kind = "zendesk"
path = "{ZENDESK}"
community = "acme"
namespace = "helpdesk-eu"

[[sources]]
kind = "zendesk"
path = "{ZENDESK}"
community = "acme"
namespace = "helpdesk-us"

[[sources]]
kind = "twcs"
path = "{twcs}"
community = "acme"

[[identity.same_person]]
community = "acme"
accounts = ["twcs:@AppleSupport", "helpdesk-eu:4512000101"]

[bots]
handles = ["*cares"]
""", encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    assert main(["ingest", "configured"]) == 0
    assert main(["run"]) == 0
    return townsquare_home


def _members(home):
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {m: (p, bot, rule) for m, p, bot, rule in con.execute(
            "select member_id, person_id, is_bot, bot_rule from members").fetchall()}
    finally:
        con.close()


def _zendesk_users():
    return json.loads((ZENDESK / "users.json").read_text(encoding="utf-8"))["users"]


def test_same_email_in_two_help_desks_is_one_person(community):
    members = _members(community)
    for user in _zendesk_users():
        eu, us = f"acme/helpdesk-eu/user/{user['id']}", f"acme/helpdesk-us/user/{user['id']}"
        assert members[eu][0] == members[us][0], user["name"]


def test_configured_accounts_are_one_person_and_bot_rules_apply(community):
    members = _members(community)
    assert members["acme/twcs/user/AppleSupport"][0] == members["acme/helpdesk-eu/user/4512000101"][0]
    bots = {m: rule for m, (_, bot, rule) in members.items() if bot}
    assert set(bots) == {"acme/twcs/user/SpotifyCares", "acme/twcs/user/comcastcares"}
    assert bots["acme/twcs/user/SpotifyCares"] == "handle matches '*cares'"


def test_people_metrics_count_persons_not_accounts_or_bots(community):
    members = _members(community)
    persons = {p for p, bot, _ in members.values() if not bot}
    con = duckdb.connect(str(community / "serving" / "current.duckdb"), read_only=True)
    assert con.execute("select members from mart_communities where community_id = 'acme'").fetchone()[0] \
        == len(persons)
    con.close()
    accounts = len([m for m, (_, bot, _) in members.items() if not bot])
    assert len(persons) == accounts - len(_zendesk_users()) - 1  # each customer twice, AppleSupport joined


def test_a_reviewer_separates_and_merges_and_the_rules_respect_it(community, capsys):
    tomas_eu, tomas_us = "acme/helpdesk-eu/user/4512000102", "acme/helpdesk-us/user/4512000102"
    customers = ["acme/twcs/user/105834", "acme/twcs/user/105835"]
    assert main(["identities", "separate", tomas_eu, tomas_us, "--reason", "two people share a team mailbox"]) == 0
    assert main(["identities", "merge", *customers, "--reason", "same customer, new account"]) == 0
    assert main(["identities", "merge", tomas_eu, "acme/nowhere/user/1", "--reason", "x"]) == 2
    assert "no member acme/nowhere/user/1" in capsys.readouterr().err
    assert main(["run"]) == 0
    members = _members(community)
    assert members[tomas_eu][0] != members[tomas_us][0]
    assert members[customers[0]][0] == members[customers[1]][0]

    capsys.readouterr()
    assert main(["identities", "review", "--community", "acme"]) == 0
    review = capsys.readouterr().out
    assert "override (same customer, new account)" in review
    assert "same_person (entry 1: twcs:@AppleSupport, helpdesk-eu:4512000101)" in review
    assert tomas_eu not in review  # separated: no longer shown as one person
