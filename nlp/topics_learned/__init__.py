"""Topics learned from labelled examples: train from a CSV of text,label, predict, and tag spaCy Docs."""
from nlp.topics_learned.model import (
    DEFAULT_THRESHOLD,
    FORMAT_VERSION,
    ModelFormatError,
    TopicModel,
    default_model_path,
)
from nlp.topics_learned.train import MIN_EXAMPLES_PER_LABEL, TrainingReport, train_topic_classifier

__all__ = [
    "DEFAULT_THRESHOLD",
    "FORMAT_VERSION",
    "MIN_EXAMPLES_PER_LABEL",
    "ModelFormatError",
    "TopicModel",
    "TrainingReport",
    "default_model_path",
    "train_topic_classifier",
]
