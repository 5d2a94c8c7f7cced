"""Townsquare's spaCy components, registered by name so nlp/pipeline.cfg can assemble them."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

import nlp.sentiment.component  # noqa: F401  (registers townsquare_sentiment)
import nlp.topics_learned  # noqa: F401  (registers townsquare_learned_topics)
from nlp.language import DEFAULT_LANGUAGES, MIN_CONFIDENCE, identify_language

for _name in ("language", "language_confidence", "language_reason"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class LanguageTagger:
    def __init__(self, languages: list[str], min_confidence: float):
        self.languages, self.min_confidence = tuple(languages), min_confidence

    def __call__(self, doc: Doc) -> Doc:
        found = identify_language(doc.text, self.languages, self.min_confidence)
        doc._.language, doc._.language_confidence, doc._.language_reason = found.code, found.confidence, found.reason
        return doc


@Language.factory("townsquare_language",
                  default_config={"languages": list(DEFAULT_LANGUAGES), "min_confidence": MIN_CONFIDENCE})
def make_language_tagger(nlp: Language, name: str, languages: list[str], min_confidence: float) -> LanguageTagger:
    return LanguageTagger(languages, min_confidence)
