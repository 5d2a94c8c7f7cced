"""The `townsquare` command: every command and subcommand has --help, and the generated community
is ready to ingest with the configuration written beside it."""
from __future__ import annotations

import argparse

import pytest

from townsquare.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, path + (name,))
    return found


COMMANDS = _commands(build_parser())


def test_the_command_tree_is_complete():
    assert {("ingest", kind) for kind in ("stackexchange", "x", "social_csv", "zendesk", "twcs", "configured")} \
        <= set(COMMANDS)
    assert {("run",), ("dashboard",), ("demo",), ("airflow",), ("identities", "review"), ("identities", "merge"),
            ("generate", "community"), ("export",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "townsquare")
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: townsquare") and len(out.splitlines()) > 3


def test_generate_community_writes_a_ready_configuration(tmp_path, townsquare_home, monkeypatch, capsys):
    out = tmp_path / "acme"
    assert main(["generate", "community", str(out), "--members", "150", "--days", "40", "--site-name", "acme"]) == 0
    assert "Next: TOWNSQUARE_CONFIG=" in capsys.readouterr().out
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(out / "townsquare.toml"))
    assert main(["ingest", "configured"]) == 0
    assert main(["run"]) == 0


def test_export_writes_a_published_mart_as_csv(cardano_home, monkeypatch, tmp_path, capsys):
    import csv

    import duckdb

    monkeypatch.setenv("TOWNSQUARE_HOME", str(cardano_home))
    out = tmp_path / "contributors.csv"
    assert main(["export", "mart_contributors", "--community", "cardano", "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    con = duckdb.connect(str(cardano_home / "serving" / "current.duckdb"), read_only=True)
    try:
        expected = con.execute("select member_id, reputation from mart_contributors where community_id = 'cardano'"
                               ).fetchall()
    finally:
        con.close()
    assert sorted((r["member_id"], int(r["reputation"])) for r in rows) == sorted(expected)
    assert len(rows) > 500

    assert main(["export", "mart_nonsense"]) == 2
    assert "no mart 'mart_nonsense'" in capsys.readouterr().err
    assert main(["export", "mart_communities", "--label", "advocate"]) == 2
    assert "cannot be filtered that way" in capsys.readouterr().err
