"""A trained topic classifier: predict (label, confidence) for texts, save it to and load it from a file.

The file is one header line of JSON (format, version, label set, threshold, scikit-learn version) followed
by a joblib pickle of the scikit-learn pipeline. The header is read and checked before anything is
unpickled, so a file of another format version is refused without running its pickle.

Unpickling runs code from the file: models are only loaded from the user's own TOWNSQUARE_HOME (where
`train_topic_classifier` writes them); `TopicModel.load` refuses any other path unless the caller passes
`trust_outside_home=True` for a file they made themselves.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import joblib
import sklearn

from nlp.text import safe_text  # longer texts are classified on their first nlp.text.MAX_CHARS
from warehouse import settings

FORMAT = "townsquare-learned-topics"
FORMAT_VERSION = 1
# Below this calibrated probability the best label is not trusted and the topic is None ("other").
# On banking77 (77 intents) 0.5 keeps about 95% of test queries, right 94% of the time against 91% for
# all; the ones it drops are right only 39% of the time (docs/nlp/learned_topics.md has the table).
DEFAULT_THRESHOLD = 0.5


class ModelFormatError(ValueError):
    """The file is not a Townsquare topic model this version can load."""


def default_model_path() -> Path:
    """Where `townsquare` keeps the learned-topics model: $TOWNSQUARE_HOME/models/learned_topics.model."""
    return settings.home() / "models" / "learned_topics.model"


@dataclass
class TopicModel:
    """A fitted scikit-learn pipeline (text -> label probabilities) and the threshold for trusting it."""

    pipeline: Any
    labels: list[str]
    threshold: float = DEFAULT_THRESHOLD
    metadata: dict[str, Any] = field(default_factory=dict)

    def predict(self, texts: Iterable[Any], threshold: float | None = None) -> list[tuple[str | None, float]]:
        """(label, confidence) per text; label is None when confidence < threshold or the text has no words.

        Confidence is the calibrated probability of the best label, in [0, 1]. Never raises on odd text.
        """
        cut = self.threshold if threshold is None else threshold
        cleaned = [safe_text(t) for t in texts]
        results: list[tuple[str | None, float]] = [(None, 0.0)] * len(cleaned)
        # Texts with nothing but spaces carry no evidence: they stay (None, 0.0) instead of getting the prior.
        todo = [i for i, t in enumerate(cleaned) if t.strip()]
        if not todo:
            return results
        probabilities = self.pipeline.predict_proba([cleaned[i] for i in todo])
        classes = list(self.pipeline.classes_)
        for i, row in zip(todo, probabilities):
            best = int(row.argmax())
            confidence = float(row[best])
            results[i] = (str(classes[best]) if confidence >= cut else None, confidence)
        return results

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the model atomically (default: default_model_path()); returns the path written."""
        target = Path(path) if path is not None else default_model_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "labels": self.labels,
            "threshold": self.threshold,
            "sklearn_version": sklearn.__version__,
            "metadata": self.metadata,
        }
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n")
                joblib.dump(self.pipeline, f)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, trust_outside_home: bool = False) -> "TopicModel":
        """Read a model saved by `save`; refuses other formats/versions and files outside TOWNSQUARE_HOME."""
        source = (Path(path) if path is not None else default_model_path()).resolve()
        home = settings.home()
        if not trust_outside_home and not source.is_relative_to(home):
            raise ModelFormatError(
                f"refusing to load {source}: topic models are only loaded from TOWNSQUARE_HOME ({home}), "
                "because loading one runs code stored in the file"
            )
        with open(source, "rb") as f:
            header = read_header(f.readline(), source)
            pipeline = joblib.load(f)
        return cls(
            pipeline=pipeline,
            labels=list(header["labels"]),
            threshold=float(header["threshold"]),
            metadata=dict(header.get("metadata") or {}),
        )


def read_header(line: bytes, source: Path) -> dict[str, Any]:
    """The checked JSON header of a model file: right format, this format version, same scikit-learn."""
    try:
        header = json.loads(line.decode("ascii"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFormatError(f"{source} is not a Townsquare learned-topics model")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFormatError(
            f"{source} is a learned-topics model of format version {version}; this Townsquare reads "
            f"version {FORMAT_VERSION}. Train it again from your CSV (python -m nlp.topics_learned.train)."
        )
    # A pickled pipeline from another scikit-learn may load yet predict differently: retraining is cheap.
    if header.get("sklearn_version") != sklearn.__version__:
        raise ModelFormatError(
            f"{source} was trained with scikit-learn {header.get('sklearn_version')}, this is "
            f"{sklearn.__version__}. Train it again from your CSV (python -m nlp.topics_learned.train)."
        )
    return header

