"""[marts.influence]: how the interaction graph is weighted and how influencers are scored and labelled.

    [marts.influence]
    damping = 0.85                # PageRank damping: the chance a random walk follows an edge
    iterations = 50               # power iterations (fixed, so a rebuild gives the same numbers)
    reach_weight = 0.25           # share of the influence score given by reach (followers) when known
    influential_score = 0.9       # influence score from which a person counts as influential
    sentiment_threshold = 0.2     # mean sentiment >= this: advocate; <= minus this: detractor
    minimum_posts = 2             # posts with a sentiment needed before a person is called either

    [marts.influence.weights]     # per interaction kind (vote types by name); unlisted kinds weigh 0
    reply = 1.0
    upvote = 1.0
    ticket_reply = 0.5

param_influence (one row of the scalars) and param_influence_weights (kind, weight; only kinds with a
weight above 0) feed int_influence_edges and mart_influencers. Weights given in the config replace the
default of that kind only; `kind = 0` leaves a kind out of the graph.
"""
from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa

from warehouse.settings import ConfigError

SECTION = "influence"

# Who pays attention to whom: the edge goes from the actor to the person acted on. Endorsements that
# cost the actor something (accepting, retweeting, quoting, a bounty) weigh more than a comment.
# Up votes on Stack Exchange are anonymous in the dumps (no voter), so they add edges only where a
# source names the voter. Down votes, close and deletion votes, moderation and help-desk replies are
# not endorsements: 0 by default.
DEFAULT_WEIGHTS = {
    "reply": 1.0,
    "mention": 1.0,
    "retweet": 2.0,
    "quote": 2.0,
    "answer": 1.0,
    "comment": 0.5,
    "accept": 3.0,
    "upvote": 1.0,
    "favorite": 1.0,
    "bounty_start": 2.0,
    "downvote": 0.0,
    "ticket_reply": 0.0,
}
DEFAULTS = {
    "damping": 0.85,
    "iterations": 50,
    "reach_weight": 0.25,
    "influential_score": 0.9,
    "sentiment_threshold": 0.2,
    "minimum_posts": 2,
}
_KEYS = set(DEFAULTS) | {"weights"}


def _number(value, where: str, name: str, low: float, high: float, *, open_low: bool = False,
            open_high: bool = False) -> float:
    bad = isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
    if not bad:
        bad = value < low or value > high or (open_low and value == low) or (open_high and value == high)
    if bad:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        raise ConfigError(f"{where}: {name} must be a number in {left}{low}, {high}{right} "
                          f"(default {DEFAULTS.get(name)}), not {value!r}")
    return float(value)


def _count(value, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{where}: {name} must be a whole number from {low} to {high} "
                          f"(default {DEFAULTS[name]}), not {value!r}")
    return value


def weights(section: dict, where: str) -> dict[str, float]:
    """Weight per interaction kind: the defaults, overridden by [marts.influence.weights]."""
    given = section.get("weights", {})
    if not isinstance(given, dict):
        raise ConfigError(f"{where}: weights must be a table of interaction kind = weight, like "
                          f"[marts.{SECTION}.weights] followed by reply = 1.0")
    merged = dict(DEFAULT_WEIGHTS)
    for kind, value in given.items():
        bad = isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0
        if bad:
            raise ConfigError(f"{where}: weights.{kind} must be a number >= 0 (0 leaves the kind out), "
                              f"not {value!r}")
        merged[kind] = float(value)
    return merged


def tables(section: dict, where: str, config_path: Path | None = None) -> dict[str, pa.Table]:
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    value = {**DEFAULTS, **{k: v for k, v in section.items() if k in DEFAULTS}}
    # damping 1 would never teleport (no unique answer on a graph with sinks); 0 ignores the edges.
    damping = _number(value["damping"], where, "damping", 0, 1, open_low=True, open_high=True)
    iterations = _count(value["iterations"], where, "iterations", 1, 1000)
    reach_weight = _number(value["reach_weight"], where, "reach_weight", 0, 1)
    influential = _number(value["influential_score"], where, "influential_score", 0, 1)
    threshold = _number(value["sentiment_threshold"], where, "sentiment_threshold", 0, 1, open_low=True)
    minimum_posts = _count(value["minimum_posts"], where, "minimum_posts", 1, 1_000_000)
    kept = sorted((k, w) for k, w in weights(section, where).items() if w > 0)
    return {
        "param_influence": pa.table({
            "damping": pa.array([damping], pa.float64()),
            "iterations": pa.array([iterations], pa.int32()),
            "reach_weight": pa.array([reach_weight], pa.float64()),
            "influential_score": pa.array([influential], pa.float64()),
            "sentiment_threshold": pa.array([threshold], pa.float64()),
            "minimum_posts": pa.array([minimum_posts], pa.int64()),
        }),
        "param_influence_weights": pa.table({
            "kind": pa.array([k for k, _ in kept], pa.string()),
            "weight": pa.array([w for _, w in kept], pa.float64()),
        }),
    }
