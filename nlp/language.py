"""Which language an item is written in, so English-only scoring is never applied to other languages.

py3langid (a naive Bayes model over byte n-grams, bundled with the package: nothing is downloaded)
scores the item's words with links, mentions, emoji and digits removed, among a configurable set of
languages; restricting the set keeps short posts from being taken for rare languages. An item too
short to tell, or where no language is likely enough, is 'und' (undetermined): counted and shown as
such, never silently treated as English.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

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


# Distinct (DFA state, word) walks remembered; past this many the memory is cleared and starts again.
MAX_REMEMBERED_WALKS = 200_000


def _identifier_class():
    from py3langid.langid import RAW_FLOOR, LanguageIdentifier

    class WordMemoIdentifier(LanguageIdentifier):
        """py3langid's identifier with its byte-by-byte walk of the n-gram automaton done once per
        (state, word): the walk is deterministic, so the features a word yields from a given state are
        always the same, and words recur. Same features in the same order, hence the same scores."""
        __slots__ = ["_walks"]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._walks = {}

        def _visit_counts(self, data: bytes) -> Counter | None:
            nextmove, rowbase, output, walks = self.tk_nextmove, self._rowbase, self.tk_output, self._walks
            if len(walks) > MAX_REMEMBERED_WALKS:
                walks.clear()
            state, features = 0, []
            parts = data.split(b" ")
            last = len(parts) - 1
            for n, part in enumerate(parts):
                # Every word but the last is walked with the space after it.
                key = (state, part, n == last)
                walk = walks.get(key)
                if walk is None:
                    found = []
                    for letter in (part if n == last else part + b" "):
                        state = nextmove[rowbase[state] + letter]
                        if output[state] >= 0:
                            found.append(output[state])
                    walk = walks[key] = (state, tuple(found))
                state = walk[0]
                features += walk[1]
            return Counter(features) if features else None

        def _raw_score(self, text):
            # As LanguageIdentifier._raw_score (py3langid 0.4.0), with the remembered walks.
            visits = self._visit_counts(text)
            if visits:
                return self._sparse_score(visits, self.nb_ptc)
            fill = 0.0 if self._norm_probs else RAW_FLOOR
            return np.full(len(self.nb_classes), fill, dtype=np.float32)

    return WordMemoIdentifier


@cache
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE

    identifier = _identifier_class().from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def identify_language(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES,
                      min_confidence: float = MIN_CONFIDENCE) -> Language:
    words = words_only(text)
    # words_only leaves letters and single spaces only: the letters are all the rest.
    letters = len(words) - words.count(" ")
    if letters < MIN_LETTERS:
        return Language(UNDETERMINED, 0.0, f"too little text to tell ({letters} letters)")
    code, confidence = _identifier(tuple(languages)).classify(words)
    if confidence < min_confidence:
        return Language(UNDETERMINED, float(confidence), f"no language likely enough (best {code}, {confidence:.2f})")
    return Language(code, float(confidence), None)
