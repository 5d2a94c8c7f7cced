"""Learned topics: trained on banking77's train split, judged on its test split against a majority-class
baseline computed here; model files, bad training rows, the spaCy component and hard inputs."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
import spacy

from nlp.evaluation.learned_topics import evaluate_learned_topics
from nlp.topics_learned import (
    FORMAT_VERSION,
    MIN_EXAMPLES_PER_LABEL,
    ModelFormatError,
    TopicModel,
    default_model_path,
    train_topic_classifier,
)

HARD_TEXTS = ["", "   \n\t ", "😀😀😀🔥🔥", "https://t.co/abc https://x.com/a/status/1",
              "Моя карта не пришла, 我的卡还没到, my card hasn't arrived", "x" * 1_000_000,
              "card \ud83d broken surrogate \udfff"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def banking77(shared_dataset) -> Path:
    return shared_dataset("banking77")


@pytest.fixture(scope="module")
def banking_model(banking77) -> TopicModel:
    return train_topic_classifier(banking77 / "train.csv", label_column="category")


@pytest.fixture(scope="module")
def banking_test_rows(banking77) -> list[dict[str, str]]:
    return read_csv(banking77 / "test.csv")


def test_evaluation_beats_majority_baseline_by_far(banking77):
    train, test = read_csv(banking77 / "train.csv"), read_csv(banking77 / "test.csv")
    report = evaluate_learned_topics(banking77 / "train.csv", banking77 / "test.csv")
    json.dumps(report)  # written as the JSON report of `townsquare eval`

    assert report["train_size"] == len(train)
    assert report["test_size"] == len(test)
    assert report["classes"] == len({row["category"] for row in train})
    assert report["training_seconds"] > 0 and report["training_cpu_seconds"] > 0

    # The baseline a model must beat: always answer the most common training label.
    majority = Counter(row["category"] for row in train).most_common(1)[0][0]
    baseline_accuracy = sum(row["category"] == majority for row in test) / len(test)
    baseline_macro_f1 = (2 * baseline_accuracy / (1 + baseline_accuracy)) / report["classes"]
    assert report["accuracy"] > baseline_accuracy + 0.5, report
    assert report["macro_f1"] > baseline_macro_f1 + 0.5, report
    # The threshold trades coverage for precision: what keeps a topic is more often right.
    assert 0 < report["coverage_at_threshold"] < 1
    assert report["accuracy_at_threshold"] > report["accuracy"]


def test_topic_is_none_exactly_below_the_threshold(banking_model, banking_test_rows):
    texts = [row["text"] for row in banking_test_rows[:500]]
    predictions = banking_model.predict(texts)
    assert {label is None for label, _ in predictions} == {True, False}  # both happen on real queries
    for label, confidence in predictions:
        assert 0.0 <= confidence <= 1.0
        assert (label is None) == (confidence < banking_model.threshold)
        assert label is None or label in banking_model.labels
    assert all(label is None for label, _ in banking_model.predict(texts, threshold=1.01))
    assert all(label is not None for label, _ in banking_model.predict(texts, threshold=0.0))


def test_save_load_round_trip_gives_identical_predictions(banking_model, banking_test_rows, townsquare_home):
    texts = [row["text"] for row in banking_test_rows]
    path = banking_model.save()
    assert path == default_model_path() and path.is_relative_to(townsquare_home)
    loaded = TopicModel.load()
    assert loaded.labels == banking_model.labels
    assert loaded.threshold == banking_model.threshold
    assert loaded.predict(texts) == banking_model.predict(texts)


def test_a_model_of_another_format_version_is_refused(banking_model, townsquare_home):
    path = banking_model.save()
    header, _, pickled = path.read_bytes().partition(b"\n")
    old = json.loads(header)
    old["format_version"] = FORMAT_VERSION + 1
    path.write_bytes(json.dumps(old).encode() + b"\n" + pickled)
    with pytest.raises(ModelFormatError, match=f"format version {FORMAT_VERSION + 1}.*Train it again"):
        TopicModel.load(path)

    other_sklearn = dict(json.loads(header), sklearn_version="0.24.2")
    path.write_bytes(json.dumps(other_sklearn).encode() + b"\n" + pickled)
    with pytest.raises(ModelFormatError, match="trained with scikit-learn 0.24.2"):
        TopicModel.load(path)

    path.write_bytes(b"PK\x03\x04 not a model at all\n")
    with pytest.raises(ModelFormatError, match="not a Townsquare learned-topics model"):
        TopicModel.load(path)


def test_a_model_outside_townsquare_home_is_refused(banking_model, townsquare_home, tmp_path):
    outside = banking_model.save(tmp_path / "elsewhere" / "topics.model")
    with pytest.raises(ModelFormatError, match="only loaded from TOWNSQUARE_HOME"):
        TopicModel.load(outside)
    assert TopicModel.load(outside, trust_outside_home=True).labels == banking_model.labels


def test_bad_rows_are_skipped_and_counted_and_rare_labels_reported(banking77, tmp_path):
    by_label: dict[str, list[str]] = {}
    for row in read_csv(banking77 / "train.csv"):
        by_label.setdefault(row["category"], []).append(row["text"])
    kept_labels = sorted(by_label)[:4]
    rare = sorted(by_label)[4]
    rows = [(text, label) for label in kept_labels for text in by_label[label][:15]]
    rows += [("", kept_labels[0]), ("   ", kept_labels[1])]  # empty text
    rows += [("Where is my card?", ""), ("Why was I charged twice?", "  ")]  # missing label
    rows += [(text, rare) for text in by_label[rare][: MIN_EXAMPLES_PER_LABEL - 1]]
    rows += [("my card\nspans two lines", kept_labels[2])]  # quoted newline inside a field
    source = tmp_path / "examples.csv"
    with open(source, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["body", "topic"])
        writer.writerows(rows)
    with open(source, "a", encoding="utf-8") as f:
        f.write("a row with no topic column at all\n")  # short row: its label is missing

    model = train_topic_classifier(source, text_column="body", label_column="topic")
    report = model.metadata["training"]
    assert report["rows_read"] == len(rows) + 1
    assert report["skipped_empty_text"] == 2
    assert report["skipped_missing_label"] == 3
    assert report["rare_labels"] == {rare: MIN_EXAMPLES_PER_LABEL - 1}
    assert report["rows_used"] == 4 * 15 + 1
    assert model.labels == kept_labels
    # Trained on the same CSV again: the same model.
    again = train_topic_classifier(source, text_column="body", label_column="topic")
    probe = [text for label in kept_labels for text in by_label[label][15:25]]
    assert again.predict(probe) == model.predict(probe)


def test_missing_columns_are_named(tmp_path):
    source = tmp_path / "examples.csv"
    source.write_text("text,category\nhello,greeting\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no column 'label'.*header is \\['text', 'category'\\]"):
        train_topic_classifier(source)


def test_component_tags_docs_through_nlp_pipe(banking_model, banking_test_rows, townsquare_home):
    path = banking_model.save()
    nlp = spacy.blank("en")
    nlp.add_pipe("townsquare_learned_topics", config={"model_path": str(path)})
    texts = [row["text"] for row in banking_test_rows[:600]] + [t for t in HARD_TEXTS if "\ud83d" not in t]
    docs = list(nlp.pipe(texts, batch_size=128))
    assert [(d._.learned_topic, d._.learned_topic_confidence) for d in docs] == banking_model.predict(texts)
    gold = [row["category"] for row in banking_test_rows[:600]]
    tagged = [(g, d._.learned_topic) for g, d in zip(gold, docs) if d._.learned_topic is not None]
    assert sum(g == t for g, t in tagged) / len(tagged) > 0.5
    single = nlp(banking_test_rows[0]["text"])  # the one-Doc path agrees with the batch path
    assert (single._.learned_topic, single._.learned_topic_confidence) == banking_model.predict([single.text])[0]


def test_component_without_a_trained_model_leaves_topics_empty(townsquare_home):
    nlp = spacy.blank("en")
    nlp.add_pipe("townsquare_learned_topics")
    doc = next(nlp.pipe(["I am still waiting on my card?"]))
    assert (doc._.learned_topic, doc._.learned_topic_confidence) == (None, 0.0)


def test_an_explicit_model_path_that_does_not_exist_fails_at_load(townsquare_home):
    nlp = spacy.blank("en")
    with pytest.raises(FileNotFoundError):
        nlp.add_pipe("townsquare_learned_topics", config={"model_path": str(townsquare_home / "nope.model")})


def test_hard_inputs_never_raise(banking_model):
    texts = HARD_TEXTS + [None, 42]
    predictions = banking_model.predict(texts)
    assert len(predictions) == len(texts)
    assert predictions[0] == predictions[1] == (None, 0.0)  # no words, no evidence
    assert predictions[-2] == predictions[-1] == (None, 0.0)
    for label, confidence in predictions:
        assert label is None or label in banking_model.labels
        assert 0.0 <= confidence <= 1.0
