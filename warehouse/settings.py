"""Where Townsquare keeps its files and what it reads its configuration from.

`TOWNSQUARE_HOME` (default `./.townsquare`) holds the warehouse, the landing zone, the quarantine
and the serving snapshots. `TOWNSQUARE_CONFIG` (default `townsquare.toml` in the working directory)
names the configuration file; see docs/configuration.md for every key.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """The configuration file is missing a key or has a wrong value."""


def home() -> Path:
    return Path(os.environ.get("TOWNSQUARE_HOME", ".townsquare")).resolve()


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def landing_dir() -> Path:
    return home() / "landing"


def serving_dir() -> Path:
    return home() / "serving"


def snapshot_path() -> Path:
    """The published snapshot the dashboard reads; replaced atomically by each publish."""
    return serving_dir() / "current.duckdb"


def email_salt() -> bytes:
    """The installation's secret salt for e-mail hashes: $TOWNSQUARE_EMAIL_SALT, else a random one created
    once under $TOWNSQUARE_HOME/secrets. Every worker of one installation must share it (identity matching
    compares hashes), and it must stay secret: an unsalted hash of an address is easy to reverse."""
    if os.environ.get("TOWNSQUARE_EMAIL_SALT"):
        return os.environ["TOWNSQUARE_EMAIL_SALT"].encode("utf-8")
    path = home() / "secrets" / "email_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            with open(path, "x", encoding="ascii") as f:  # 'x': two first runs never write two salts
                os.chmod(path, 0o600)
                f.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip().encode("utf-8")


@dataclass(frozen=True)
class Source:
    """One `[[sources]]` entry: where a community's data comes from and how to read it."""

    kind: str                  # stackexchange, discourse, x, social_csv, zendesk, twcs
    path: Path | None          # file or folder for file sources; None for API sources
    community: str             # community id: lowercase letters, digits, '-' and '_'
    name: str                  # display name
    namespace: str = ""        # prefix of the source's ids within the community; default: the kind
    options: dict = field(default_factory=dict, compare=False, hash=False)  # kind-specific keys

    def __post_init__(self):
        if not self.namespace:
            object.__setattr__(self, "namespace", self.kind)

    @property
    def key(self) -> str:
        """'<community>/<namespace>': the source's identity in the warehouse and the landing zone."""
        return f"{self.community}/{self.namespace}"

    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else str(self.options.get("url", ""))

    def to_dict(self) -> dict:
        """Plain values, for passing a source between Airflow tasks."""
        return {"kind": self.kind, "path": str(self.path) if self.path is not None else None,
                "community": self.community, "name": self.name, "namespace": self.namespace,
                "options": self.options}

    @classmethod
    def from_dict(cls, d: dict) -> "Source":
        return cls(d["kind"], Path(d["path"]) if d.get("path") else None, d["community"], d["name"],
                   d.get("namespace", ""), dict(d.get("options") or {}))


# The kinds of source there are connectors for (ingest/framework.py registers them).
SOURCE_KINDS = {"stackexchange", "discourse", "x", "social_csv", "zendesk", "twcs"}


@dataclass(frozen=True)
class SamePerson:
    community: str
    accounts: list[str]  # '<namespace>:<source user id>' or '<namespace>:@<handle>'


@dataclass(frozen=True)
class IdentityRules:
    match_email: bool = True
    same_person: list[SamePerson] = field(default_factory=list)
    bot_handles: list[str] = field(default_factory=list)  # case-insensitive glob patterns
    bot_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Config:
    sources: list[Source] = field(default_factory=list)
    path: Path | None = None
    schedules: dict[str, str] = field(default_factory=dict)  # source kind -> Airflow schedule
    identity: IdentityRules = field(default_factory=IdentityRules)
    community_names: dict[str, str] = field(default_factory=dict)  # [communities] id = "display name"


def config_path() -> Path:
    return Path(os.environ.get("TOWNSQUARE_CONFIG", "townsquare.toml")).resolve()


def read_toml(path: Path) -> dict:
    """The configuration file's tables; invalid TOML is a ConfigError naming the file and the line."""
    with Path(path).open("rb") as f:
        try:
            return tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML ({e})") from None


def load_config(path: Path | None = None) -> Config:
    """Read the configuration; a missing default file means no configured sources."""
    explicit = path is not None or "TOWNSQUARE_CONFIG" in os.environ
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        if explicit:
            raise ConfigError(f"configuration file {path} does not exist: create it or unset TOWNSQUARE_CONFIG")
        return Config()
    raw = read_toml(path)
    sources = []
    for i, entry in enumerate(raw.get("sources", [])):
        where = f"{path}: [[sources]] entry {i + 1}"
        for key in ("kind", "community"):
            if key not in entry:
                raise ConfigError(f"{where} has no '{key}' key")
        source_path = None
        if "path" in entry:
            source_path = Path(entry["path"])
            if not source_path.is_absolute():
                source_path = (path.parent / source_path).resolve()
        community = validate_community_id(entry["community"], where)
        namespace = validate_community_id(entry.get("namespace", entry["kind"]), f"{where}: namespace")
        options = {k: v for k, v in entry.items() if k not in ("kind", "path", "community", "name", "namespace")}
        sources.append(Source(entry["kind"], source_path, community, entry.get("name", community), namespace, options))
    keys = [s.key for s in sources]
    for key in {k for k in keys if keys.count(k) > 1}:
        raise ConfigError(f"{path}: two sources of community/namespace {key}: give each its own `namespace`, "
                          "since it prefixes every id the source produces")
    schedules = raw.get("schedules", {})
    unknown = set(schedules) - SOURCE_KINDS
    if unknown:
        raise ConfigError(f"{path}: [schedules] has {', '.join(sorted(unknown))}; schedules are per source kind: "
                          f"{', '.join(sorted(SOURCE_KINDS))}")
    names = raw.get("communities", {})
    if not all(isinstance(v, str) for v in names.values()):
        raise ConfigError(f"{path}: [communities] maps a community id to its display name, like lumen = \"Lumen\"")
    return Config(sources=sources, path=path, schedules=dict(schedules), identity=_identity_rules(raw, path),
                  community_names=dict(names))


def _identity_rules(raw: dict, path: Path) -> IdentityRules:
    identity, bots = raw.get("identity", {}), raw.get("bots", {})
    same_person = []
    for i, entry in enumerate(identity.get("same_person", []), start=1):
        accounts = entry.get("accounts")
        if "community" not in entry or not isinstance(accounts, list) or len(accounts) < 2:
            raise ConfigError(f"{path}: [[identity.same_person]] entry {i} needs a community and a list of at least "
                              "two accounts ('<namespace>:<user id>' or '<namespace>:@<handle>')")
        same_person.append(SamePerson(entry["community"], [str(a) for a in accounts]))
    return IdentityRules(match_email=bool(identity.get("match_email", True)), same_person=same_person,
                         bot_handles=list(bots.get("handles", [])), bot_names=list(bots.get("names", [])))


def validate_community_id(community: str, where: str = "community") -> str:
    ok = community and all(c.islower() or c.isdigit() or c in "-_" for c in community)
    if not ok:
        raise ConfigError(
            f"{where}: {community!r} must be lowercase letters, digits, '-' or '_' "
            "(it becomes part of every record id)"
        )
    return community
