"""A SQL model: one file in transforms/models, its table name, its SQL, and what its header declares.

The header is the comment block at the top of the file (docs/transforms.md); a Python model
(`<name>.py`, for what SQL does badly, such as iterating PageRank) has the same lines in HEADER:

    -- Grain: one row per community per day ...          (what a row is, in words)
    -- key: community_id, day                            (columns that identify a row: unique, never null)
    -- refresh: daily                                    (daily | full; see below)
    -- reach: 29                                         (daily only: a change on day d also changes d+1..d+29;
                                                          `all` for running totals)
    -- range: stickiness 0 1                             (column, minimum, maximum; `-` for no bound)
    -- check: dau <= mau | active members of a day are also active that month
                                                         (SQL over the row that must be true, | what it means)
    -- materialize: view                                 (int_* models only: a view instead of a table)

`refresh: daily` models have `community_id` and `day` columns (the partition a refresh recomputes). An incremental refresh deletes
and recomputes only the (community, day) rows that changed input reaches; the model's SQL may read
`refresh_days` (community_id, day) to prune what it scans. `refresh: full` models are recomputed on
every refresh and must read only small inputs (other marts, tickets, configured lists) or be cheap.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
import importlib.util
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable

LAYERS = ("int_", "mart_")
REFRESH_KINDS = ("daily", "full")
ALL_LATER_DAYS = -1  # `reach: all`: a change on day d changes every later day (running totals)
_HEADER = re.compile(r"^--\s*(key|refresh|reach|range|check|materialize):\s*(.+?)\s*$", re.IGNORECASE)


class ModelError(ValueError):
    """A model file's header is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Range:
    column: str
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class Check:
    condition: str       # SQL boolean expression over one row of the model
    description: str     # what it means, in the users' words


@dataclass(frozen=True)
class Model:
    name: str
    sql: str
    key: tuple[str, ...] = ()
    refresh: str = "full"
    reach: int = 0
    ranges: tuple[Range, ...] = ()
    checks: tuple[Check, ...] = ()
    view: bool = False
    grain: str = ""
    reads: frozenset[str] = field(default_factory=frozenset)  # other models named in the SQL
    compute: Callable[[Any], Any] | None = None  # a Python model's build(con) -> pyarrow.Table

    @property
    def is_mart(self) -> bool:
        return self.name.startswith("mart_")

    @property
    def digest(self) -> str:
        code = self.sql if self.compute is None else Path(self.compute.__code__.co_filename).read_text("utf-8")
        return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


def parse_model(name: str, sql: str) -> Model:
    """The model `name` (its file name without .sql) with what its header declares."""
    fields: dict = {"key": (), "refresh": "full", "reach": 0, "ranges": [], "checks": [], "view": False}
    grain = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        if match := _HEADER.match(line):
            _read_header(name, match.group(1).lower(), match.group(2), fields)
        elif line.lower().startswith("-- grain:") or grain:
            grain.append(line[2:].strip().removeprefix("Grain:").strip())
    if fields["view"] and not name.startswith("int_"):
        raise ModelError(f"transforms/models/{name}.sql: only int_* models may be views; marts are published tables")
    return Model(name, sql, tuple(fields["key"]), fields["refresh"], fields["reach"], tuple(fields["ranges"]),
                 tuple(fields["checks"]), fields["view"], " ".join(grain))


def _read_header(name: str, what: str, value: str, fields: dict) -> None:
    where = f"transforms/models/{name}.sql"
    if what == "key":
        fields["key"] = tuple(c.strip() for c in value.split(",") if c.strip())
    elif what == "refresh":
        if value not in REFRESH_KINDS:
            raise ModelError(f"{where}: refresh must be one of {', '.join(REFRESH_KINDS)}, not {value!r}")
        fields["refresh"] = value
    elif what == "reach":
        if not (value.isdigit() or value == "all"):
            raise ModelError(f"{where}: reach is a whole number of days, or `all` (every later day), not {value!r}")
        fields["reach"] = ALL_LATER_DAYS if value == "all" else int(value)
    elif what == "range":
        parts = value.split()
        if len(parts) != 3:
            raise ModelError(f"{where}: write a range as `-- range: column minimum maximum` (`-` for no bound)")
        bound = [None if p == "-" else float(p) for p in parts[1:]]
        fields["ranges"].append(Range(parts[0], bound[0], bound[1]))
    elif what == "check":
        condition, _, description = value.partition("|")
        fields["checks"].append(Check(condition.strip(), description.strip() or condition.strip()))
    elif what == "materialize":
        if value not in ("view", "table"):
            raise ModelError(f"{where}: materialize is view or table, not {value!r}")
        fields["view"] = value == "view"


def load_models() -> list[Model]:
    """Every model in transforms/models in build order: int_* before mart_*, and each after the models
    it reads (by name), alphabetical otherwise."""
    folder = resources.files("transforms") / "models"
    found = {e.name.removesuffix(".sql"): e.read_text(encoding="utf-8")
             for e in folder.iterdir() if e.name.endswith(".sql")}
    computed = {e.name.removesuffix(".py"): _python_model(Path(str(e)))
                for e in folder.iterdir() if e.name.endswith(".py")}
    unknown = [n for n in [*found, *computed] if not n.startswith(LAYERS)]
    if unknown:
        raise ModelError(f"transforms/models: {', '.join(sorted(unknown))} must start with int_ or mart_")
    names = [*found, *computed]
    models = {}
    for name, sql in found.items():
        model = parse_model(name, sql)
        body = _without_comments(sql)
        reads = frozenset(other for other in names if other != name and re.search(rf"\b{other}\b", body))
        models[name] = Model(**{**model.__dict__, "reads": reads})
    for name, module in computed.items():
        model = parse_model(name, module.HEADER)
        models[name] = Model(**{**model.__dict__, "reads": frozenset(module.READS) & set(names),
                                "compute": module.build})
    ordered: list[Model] = []
    placed: set[str] = set()

    def place(name: str, path: tuple[str, ...] = ()) -> None:
        if name in placed:
            return
        if name in path:
            raise ModelError(f"transforms/models: models read each other in a cycle: {' -> '.join(path + (name,))}")
        for other in sorted(models[name].reads, key=lambda n: (not n.startswith("int_"), n)):
            place(other, path + (name,))
        placed.add(name)
        ordered.append(models[name])

    for name in sorted(models, key=lambda n: (not n.startswith("int_"), n)):
        place(name)
    return ordered


def _python_model(path: Path):
    """A model computed in Python, for what SQL does badly (iterative graph algorithms): a module with
    HEADER (the same header lines as a SQL model), READS (the models and tables it reads, for ordering)
    and build(con) returning the rows as a pyarrow Table."""
    spec = importlib.util.spec_from_file_location(f"transforms.models.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for needed in ("HEADER", "READS", "build"):
        if not hasattr(module, needed):
            raise ModelError(f"transforms/models/{path.name}: a Python model defines HEADER, READS and build(con)")
    return module


def _without_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
