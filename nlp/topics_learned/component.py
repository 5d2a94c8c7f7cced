"""The spaCy component `townsquare_learned_topics`: Doc._.learned_topic and Doc._.learned_topic_confidence.

    nlp = spacy.blank("en")
    nlp.add_pipe("townsquare_learned_topics", config={"model_path": "/path/in/TOWNSQUARE_HOME/model"})

model_path None means $TOWNSQUARE_HOME/models/learned_topics.model; when that default file does not
exist yet (no model trained), every Doc gets topic None and confidence 0.0 and a warning is logged once.
A model_path given explicitly must exist. threshold None uses the threshold saved with the model.
"""
from __future__ import annotations

import logging
from itertools import islice
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from nlp.text import doc_text
from nlp.topics_learned.model import TopicModel, default_model_path

log = logging.getLogger(__name__)

for _name, _default in (("learned_topic", None), ("learned_topic_confidence", 0.0)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class LearnedTopics:
    def __init__(self, model: TopicModel | None, threshold: float | None, batch_size: int = 256):
        self.model = model
        self.threshold = threshold
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        self.tag([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        # One predict_proba call per batch: vectorizing and scoring many texts at once is far faster.
        size = batch_size or self.batch_size
        docs = iter(docs)
        while batch := list(islice(docs, size)):
            self.tag(batch)
            yield from batch

    def tag(self, docs: list[Doc]) -> None:
        if self.model is None:
            return  # extension defaults: None, 0.0
        for doc, (label, confidence) in zip(docs, self.model.predict([doc_text(d) for d in docs], self.threshold)):
            doc._.learned_topic = label
            doc._.learned_topic_confidence = confidence


@Language.factory(
    "townsquare_learned_topics",
    default_config={"model_path": None, "threshold": None},
)
def make_learned_topics(nlp: Language, name: str, model_path: str | None, threshold: float | None) -> LearnedTopics:
    if model_path is None:
        path = default_model_path()
        if not path.exists():
            log.warning("no learned-topics model at %s: learned_topic stays None until one is trained", path)
            return LearnedTopics(None, threshold)
        return LearnedTopics(TopicModel.load(path), threshold)
    return LearnedTopics(TopicModel.load(model_path), threshold)
