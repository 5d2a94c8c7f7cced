"""Topics learned from labelled examples: train from a CSV of text,label, predict, and tag spaCy Docs.

Importing this package registers the spaCy factory "townsquare_learned_topics".
"""
from nlp.topics_learned.model import (
    DEFAULT_THRESHOLD,
    FORMAT_VERSION,
    ModelFormatError,
    TopicModel,
    default_model_path,
)
from nlp.topics_learned.component import LearnedTopics
from nlp.topics_learned.train import MIN_EXAMPLES_PER_LABEL, TrainingReport, train_topic_classifier

__all__ = [
    "DEFAULT_THRESHOLD",
    "FORMAT_VERSION",
    "LearnedTopics",
    "MIN_EXAMPLES_PER_LABEL",
    "ModelFormatError",
    "TopicModel",
    "TrainingReport",
    "default_model_path",
    "train_topic_classifier",
]
