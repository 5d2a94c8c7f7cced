"""PageRank of every person in each interaction graph (int_influence_edges), for mart_influencers.

Power iteration, a fixed number of steps (so a rebuild gives the same numbers), as in docs/metrics.md:
pr'(v) = (1 - d) / N + d * (sum over u -> v of pr(u) * w(u, v) / out(u) + dangling / N), where N is the
graph's number of persons and `dangling` the rank held by persons with no outgoing edge, spread evenly:
the ranks sum to 1 after every step. Computed with a sparse matrix: SQL needs a join per step, which
took 131 s on a graph of a million edges.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse

HEADER = """-- Grain: one row per community, topic ('' = the whole community) and person in that topic's graph.
-- key: community_id, topic, member_id
-- refresh: full
"""
READS = ("int_influence_edges", "param_influence")


def build(con) -> pa.Table:
    [(damping, iterations)] = con.execute("select damping, iterations from param_influence").fetchall()
    edges = con.sql("select community_id, topic, from_member_id, to_member_id, weight from int_influence_edges "
                    "order by community_id, topic").df()
    parts = [_graph(community, topic, group, damping, int(iterations))
             for (community, topic), group in edges.groupby(["community_id", "topic"], sort=True)]
    columns = {"community_id": pa.string(), "topic": pa.string(), "member_id": pa.string(), "pagerank": pa.float64()}
    if not parts:
        return pa.schema(columns).empty_table()
    return pa.Table.from_pandas(pd.concat(parts, ignore_index=True), schema=pa.schema(columns), preserve_index=False)


def _graph(community: str, topic: str, edges: pd.DataFrame, damping: float, iterations: int) -> pd.DataFrame:
    codes, people = pd.factorize(pd.concat([edges["from_member_id"], edges["to_member_id"]], ignore_index=True))
    n = len(people)
    source, target = codes[:len(edges)], codes[len(edges):]
    weight = edges["weight"].to_numpy(dtype=np.float64)
    out_weight = np.bincount(source, weights=weight, minlength=n)
    # walk[v, u]: the share of u's rank that goes to v along u's edges
    walk = sparse.csr_matrix((weight / out_weight[source], (target, source)), shape=(n, n))
    dangling = out_weight == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        rank = (1 - damping) / n + damping * (walk @ rank + rank[dangling].sum() / n)
    return pd.DataFrame({"community_id": community, "topic": topic, "member_id": people, "pagerank": rank})
