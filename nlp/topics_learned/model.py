"""A trained topic classifier: predict (label, confidence) for texts, save it to and load it from a file.

The file is one header line of JSON (format, version, label set, threshold, scikit-learn version) followed
by a joblib pickle of the scikit-learn pipeline. The header is read and checked before anything is
unpickled, so a file of another format version is refused without running its pickle.

Unpickling runs code from the file: models are only loaded from the user's own TOWNSQUARE_HOME (where
`train_topic_classifier` writes them); `TopicModel.load` refuses any other path unless the caller passes
`trust_outside_home=True` for a file they made themselves.
"""
from __future__ import annotations

import array
import copy
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils._sparse import _align_api_if_sparse

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
    # (pipeline, the same pipeline as predict runs it: see faster_twin); never saved.
    _predictor: Any = field(default=None, init=False, repr=False, compare=False)

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
        if self._predictor is None or self._predictor[0] is not self.pipeline:
            self._predictor = (self.pipeline, faster_twin(self.pipeline))
        probabilities = self._predictor[1].predict_proba([cleaned[i] for i in todo])
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


# Distinct words whose character n-grams are remembered; past this many the memory starts again.
MAX_REMEMBERED_WORDS = 100_000


def faster_twin(pipeline: Any) -> Any:
    """The pipeline with each fitted char_wb vectorizer of its feature union replaced by a shallow copy
    that gives the same matrix faster, for prediction only; the pipeline itself, and so the model
    file, is left as it is. Any other shape of pipeline is returned unchanged.

    char_wb n-grams never cross a word boundary, so the vocabulary indices of a word's n-grams are the
    same wherever it occurs: they are worked out once per distinct word, counted per document into
    the same count matrix, then weighted and normalised by scikit-learn as before."""
    if not isinstance(pipeline, Pipeline) or len(pipeline.steps) < 2:
        return pipeline
    steps = []
    for name, step in pipeline.steps[:-1]:
        if isinstance(step, FeatureUnion):
            union = copy.copy(step)
            union.transformer_list = [(part, _word_memo_vectorizer(vectorizer))
                                      for part, vectorizer in step.transformer_list]
            step = union
        steps.append((name, step))
    twin = copy.copy(pipeline)
    twin.steps = steps + [pipeline.steps[-1]]
    return twin


def _word_memo_vectorizer(vectorizer: Any) -> Any:
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    if not (isinstance(vectorizer, CountVectorizer) and vectorizer.analyzer == "char_wb"
            and vectorizer.input == "content" and isinstance(vocabulary, dict)
            and sorted(vocabulary.values()) == list(range(len(vocabulary)))):
        return vectorizer
    decode, preprocess = vectorizer.decode, vectorizer.build_preprocessor()
    white_spaces = vectorizer._white_spaces
    min_n, max_n = vectorizer.ngram_range
    known: dict[str, array.array] = {}

    def indices_of(word: str) -> array.array:
        # The n-grams scikit-learn's _char_wb_ngrams makes of one word, in its order, as indices.
        padded = " " + word + " "
        size = len(padded)
        grams = []
        for n in range(min_n, max_n + 1):
            grams += [padded[offset:offset + n] for offset in range(max(1, size - n + 1))]
            if size <= n:  # a short word is counted once, at its shortest n
                break
        return array.array("i", [index for index in map(vocabulary.get, grams) if index is not None])

    def analyze(doc: Any) -> array.array:
        # As scikit-learn's char_wb analyzer, but yielding the vocabulary index of each n-gram in the
        # vocabulary (in the same order) rather than every n-gram: the others are not counted anyway.
        words = white_spaces.sub(" ", preprocess(decode(doc))).split()
        if len(known) > MAX_REMEMBERED_WORDS:
            known.clear()
        found = array.array("i")
        for word in words:
            indices = known.get(word)
            if indices is None:
                indices = known[word] = indices_of(word)
            found += indices
        return found

    def count(raw_documents: Iterable[Any], fixed_vocab: bool) -> tuple[Any, Any]:
        # What CountVectorizer._count_vocab(fixed_vocab=True) of scikit-learn 1.9 returns (a model file
        # only loads under the scikit-learn it was trained with): one entry per n-gram occurrence,
        # which scipy sums into the counts, in sorted order, as the matrix is built.
        found = array.array("i")
        indptr = [0]
        for doc in raw_documents:
            found.extend(analyze(doc))
            indptr.append(len(found))
        columns = np.array(found, dtype=np.intc)
        rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.intc), np.diff(indptr))
        matrix = sp.csr_array((np.ones(len(columns), dtype=np.intc), (rows, columns)),
                              shape=(len(indptr) - 1, len(vocabulary)), dtype=vectorizer.dtype)
        matrix.sort_indices()
        return vocabulary, _align_api_if_sparse(matrix)

    fast = copy.copy(vectorizer)
    fast._count_vocab = count
    return fast


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

