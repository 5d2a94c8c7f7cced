"""A whole synthetic community on every channel: its forum, its social posts and its support.

`generate_community` writes, under one folder, what each connector reads:

    stackexchange/   the forum (synthetic/stackexchange.py)
    x/               X API v2 payloads: search/ (raw response pages), conversations/ (flattened)
    social_csv/      a listening tool's export, read through a column mapping
    zendesk/         two help desks' incremental exports: helpdesk/ and billing/
    twcs/            support conversations on X in the TWCS layout

The same people appear on several channels (synthetic/people.py): a share of the forum's members
also post on X under a handle made from their name, open tickets under their name and e-mail
address, or write to the support account. The returned dict says how many records each file holds
and carries the configuration that ingests it all: the `[[sources]]` entries and the
`[[identity.same_person]]` entries for the people the demo tells Townsquare about. Customers of both
help desks are found by their e-mail address; the others stay apart until a reviewer joins them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from synthetic.people import BILLING, HELPDESK, NAMESPACES, SOCIAL_CSV, TWCS, X, Person, build_cast
from synthetic.social import CSV_DELIMITER, CSV_FILE, CSV_MAPPING, brand_names, generate_social_csv, generate_x
from synthetic.stackexchange import ForumMember, generate_stackexchange_dump
from synthetic.support import TWCS_FILE, generate_twcs, generate_zendesk


def community_id(site_name: str) -> str:
    """The community id of a site: lowercase letters, digits, - and _ (it prefixes every record id)."""
    return re.sub(r"[^a-z0-9_-]+", "-", site_name.lower()).strip("-") or "community"


def _toml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _sources_toml(folder: Path, community: str, brand: str) -> str:
    def entry(kind: str, path: Path, name: str, namespace: str | None = None, **options) -> str:
        lines = ["[[sources]]", f"kind = {_toml(kind)}", f"community = {_toml(community)}",
                 f"name = {_toml(name)}", f"path = {_toml(path.as_posix())}"]
        if namespace:
            lines.append(f"namespace = {_toml(namespace)}")
        lines += [f"{k} = {_toml(v)}" for k, v in options.items()]
        return "\n".join(lines) + "\n"

    columns = "[sources.columns]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in CSV_MAPPING.items())
    return "\n".join([
        entry("stackexchange", folder / "stackexchange", f"{brand} forum"),
        entry("x", folder / "x", f"{brand} on X"),
        entry("social_csv", folder / "social_csv" / CSV_FILE, f"{brand} mentions", delimiter=CSV_DELIMITER)
        + columns,
        entry("zendesk", folder / "zendesk" / HELPDESK, f"{brand} Support", HELPDESK),
        entry("zendesk", folder / "zendesk" / BILLING, f"{brand} Billing", BILLING),
        entry("twcs", folder / "twcs" / TWCS_FILE, f"{brand} support on X"),
    ])


def _account(person: Person, namespace: str) -> str:
    # X accounts are written both ways the configuration allows: by id, or by handle for some.
    if namespace == X and person.seed % 3 == 0:
        return f"{X}:@{person.x_handle}"
    return f"{namespace}:{person.accounts[namespace]}"


def _identity_toml(people: list[Person], community: str) -> str:
    blocks = []
    for person in people:
        if person.link == "configured":
            accounts = [_account(person, ns) for ns in NAMESPACES if ns in person.accounts]
            blocks.append(f"[[identity.same_person]]\n# {person.name}\ncommunity = {_toml(community)}\n"
                          f"accounts = {_toml(accounts)}\n")
    return "\n".join(blocks)


def generate_community(out_dir: Path | str, *, members: int = 2000, days: int = 365, seed: int = 7,
                       start: dt.date | str = dt.date(2025, 1, 1), site_name: str = "example") -> dict:
    """Write a synthetic community on every channel under `out_dir`; return what was written.

    The same arguments always give byte-identical files. The returned dict holds:

    - `community`: the community id (from `site_name`);
    - `counts`: records per format: `stackexchange` (rows per dump file), `x`, `social_csv`,
      `zendesk` (per help desk namespace) and `twcs` (see each generator for the keys);
    - `people`: everyone with accounts on two channels or more: name, e-mail (when a help desk
      knows them), X handle, `accounts` (namespace -> source user id), `member_ids` (as in the
      warehouse) and `link`: `configured` (in an `[[identity.same_person]]` entry), `email` (only
      the two help desks know them, by the same address) or `none`;
    - `sources_toml`, `identity_toml` and `toml` (both): configuration to write into townsquare.toml.
      Paths are absolute, so the file can live anywhere.
    """
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    folder = Path(out_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    community = community_id(site_name)
    forum: list[ForumMember] = []
    counts: dict = {"stackexchange": generate_stackexchange_dump(folder / "stackexchange", members=members, days=days,
                                                                seed=seed, start=start, site_name=site_name,
                                                                members_out=forum)}
    start_dt = dt.datetime.combine(start, dt.time())
    cast = build_cast(forum, days=days, seed=seed, start=start_dt, site_name=site_name)
    options = dict(days=days, seed=seed, site_name=site_name)
    counts["x"], x_users = generate_x(folder / "x", cast, **options)
    counts["social_csv"], csv_authors = generate_social_csv(folder / "social_csv", cast, **options)
    counts["zendesk"], desk_users = generate_zendesk(folder / "zendesk", cast, members=members, **options)
    counts["twcs"], twcs_customers = generate_twcs(folder / "twcs", cast, **options)
    cast.settle({X: x_users, SOCIAL_CSV: csv_authors, TWCS: twcs_customers, **desk_users})

    people = cast.cross_channel()
    brand = brand_names(site_name)[0]
    sources = _sources_toml(folder, community, brand)
    identity = _identity_toml(people, community)
    return {
        "community": community,
        "counts": counts,
        "people": [{"name": p.name, "email": p.email, "x_handle": p.x_handle if X in p.accounts else None,
                    "accounts": {ns: p.accounts[ns] for ns in NAMESPACES if ns in p.accounts},
                    "member_ids": {ns: f"{community}/{ns}/user/{p.accounts[ns]}"
                                   for ns in NAMESPACES if ns in p.accounts},
                    "link": p.link} for p in people],
        "sources_toml": sources,
        "identity_toml": identity,
        "toml": sources + "\n" + identity,
    }

