"""spaCy component "townsquare_sentiment": Doc._.sentiment (score), ._.sentiment_label, ._.sentiment_reasons."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.sentiment.scorer import score_sentiment
from nlp.text import doc_text

EXTENSIONS = {"sentiment": 0.0, "sentiment_label": "neutral", "sentiment_reasons": None}


def register_extensions() -> None:
    for name, default in EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


class SentimentComponent:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        register_extensions()

    def __call__(self, doc: Doc) -> Doc:
        language = doc._.get("language") if Doc.has_extension("language") else None
        if language not in (None, "en", "und"):
            # English-only scoring: other languages are left unscored, visibly (the reason says why).
            doc._.sentiment, doc._.sentiment_label = None, None
            doc._.sentiment_reasons = [f"not scored: written in {language}, the scorer is English-only"]
            return doc
        result = score_sentiment(doc_text(doc))
        doc._.sentiment = result.score
        doc._.sentiment_label = result.label
        doc._.sentiment_reasons = list(result.reasons)
        return doc


@Language.factory("townsquare_sentiment")
def make_sentiment(nlp: Language, name: str) -> SentimentComponent:
    return SentimentComponent(nlp, name)
