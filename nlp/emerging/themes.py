"""Themes of one period: TF-IDF over the period's terms, NMF, each item's dominant theme, labels, and the
same model applied to the previous period's items for growth.

Deterministic: items come in content_id order, NMF starts from NNDSVD with a fixed random_state and the
coordinate-descent solver does not shuffle, so the same items give the same themes on every run.
"""
from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from nlp.emerging.settings import EmergingSettings
from nlp.emerging.terms import surface_forms

RANDOM_STATE = 0
LABEL_TERM_SHARE = 0.1  # a label term is used by at least this share of the theme's items (and 2 of them)


@dataclass
class Theme:
    rank: int
    terms: list[str]            # top terms as people wrote them, strongest first
    keys: list[str]             # the same terms as base-form keys
    items: list[tuple[int, float]]  # (index of the item in the period, its weight on this theme)
    previous_items: int | None  # items of the previous period this theme is dominant in (None: no baseline)


@dataclass
class PeriodThemes:
    themes: list[Theme] = field(default_factory=list)
    components: int = 0         # NMF components fitted (themes with too few items are not reported)
    vocabulary: int = 0         # terms kept after min_df / max_df
    status: str = "themes"      # themes, too_few_items, too_few_terms


def number_of_themes(items: int, s: EmergingSettings) -> int:
    return max(2, min(s.max_themes, items // s.items_per_theme))


def find_themes(docs: list[list[str]], surfaces: Counter, previous_docs: list[list[str]] | None,
                s: EmergingSettings) -> PeriodThemes:
    """docs: the term lists of the period's items (empty lists count as items without a theme);
    previous_docs: the previous period's term lists, or None when there is no baseline."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(docs) < s.min_items:
        return PeriodThemes(status="too_few_items")
    vectorizer = TfidfVectorizer(analyzer=_as_is, min_df=s.min_term_items, max_df=s.max_term_share,
                                 sublinear_tf=True, dtype=np.float32, max_features=s.max_terms)
    try:
        x = vectorizer.fit_transform(docs)
    except ValueError:  # no term left after min_df / max_df
        return PeriodThemes(status="too_few_terms")
    vocabulary = vectorizer.get_feature_names_out()
    k = min(number_of_themes(len(docs), s), x.shape[1], int((x.getnnz(axis=1) > 0).sum()))
    if k < 1:
        return PeriodThemes(status="too_few_terms", vocabulary=len(vocabulary))
    model = NMF(n_components=k, init="nndsvd", solver="cd", max_iter=s.max_iterations, random_state=RANDOM_STATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a not fully converged factorisation still ranks terms
        w = model.fit_transform(x)
    h = model.components_
    norms = np.linalg.norm(h, axis=1)
    norms[norms == 0] = 1.0
    h = h / norms[:, None]
    w = w * norms[None, :]  # unit-length theme vectors: an item's weight is comparable across themes
    thresholds = _thresholds(w, s)
    dominant, weight = _dominant(w, thresholds)
    previous = None
    if previous_docs is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            previous_w = model.transform(vectorizer.transform(previous_docs)) * norms[None, :] \
                if previous_docs else np.zeros((0, k))
        previous = Counter(_dominant(previous_w, thresholds)[0].tolist())
    written = surface_forms(surfaces)
    present = (x > 0).astype(np.float32)
    overall = np.asarray(present.mean(axis=0)).ravel()  # share of the period's items using each term
    found = []
    for c in range(k):
        members = np.flatnonzero(dominant == c)
        if len(members) < s.min_theme_items:
            continue
        keys = _label_keys(vocabulary, *_keyness(present, overall, members), s.top_terms)
        found.append(Theme(0, [written.get(key, key) for key in keys], keys,
                           [(int(i), round(float(weight[i]), 6)) for i in members],
                           previous.get(c, 0) if previous is not None else None))
    # Biggest theme first; ties by label so ranks never depend on the component order alone.
    found.sort(key=lambda t: (-len(t.items), t.terms))
    for rank, theme in enumerate(found, start=1):
        theme.rank = rank
    return PeriodThemes(found, k, len(vocabulary))


def _as_is(terms: list[str]) -> list[str]:
    return terms


def _thresholds(w: np.ndarray, s: EmergingSettings) -> np.ndarray:
    """Per theme, the weight an item needs on it to belong to it: min_weight, and at least
    min_relative_weight of the median weight of the items the theme dominates in this period. The relative
    part adapts to text length (long posts spread their weight over many terms) and keeps an item that only
    shares a word or two with a theme (a previous period's post on another subject) out of it."""
    best = w.argmax(axis=1)
    weight = w[np.arange(w.shape[0]), best]
    thresholds = np.full(w.shape[1], s.min_weight)
    for c in range(w.shape[1]):
        members = weight[(best == c) & (weight >= s.min_weight)]
        if len(members):
            thresholds[c] = max(s.min_weight, s.min_relative_weight * float(np.median(members)))
    return thresholds


def _dominant(w: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's strongest theme (-1 when its weight is under that theme's threshold) and that weight."""
    if w.shape[0] == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    best = w.argmax(axis=1)
    weight = w[np.arange(w.shape[0]), best]
    return np.where(weight >= thresholds[best], best, -1), weight


def _keyness(present, overall: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How well each term describes a theme's items: the share of its items that use it (returned too),
    times the log of how much more they use it than the period's items overall. Labels come from the items
    a theme holds, not from the factor's loadings, which a few long posts can dominate; terms common
    everywhere score low."""
    inside = np.asarray(present[members].mean(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        score = inside * np.log(inside / overall)
    # A term that one or two posts of a big theme use does not describe it: at least 2 items and 10% of them.
    enough = inside * len(members) >= max(2, LABEL_TERM_SHARE * len(members))
    return np.where((inside > overall) & (overall > 0) & enough, score, 0.0), inside


def _label_keys(vocabulary: np.ndarray, score: np.ndarray, inside: np.ndarray, n: int) -> list[str]:
    """The best-scoring terms. A phrase takes the place of a chosen word it contains when it carries most of
    that word's uses ("battery drain" rather than "battery, drain, battery drain"), and is listed beside it
    otherwise ("wallet" used by most of the items, "hardware wallet" by a few)."""
    chosen: list[int] = []
    words_of = {}
    for index in np.argsort(-score, kind="stable")[: n * 4]:
        if score[index] <= 0 or len(chosen) >= n:
            break
        words = str(vocabulary[index]).split(" ")
        words_of[index] = words
        if len(words) == 1:
            if not any(words[0] in words_of[c] for c in chosen):  # already said by a chosen phrase
                chosen.append(index)
            continue
        replaced = [c for c in chosen if len(words_of[c]) == 1 and words_of[c][0] in words
                    and inside[index] >= 0.5 * inside[c]]
        if replaced:
            at = chosen.index(replaced[0])
            chosen = [c for c in chosen[:at] if c not in replaced] + [index] + \
                     [c for c in chosen[at:] if c not in replaced]
        else:
            chosen.append(index)
    return [" ".join(words_of[c]) for c in chosen[:n]]
