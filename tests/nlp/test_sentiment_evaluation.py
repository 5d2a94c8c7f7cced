"""evaluate_sentiment on the real VADER ground truth: report structure, class counts, baseline beside."""
from __future__ import annotations

import json

import pytest

from nlp.evaluation.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE, evaluate_sentiment
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


def test_report_is_json_and_has_both_scorers(report):
    assert json.loads(json.dumps(report)) == report
    assert set(report["scorers"]) == {"townsquare", "vader"}
    for scores in report["scorers"].values():
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
    assert report["scorers"]["vader"]["overall"]["n"] == 4200 + 3708


def test_a_scorer_that_always_says_neutral_scores_its_share(ground_truth):
    constant = evaluate_sentiment(lambda text: (0.0, "neutral"), data_dir=ground_truth, name="constant")
    tweets = constant["ground_truth"]["datasets"]["tweets"]
    share = tweets["class_counts"]["neutral"] / tweets["n"]
    assert constant["scorers"]["constant"]["tweets"]["accuracy"] == pytest.approx(share, abs=1e-4)
    assert constant["scorers"]["constant"]["tweets"]["per_label"]["positive"]["f1"] == 0.0


def test_townsquare_is_not_below_vader_on_tweets(report):
    ours = report["scorers"]["townsquare"]["tweets"]["macro_f1"]
    assert ours >= report["scorers"]["vader"]["tweets"]["macro_f1"]
    assert report["macro_f1_gain_over_vader"]["tweets"] == pytest.approx(
        ours - report["scorers"]["vader"]["tweets"]["macro_f1"], abs=1e-4)
