"""Topics learned from labelled examples: train from a CSV of text,label, predict, and tag spaCy Docs.

Importing this package registers the spaCy factory "townsquare_learned_topics".
"""
from nlp.topics_learned.component import LearnedTopics
from nlp.topics_learned.model import (
    DEFAULT_THRESHOLD,
    FORMAT_VERSION,
    ModelFormatError,
    TopicModel,
    default_model_path,
)

_TRAINING = ("MIN_EXAMPLES_PER_LABEL", "TrainingDataError", "TrainingReport", "train_topic_classifier")


def __getattr__(name: str):
    # Training is imported on first use, so `python -m nlp.topics_learned.train` runs it only once.
    if name in _TRAINING:
        from nlp.topics_learned import train

        return getattr(train, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_THRESHOLD",
    "FORMAT_VERSION",
    "LearnedTopics",
    "ModelFormatError",
    "TopicModel",
    "default_model_path",
    *_TRAINING,
]
