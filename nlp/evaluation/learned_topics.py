"""Learned-topics evaluation: train on one labelled CSV, score accuracy and macro-F1 on another.

The headline figures use the best label for every test text (no threshold); the report adds, for the
model's confidence threshold, how many texts keep a topic (coverage) and how often those are right.
Default data: ../shared/data/banking77 (77 banking intents, header text,category).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from nlp.topics_learned.train import TrainingReport, read_examples, train_topic_classifier


def default_data_dir() -> Path:
    """../shared/data/banking77 beside the checkout, or under $TOWNSQUARE_SHARED_DATA."""
    repo = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("TOWNSQUARE_SHARED_DATA", repo.parent / "shared" / "data"))
    return shared / "banking77"


def evaluate_learned_topics(
    train_csv: str | Path | None = None,
    test_csv: str | Path | None = None,
    text_column: str = "text",
    label_column: str = "category",
) -> dict:
    """A JSON-able report: sizes, classes, training seconds, accuracy, macro-F1, and thresholded coverage."""
    train_csv = Path(train_csv) if train_csv else default_data_dir() / "train.csv"
    test_csv = Path(test_csv) if test_csv else default_data_dir() / "test.csv"

    started, started_cpu = time.perf_counter(), time.process_time()
    model = train_topic_classifier(train_csv, text_column, label_column)
    # CPU seconds beside wall seconds: the wall clock also counts whatever else the machine is doing.
    training_seconds, training_cpu_seconds = time.perf_counter() - started, time.process_time() - started_cpu
    training = model.metadata["training"]

    test_report = TrainingReport()
    texts, gold = read_examples(test_csv, text_column, label_column, test_report)
    started = time.perf_counter()
    predictions = model.predict(texts, threshold=0.0)
    predict_seconds = time.perf_counter() - started
    best = [label if label is not None else "" for label, _ in predictions]

    kept = [(g, label) for g, (label, conf) in zip(gold, predictions) if conf >= model.threshold]
    return {
        "task": "learned topics (text classifier trained from a CSV of text,label)",
        "train_csv": str(train_csv),
        "test_csv": str(test_csv),
        "model": "TF-IDF word 1-2 grams + char_wb 2-5 grams, LinearSVC, "
                 "temperature-calibrated on 3-fold out-of-fold scores",
        "train_size": training["rows_used"],
        "train_rows_skipped": training["rows_read"] - training["rows_used"],
        "test_size": len(texts),
        "test_rows_skipped": test_report.rows_read - len(texts),
        "classes": training["labels"],
        "rare_labels_left_out": training["rare_labels"],
        "training_seconds": round(training_seconds, 3),
        "training_cpu_seconds": round(training_cpu_seconds, 3),
        "predict_seconds": round(predict_seconds, 3),
        "accuracy": round(float(accuracy_score(gold, best)), 4),
        "macro_f1": round(float(f1_score(gold, best, average="macro", zero_division=0)), 4),
        "threshold": model.threshold,
        "coverage_at_threshold": round(len(kept) / len(texts), 4) if texts else 0.0,
        "accuracy_at_threshold": round(sum(g == p for g, p in kept) / len(kept), 4) if kept else 0.0,
    }


def main() -> None:
    import json

    print(json.dumps(evaluate_learned_topics(), indent=2))


if __name__ == "__main__":
    main()
