"""Which language an item is written in, so English-only scoring is never applied to other languages.

py3langid (a naive Bayes model over byte n-grams, bundled with the package: nothing is downloaded)
scores the item's words with links, mentions, emoji and digits removed, among a configurable set of
languages; restricting the set keeps short posts from being taken for rare languages. An item too
short to tell, or where no language is likely enough, is 'und' (undetermined): counted and shown as
such, never silently treated as English.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

from nlp.text import words_only

UNDETERMINED = "und"
# The languages most used online; a community can narrow or widen them in nlp/pipeline.cfg.
DEFAULT_LANGUAGES = ("en", "de", "es", "fr", "pt", "it", "nl", "pl", "ru", "uk", "tr", "ar", "fa", "hi", "ja",
                     "zh", "ko", "id", "vi", "th", "sv", "da", "no", "fi", "cs", "ro", "hu", "el", "he")
MIN_LETTERS = 12        # fewer letters than this ("thanks!", "lol ok") are not enough to tell
MIN_CONFIDENCE = 0.6    # below this normalised probability the language is undetermined


@dataclass(frozen=True)
class Language:
    code: str            # ISO 639-1, or 'und'
    confidence: float
    reason: str | None   # why the language is undetermined


@cache
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


class BatchScorer:
    """py3langid's classify for many texts at once: the byte n-gram walk per text as py3langid does it,
    then one sparse product and one softmax for the whole batch, where classify pays a dozen small
    numpy calls per text (~45 of its ~90 µs on a 200-character post). Same model, same scores
    (tests/nlp/test_language.py compares it with classify on real posts)."""

    def __init__(self, languages: tuple[str, ...]):
        identifier = _identifier(languages)
        self.identifier = identifier
        self.table = np.asarray(identifier.nb_ptc, dtype=np.float32)
        self.prior = np.asarray(identifier.nb_pc, dtype=np.float32)
        self.classes = list(identifier.nb_classes)
        self.aliases = list(identifier._alias_pairs)

    def classify(self, texts: list[str]) -> list[tuple[str, float]]:
        from py3langid.langid import visit_counts

        ident = self.identifier
        rows, columns, counts, scale = [], [], [], np.empty(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            encoded = ident._encode(text)
            scale[row] = 1.0 / math.sqrt(len(encoded) or 1)  # py3langid's temperature: sqrt of the bytes
            visits = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, encoded)
            if visits:
                rows += [row] * len(visits)
                columns += visits.keys()
                counts += visits.values()
        features = sparse.csr_matrix((np.log1p(np.asarray(counts, dtype=np.float32)), (rows, columns)),
                                     shape=(len(texts), self.table.shape[0]))
        scores = np.asarray(features @ self.table) + self.prior
        featureless = np.diff(features.indptr) == 0
        scores[featureless] = 0.0  # as py3langid: no features, uniform scores
        scores *= scale[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for first, dupe in self.aliases:
            scores[:, first] += scores[:, dupe]
            scores[:, dupe] = 0.0
        best = scores.argmax(axis=1)
        return [(self.classes[b], float(scores[row, b])) for row, b in enumerate(best)]


@cache
def _scorer(languages: tuple[str, ...]) -> BatchScorer:
    return BatchScorer(languages)


def identify_languages(texts: list[str], languages: tuple[str, ...] = DEFAULT_LANGUAGES,
                       min_confidence: float = MIN_CONFIDENCE) -> list[Language]:
    """The language of each text (see the module docstring); one model pass for the whole list."""
    found: list[Language | None] = [None] * len(texts)
    todo, words_of = [], []
    for i, text in enumerate(texts):
        words = words_only(text)
        # words_only leaves letters and single spaces only: the letters are all the rest.
        letters = len(words) - words.count(" ")
        if letters < MIN_LETTERS:
            found[i] = Language(UNDETERMINED, 0.0, f"too little text to tell ({letters} letters)")
        else:
            todo.append(i)
            words_of.append(words)
    if todo:
        for i, (code, confidence) in zip(todo, _scorer(tuple(languages)).classify(words_of)):
            if confidence < min_confidence:
                found[i] = Language(UNDETERMINED, confidence, f"no language likely enough (best {code}, {confidence:.2f})")
            else:
                found[i] = Language(code, confidence, None)
    return found


def identify_language(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES,
                      min_confidence: float = MIN_CONFIDENCE) -> Language:
    return identify_languages([text], languages, min_confidence)[0]
