"""evaluate_sentiment on the real VADER ground truth: the fixed dev / test split, report structure, class
counts, plain VADER on the same held-out texts, and the shipped calibration reproducible from dev only."""
from __future__ import annotations

import json

import pytest

from nlp.evaluation.sentiment import (
    NEGATIVE_BELOW, POSITIVE_ABOVE, evaluate_sentiment, load_ground_truth, split_of,
)
from nlp.sentiment import sentiment_scorer


@pytest.fixture(scope="module")
def ground_truth(shared_dataset):
    return shared_dataset("vader_ground_truth")


@pytest.fixture(scope="module")
def report(ground_truth):
    return evaluate_sentiment(sentiment_scorer, data_dir=ground_truth)


def count_classes(path) -> dict[str, int]:
    """Read a ground-truth file the plain way and count the classes the documented thresholds give."""
    counts = {"negative": 0, "neutral": 0, "positive": 0}
    for line in path.read_bytes().decode("utf-8", "replace").split("\n"):
        if not line.strip():
            continue
        mean = float(line.split("\t")[1])
        key = "negative" if mean < NEGATIVE_BELOW else "positive" if mean > POSITIVE_ABOVE else "neutral"
        counts[key] += 1
    return counts


def test_report_is_json_and_has_both_scorers_on_both_halves(report):
    assert json.loads(json.dumps(report)) == report
    assert report["split"] == "test"
    for block in (report, report["dev"]):
        assert set(block["scorers"]) == {"townsquare", "vader"}
        for scores in block["scorers"].values():
            assert set(scores) == {"tweets", "amazon_reviews", "overall"}
            for figures in scores.values():
                assert 0.0 <= figures["accuracy"] <= 1.0
                assert 0.0 <= figures["macro_f1"] <= 1.0
                assert set(figures["per_label"]) == {"negative", "neutral", "positive"}


def test_class_counts_match_an_independent_count(report, ground_truth):
    datasets = report["ground_truth"]["datasets"]
    assert datasets["tweets"]["class_counts"] == count_classes(ground_truth / "tweets_GroundTruth.txt")
    assert datasets["amazon_reviews"]["class_counts"] == count_classes(
        ground_truth / "amazonReviewSnippets_GroundTruth.txt")
    assert datasets["tweets"]["n"] == 4200
    assert datasets["amazon_reviews"]["n"] == 3708
    for dataset in datasets.values():
        assert dataset["dev"]["n"] + dataset["test"]["n"] == dataset["n"]
        for label, count in dataset["class_counts"].items():
            assert dataset["dev"]["class_counts"][label] + dataset["test"]["class_counts"][label] == count


def test_the_split_is_fixed_disjoint_and_about_half(ground_truth, report):
    rows = load_ground_truth(ground_truth)
    first = [split_of(row) for row in rows]
    assert first == [split_of(row) for row in reversed(rows)][::-1]  # depends on the row, not the order
    for dataset in ("tweets", "amazon_reviews"):
        sides = [s for row, s in zip(rows, first) if row.dataset == dataset]
        assert 0.45 < sides.count("test") / len(sides) < 0.55
    test_n = first.count("test")
    # VADER and Townsquare are scored on exactly the held-out texts
    assert report["scorers"]["vader"]["overall"]["n"] == report["scorers"]["townsquare"]["overall"]["n"] == test_n
    assert report["dev"]["scorers"]["vader"]["overall"]["n"] == len(rows) - test_n


def test_a_scorer_that_always_says_neutral_scores_its_share(ground_truth):
    constant = evaluate_sentiment(lambda text: (0.0, "neutral"), data_dir=ground_truth, name="constant")
    tweets = constant["ground_truth"]["datasets"]["tweets"]["test"]
    share = tweets["class_counts"]["neutral"] / tweets["n"]
    assert constant["scorers"]["constant"]["tweets"]["accuracy"] == pytest.approx(share, abs=1e-4)
    assert constant["scorers"]["constant"]["tweets"]["per_label"]["positive"]["f1"] == 0.0


def test_townsquare_beats_vader_on_held_out_texts(report):
    gain = report["macro_f1_gain_over_vader"]
    ours, vader = report["scorers"]["townsquare"], report["scorers"]["vader"]
    assert gain["tweets"] == pytest.approx(ours["tweets"]["macro_f1"] - vader["tweets"]["macro_f1"], abs=1e-4)
    # held-out half only: 3 points is well inside what docs/nlp/sentiment.md reports, yet a real bar
    assert gain["tweets"] >= 0.03
    assert gain["amazon_reviews"] >= 0.03
    assert gain["overall"] >= 0.03


def test_the_shipped_calibration_is_what_training_on_dev_gives(ground_truth):
    """No hand-set numbers: retraining from the dev half reproduces calibration.json."""
    pytest.importorskip("sklearn")
    from nlp.sentiment.calibration import CALIBRATION_FILE
    from nlp.sentiment.train_calibration import dev_rows, train

    rows = dev_rows(ground_truth)
    assert all(split_of(row) == "dev" for row in rows)
    shipped = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    trained = train(rows)
    assert trained["training"] == shipped["training"]
    for label in ("negative", "neutral", "positive"):
        assert trained["coefficients"][label] == pytest.approx(shipped["coefficients"][label], abs=1e-4)
        assert trained["intercepts"][label] == pytest.approx(shipped["intercepts"][label], abs=1e-4)
