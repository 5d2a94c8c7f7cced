"""Near-duplicates and themes among one community's ideas.

Each idea's text becomes TF-IDF weights over the base forms of its content words and two-word phrases
(nlp.emerging.terms). Two ideas are near-duplicates when the source links them as duplicates or their
cosine similarity reaches `duplicate_similarity`; near-duplicates chain (A~B and B~C: one group) and the
group's original is the earliest post the source did not mark as a duplicate. Originals (with their
duplicates' text added) are then clustered by average-linkage agglomerative clustering on cosine distance,
stopping when the mean similarity between two groups falls below `theme_similarity`. A theme is labelled by
the terms with the most TF-IDF weight over its posts.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.preprocessing import normalize

from nlp.emerging.terms import clean, surface_forms, text_terms
from nlp.ideation.settings import IdeationSettings


@dataclass
class Idea:
    content_id: str
    created_at: dt.datetime
    title: str | None
    body: str | None


@dataclass
class Member:
    content_id: str
    is_duplicate_of: str | None = None
    duplicate_reason: str | None = None   # link, similarity
    similarity: float | None = None       # cosine to the original


@dataclass
class Theme:
    theme_id: str
    label: str
    terms: list[str]
    members: list[Member] = field(default_factory=list)


def theme_id(community_id: str, content_ids: list[str]) -> str:
    """Stable while the theme keeps its smallest post id: md5 of community and that id."""
    return hashlib.md5(f"{community_id}\0{min(content_ids)}".encode()).hexdigest()[:16]


def group_ideas(community_id: str, ideas: list[Idea], duplicate_links: list[tuple[str, str]],
                s: IdeationSettings) -> list[Theme]:
    """Themes of one community's ideas. `duplicate_links`: (duplicate, original) pairs from the source."""
    if not ideas:
        return []
    ideas = sorted(ideas, key=lambda i: i.content_id)
    index = {idea.content_id: n for n, idea in enumerate(ideas)}
    surfaces: Counter = Counter()
    docs = [text_terms(clean(i.title, i.body), surfaces) for i in ideas]
    weights = _tfidf(docs)
    similarity = cosine_similarity(weights) if weights.shape[1] else np.zeros((len(ideas), len(ideas)))

    originals, members = _near_duplicates(ideas, index, duplicate_links, similarity, s.duplicate_similarity)
    # An original's vector carries its duplicates' words too: they say the same thing in other words.
    rows = {o: [o] + [index[m.content_id] for m in members[o][1:]] for o in originals}
    group_vectors = normalize(np.vstack([np.asarray(weights[rows[o]].sum(axis=0)) for o in originals])) \
        if weights.shape[1] else np.zeros((len(originals), 1))
    labels = _cluster(group_vectors, s.theme_similarity)

    vocabulary = _vocabulary(docs)
    written = surface_forms(surfaces)
    themes = []
    for label in sorted(set(labels)):
        member_rows = [r for o, lab in zip(originals, labels) if lab == label for r in rows[o]]
        theme_members = [m for o, lab in zip(originals, labels) if lab == label for m in members[o]]
        keys = _top_terms(weights, vocabulary, member_rows, s.top_terms)
        terms = [written.get(k, k) for k in keys]
        first = ideas[min(member_rows)]
        name = ", ".join(terms[: s.label_terms]) or (first.title or first.content_id)[:60]
        themes.append(Theme(theme_id(community_id, [m.content_id for m in theme_members]), name, terms,
                            sorted(theme_members, key=lambda m: m.content_id)))
    return sorted(themes, key=lambda t: t.theme_id)


def _tfidf(docs: list[list[str]]):
    if not any(docs):
        return np.zeros((len(docs), 0))
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True, lowercase=False)
    return vectorizer.fit_transform(docs).tocsr()


def _vocabulary(docs: list[list[str]]) -> np.ndarray:
    # TfidfVectorizer orders its vocabulary alphabetically: the same order, without keeping the vectorizer.
    return np.array(sorted({t for d in docs for t in d}), dtype=object)


def _near_duplicates(ideas: list[Idea], index: dict[str, int], links: list[tuple[str, str]],
                     similarity: np.ndarray, threshold: float) -> tuple[list[int], dict[int, list[Member]]]:
    """The originals (row numbers, in row order) and, for each, its group: the original first."""
    parent = list(range(len(ideas)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    marked = {}  # duplicate row -> original row, as the source says
    for duplicate, original in links:
        if duplicate in index and original in index and duplicate != original:
            marked[index[duplicate]] = index[original]
            parent[root(index[duplicate])] = root(index[original])
    close = np.argwhere(np.triu(similarity >= threshold, k=1))
    for a, b in close:
        parent[root(int(a))] = root(int(b))

    groups: dict[int, list[int]] = {}
    for n in range(len(ideas)):
        groups.setdefault(root(n), []).append(n)
    originals, members = [], {}
    for rows in groups.values():
        # The earliest post the source did not mark as a duplicate (all marked, e.g. a cycle: the earliest).
        unmarked = [r for r in rows if r not in marked] or rows
        original = min(unmarked, key=lambda r: (ideas[r].created_at, ideas[r].content_id))
        group = [Member(ideas[original].content_id)]
        for r in sorted(rows, key=lambda r: ideas[r].content_id):
            if r != original:
                reason = "link" if r in marked else "similarity"
                group.append(Member(ideas[r].content_id, ideas[original].content_id, reason,
                                    round(float(similarity[r, original]), 6)))
        originals.append(original)
        members[original] = group
    originals.sort()
    return originals, members


def _cluster(vectors: np.ndarray, theme_similarity: float) -> list[int]:
    if len(vectors) < 2:
        return [0] * len(vectors)
    # Items without words have zero vectors: cosine similarity 0 to everything, so they stay alone.
    distance = np.clip(1.0 - cosine_similarity(vectors), 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - theme_similarity + 1e-9)
    return [int(x) for x in model.fit_predict(distance)]


def _top_terms(weights, vocabulary: np.ndarray, rows: list[int], n: int) -> list[str]:
    """The terms with the most TF-IDF weight over the theme's posts (on a tie, phrases first). A word said
    by a chosen phrase is skipped; a phrase takes the place of chosen words it contains when it carries at
    least half their weight ("dark mode" rather than "dark, mode, dark mode")."""
    if not weights.shape[1]:
        return []
    total = np.asarray(weights[rows].sum(axis=0)).ravel()
    order = sorted(np.flatnonzero(total > 0), key=lambda i: (-round(total[i], 9), -vocabulary[i].count(" "), vocabulary[i]))
    chosen: list[str] = []
    weight = {}
    for i in order:
        if len(chosen) >= n:
            break
        term = str(vocabulary[i])
        words = term.split(" ")
        weight[term] = total[i]
        replaced = [c for c in chosen if " " not in c and c in words and total[i] >= 0.5 * weight[c]]
        said = {w for c in chosen if " " in c for w in c.split(" ")}  # words already said by chosen phrases
        if not replaced and all(w in said for w in words):
            continue
        if replaced:
            at = chosen.index(replaced[0])
            chosen = [c for c in chosen[:at] if c not in replaced] + [term] + \
                     [c for c in chosen[at:] if c not in replaced]
        else:
            chosen.append(term)
    return chosen[:n]
