"""[marts.reputation]: points a member earns per action, and the levels those points reach.

Read by mart_contributors (docs/metrics.md). Defaults follow Stack Exchange's reputation: posting earns
nothing by itself, an upvote received on a question or answer +10, a downvote received -2, an accepted
answer +15; a like counted by a source that has no votes (Discourse, X, a social CSV) +1, since likes
cost the giver less than a vote. The level names are Discourse's trust levels, their thresholds the
points at which Stack Exchange grants the matching privileges (15 vote up, 125 vote down, 1,000
established user, 3,000 close votes, 10,000 moderator tools).

    [marts.reputation.points]          # any subset; the others keep their default
    answer = 2
    accepted_answer = 15

    [[marts.reputation.levels]]        # when given, the whole list; one level must start at 0 points
    name = "newcomer"
    min_points = 0
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from warehouse.settings import ConfigError

SECTION = "reputation"

# action -> points per occurrence (what each action means: docs/metrics.md, mart_contributors)
DEFAULT_POINTS = {
    "question": 0,            # per question asked
    "answer": 0,              # per answer written
    "comment": 0,             # per comment written
    "accepted_answer": 15,    # per answer of theirs accepted by the asker
    "upvote_received": 10,    # per upvote on their questions and answers (by anyone but themselves)
    "downvote_received": -2,  # per downvote on their questions and answers
    "like_received": 1,       # per like the source counts on their posts, where it has likes, not votes
}

DEFAULT_LEVELS = [
    ("new", 0),
    ("basic", 15),
    ("member", 125),
    ("regular", 1000),
    ("trusted", 3000),
    ("leader", 10000),
]


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    unknown = sorted(set(section) - {"points", "levels"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: points, levels")
    points = _points(section.get("points", {}), where)
    levels = _levels(section.get("levels"), where)
    return {
        "param_reputation_points": pa.table({"action": list(points), "points": list(points.values())}),
        "param_reputation_levels": pa.table({
            "level": list(range(len(levels))),
            "name": [name for name, _ in levels],
            "min_points": [minimum for _, minimum in levels],
        }),
    }


def _points(given, where: str) -> dict[str, int]:
    if not isinstance(given, dict):
        raise ConfigError(f"{where}: points must be a table of action = points, e.g. [marts.reputation.points]")
    unknown = sorted(set(given) - set(DEFAULT_POINTS))
    if unknown:
        raise ConfigError(f"{where}: unknown action(s) {', '.join(unknown)} in points; "
                          f"known: {', '.join(DEFAULT_POINTS)}")
    for action, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: points.{action} must be a whole number of points (negative for a penalty), "
                              f"not {value!r}")
    return {**DEFAULT_POINTS, **given}


def _levels(given, where: str) -> list[tuple[str, int]]:
    if given is None:
        return list(DEFAULT_LEVELS)
    if not isinstance(given, list) or not given:
        raise ConfigError(f"{where}: levels must be a non-empty list of [[marts.reputation.levels]] "
                          "tables with name and min_points")
    levels = []
    for n, level in enumerate(given, start=1):
        if not isinstance(level, dict) or set(level) != {"name", "min_points"}:
            raise ConfigError(f"{where}: level {n} must have exactly name and min_points")
        name, minimum = level["name"], level["min_points"]
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: level {n} needs a name")
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            raise ConfigError(f"{where}: level {name!r} min_points must be a whole number >= 0, not {minimum!r}")
        levels.append((name.strip(), minimum))
    levels.sort(key=lambda level: level[1])
    names = [name for name, _ in levels]
    minimums = [minimum for _, minimum in levels]
    if len(set(names)) != len(names) or len(set(minimums)) != len(minimums):
        raise ConfigError(f"{where}: level names and min_points must each be unique")
    if minimums[0] != 0:
        raise ConfigError(f"{where}: one level must start at min_points = 0, so every member has a level")
    return levels
