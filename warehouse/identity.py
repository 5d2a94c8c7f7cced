"""Identity resolution and bot rules: which accounts are one person, and which are not people at all.

Runs after loads and before marts (`townsquare run`, the marts DAG), over the whole community, so
the answer never depends on the order sources were loaded in:

- accounts in one community with the same salted e-mail hash are one person (`[identity]
  match_email`, on by default);
- accounts listed together in `[[identity.same_person]]` are one person (handle mappings);
- a reviewer's `merge` joins two accounts, `separate` cuts the link between two accounts whatever
  the rules say (`townsquare identities ...`); decisions are kept in identity_overrides;
- an account is a bot when its source says so or its handle or display name matches a `[bots]`
  pattern; bots are left out of people metrics.

A person's id is the member_id of their earliest-joined account (ties: the smallest id), so it stays
stable as accounts are added.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.settings import ConfigError, IdentityRules


@dataclass
class Resolution:
    accounts: int
    people: int
    merged_accounts: int  # accounts that share their person with another account
    bots: int


class _Clusters:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _configured_links(con, rules: IdentityRules) -> list[tuple[str, str, str, str]]:
    """(member, other member, rule, matched_on) for every `[[identity.same_person]]` entry."""
    links = []
    for i, entry in enumerate(rules.same_person, start=1):
        members = []
        for account in entry.accounts:
            namespace, _, ident = account.partition(":")
            if not ident:
                raise ConfigError(f"[[identity.same_person]] entry {i}: account {account!r} should be "
                                  "'<namespace>:<source user id>' or '<namespace>:@<handle>'")
            if ident.startswith("@"):
                row = con.execute("select member_id from members where community_id = ? and source = ? "
                                  "and lower(handle) = lower(?)", [entry.community, namespace, ident[1:]]).fetchone()
            else:
                row = con.execute("select member_id from members where community_id = ? and source = ? "
                                  "and source_user_id = ?", [entry.community, namespace, ident]).fetchone()
            if row:  # an account not loaded yet links nothing until it is
                members.append(row[0])
        for other in members[1:]:
            links.append((members[0], other, "same_person", f"entry {i}: {', '.join(entry.accounts)}"))
    return links


def resolve(con: duckdb.DuckDBPyConnection, rules: IdentityRules) -> Resolution:
    """Recompute person_id and the bot flags of every member from the rules and the overrides."""
    links: list[tuple[str, str, str, str]] = []
    if rules.match_email:
        links += con.execute("""
            select a.member_id, b.member_id, 'email', left(a.email_hash, 12)
            from members a join members b
              on a.community_id = b.community_id and a.email_hash = b.email_hash and a.member_id < b.member_id
            where a.email_hash is not null""").fetchall()
    links += _configured_links(con, rules)
    overrides = con.execute("select member_id, other_member_id, decision, reason from identity_overrides").fetchall()
    separate = {frozenset((a, b)) for a, b, decision, _ in overrides if decision == "separate"}
    links = [link for link in links if frozenset(link[:2]) not in separate]
    links += [(a, b, "override", reason) for a, b, decision, reason in overrides if decision == "merge"]

    clusters = _Clusters()
    for a, b, *_ in links:
        clusters.union(a, b)
    accounts = con.execute("select member_id, joined_at from members order by joined_at nulls last, member_id").fetchall()
    first_account: dict[str, str] = {}
    for member_id, _ in accounts:  # ordered: the first account seen in a cluster names the person
        first_account.setdefault(clusters.find(member_id), member_id)
    persons = [(member_id, first_account[clusters.find(member_id)]) for member_id, _ in accounts]

    con.execute("begin transaction")
    try:
        resolved = pa.table({"member_id": [m for m, _ in persons], "person_id": [p for _, p in persons]},
                            schema=pa.schema([("member_id", pa.string()), ("person_id", pa.string())]))
        con.register("resolved_people", resolved)
        con.execute("update members set person_id = r.person_id from resolved_people r "
                    "where members.member_id = r.member_id and members.person_id is distinct from r.person_id")
        con.unregister("resolved_people")
        con.execute("delete from identity_links")
        if links:
            con.executemany("insert or ignore into identity_links values (?, ?, ?, ?)", links)
        _apply_bot_rules(con, rules)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    people, merged, bots = con.execute("""
        select count(distinct person_id),
               count(*) filter (where person_id in (select person_id from members group by 1 having count(*) > 1)),
               count(*) filter (where is_bot)
        from members""").fetchone()
    return Resolution(len(accounts), people, merged, bots)


def _apply_bot_rules(con, rules: IdentityRules) -> None:
    patterns = [("handle", p) for p in rules.bot_handles] + [("display_name", p) for p in rules.bot_names]
    flagged = []
    if patterns:
        for member_id, handle, name in con.execute("select member_id, handle, display_name from members").fetchall():
            for column, pattern in patterns:
                value = handle if column == "handle" else name
                if value and fnmatch.fnmatch(value.lower(), pattern.lower()):
                    flagged.append((member_id, f"{column} matches {pattern!r}"))
                    break
    con.execute("create or replace temp table bot_rules (member_id varchar, rule varchar)")
    if flagged:
        con.executemany("insert into bot_rules values (?, ?)", flagged)
    con.execute("""update members set bot_rule = b.rule from bot_rules b where members.member_id = b.member_id""")
    con.execute("update members set bot_rule = null where member_id not in (select member_id from bot_rules)")
    con.execute("update members set is_bot = coalesce(is_bot_source, false) or bot_rule is not null")
    con.execute("drop table bot_rules")


def record_decision(con: duckdb.DuckDBPyConnection, member_id: str, other_member_id: str, decision: str,
                    reason: str, decided_by: str | None) -> None:
    """Keep a reviewer's merge or separate decision; the next resolution applies it."""
    if decision not in ("merge", "separate"):
        raise ValueError("decision is merge or separate")
    found = {m for (m,) in con.execute("select member_id from members where member_id in (?, ?)",
                                       [member_id, other_member_id]).fetchall()}
    missing = {member_id, other_member_id} - found
    if missing:
        raise ConfigError(f"no member {', '.join(sorted(missing))}: use member ids as `townsquare identities "
                          "review` shows them")
    a, b = sorted((member_id, other_member_id))
    con.execute("insert or replace into identity_overrides values (?, ?, ?, ?, ?, ?)",
                [a, b, decision, reason, decided_by, dt.datetime.now(dt.UTC).replace(tzinfo=None)])
