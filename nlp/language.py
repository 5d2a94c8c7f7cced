"""Which language an item is written in, so English-only scoring is never applied to other languages.

py3langid (a naive Bayes model over byte n-grams, bundled with the package: nothing is downloaded)
scores the item's words with links, mentions, emoji and digits removed, among a configurable set of
languages; restricting the set keeps short posts from being taken for rare languages. An item too
short to tell, or where no language is likely enough, is 'und' (undetermined): counted and shown as
such, never silently treated as English.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
