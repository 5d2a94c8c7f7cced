"""3-class sentiment evaluation on VADER's human-rated ground truth, with plain VADER beside the scorer.

The ground truth (../shared/data/vader_ground_truth) gives each text the mean of about 20 raters on a
-4..+4 scale. A mean below NEGATIVE_BELOW is "negative", above POSITIVE_ABOVE is "positive", anything in
between "neutral" (docs/nlp/sentiment.md explains the choice of ±0.5 from the raters' spread).

Each text is fixed in one of two halves by a hash of its dataset and id (split_of): "dev" is where errors
are read and the scorer's calibration is trained, "test" is held out. The headline figures
(report["scorers"]) are on the test half only; the dev half is reported beside them, labelled.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

LABELS = ("negative", "neutral", "positive")
NEGATIVE_BELOW = -0.5
POSITIVE_ABOVE = 0.5
# VADER's README: compound >= 0.05 positive, <= -0.05 negative, neutral between.
VADER_THRESHOLD = 0.05

DATASET_FILES = {
    "tweets": "tweets_GroundTruth.txt",
    "amazon_reviews": "amazonReviewSnippets_GroundTruth.txt",
}

Scorer = Callable[[str], tuple[float, str]]


@dataclass(frozen=True)
class RatedText:
    dataset: str
    id: str
    mean_rating: float
    text: str

    @property
    def label(self) -> str:
        return rating_to_label(self.mean_rating)


SPLITS = ("test", "dev")


def split_of(row: RatedText) -> str:
    """'dev' or 'test' for good: the first byte of sha256("<dataset>:<id>") even -> dev, odd -> test.
    About half of each file falls on each side, whatever order or subset of the files is read."""
    digest = hashlib.sha256(f"{row.dataset}:{row.id}".encode("utf-8")).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def rating_to_label(mean_rating: float) -> str:
    if mean_rating < NEGATIVE_BELOW:
        return "negative"
    if mean_rating > POSITIVE_ABOVE:
        return "positive"
    return "neutral"


def default_data_dir() -> Path:
    """../shared/data/vader_ground_truth beside the checkout, or under $TOWNSQUARE_SHARED_DATA."""
    repo = Path(__file__).resolve().parents[2]
    shared = Path(os.environ.get("TOWNSQUARE_SHARED_DATA", repo.parent / "shared" / "data"))
    return shared / "vader_ground_truth"


def load_ground_truth(data_dir: Path | None = None) -> list[RatedText]:
    """Every rated text of both files: tab-separated id, mean rating, text (CRLF line ends)."""
    folder = Path(data_dir) if data_dir else default_data_dir()
    rows: list[RatedText] = []
    for dataset, filename in DATASET_FILES.items():
        with open(folder / filename, encoding="utf-8", errors="replace", newline="") as handle:
            for line in handle:
                line = line.rstrip("\r\n")
                if not line:
                    continue
                # The text itself may contain tabs: split only the first two.
                item_id, rating, text = line.split("\t", 2)
                rows.append(RatedText(dataset, item_id, float(rating), text))
    return rows


def classification_scores(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, macro-F1 over the three labels, and per-label precision / recall / F1 / support."""
    per_label = {}
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "support": tp + fn}
    correct = sum(1 for g, p in zip(gold, predicted) if g == p)
    return {
        "n": len(gold),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(LABELS), 4),
        "per_label": per_label,
    }


def vader_baseline() -> Scorer:
    """Plain VADER: the compound score with VADER's documented ±0.05 thresholds."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()

    def score(text: str) -> tuple[float, str]:
        compound = analyzer.polarity_scores(text)["compound"]
        if compound >= VADER_THRESHOLD:
            return compound, "positive"
        if compound <= -VADER_THRESHOLD:
            return compound, "negative"
        return compound, "neutral"

    return score


def _score_rows(scorer: Scorer, rows: Iterable[RatedText]) -> tuple[dict, float]:
    rows = list(rows)
    started = time.perf_counter()
    predicted = [scorer(row.text)[1] for row in rows]
    seconds = time.perf_counter() - started
    report = {}
    for dataset in DATASET_FILES:
        pairs = [(row.label, p) for row, p in zip(rows, predicted) if row.dataset == dataset]
        report[dataset] = classification_scores([g for g, _ in pairs], [p for _, p in pairs])
    report["overall"] = classification_scores([row.label for row in rows], predicted)
    return report, seconds


def _class_counts(rows: list[RatedText]) -> dict:
    counts = Counter(row.label for row in rows)
    return {"n": len(rows), "class_counts": {label: counts.get(label, 0) for label in LABELS}}


def _compare(scorers: dict[str, Scorer], rows: list[RatedText], name: str) -> dict:
    figures, seconds = {}, {}
    for scorer_name, fn in scorers.items():
        figures[scorer_name], seconds[scorer_name] = _score_rows(fn, rows)
    return {
        "scorers": figures,
        "seconds": {key: round(value, 3) for key, value in seconds.items()},
        "macro_f1_gain_over_vader": {
            key: round(figures[name][key]["macro_f1"] - figures["vader"][key]["macro_f1"], 4)
            for key in (*DATASET_FILES, "overall")
        },
    }


def evaluate_sentiment(scorer: Scorer | None = None, data_dir: Path | None = None,
                       name: str = "townsquare") -> dict:
    """A JSON-able report: the scorer and plain VADER on the same texts, per dataset and overall.
    report["scorers"] holds the held-out test half; report["dev"] the half the calibration was trained
    on and errors were read on (in-sample for the calibration, so not a measure of it)."""
    if scorer is None:
        from nlp.sentiment import sentiment_scorer
        scorer = sentiment_scorer
    rows = load_ground_truth(data_dir)
    halves = {split: [row for row in rows if split_of(row) == split] for split in SPLITS}
    datasets = {}
    for dataset in DATASET_FILES:
        of_dataset = [row for row in rows if row.dataset == dataset]
        datasets[dataset] = {"file": DATASET_FILES[dataset], **_class_counts(of_dataset),
                             **{split: _class_counts([r for r in halves[split] if r.dataset == dataset])
                                for split in SPLITS}}
    scorers = {name: scorer, "vader": vader_baseline()}
    test = _compare(scorers, halves["test"], name)
    dev = _compare(scorers, halves["dev"], name)
    return {
        "task": "3-class sentiment (negative / neutral / positive)",
        "ground_truth": {
            "source": "vader_ground_truth (Hutto & Gilbert 2014), mean of ~20 human ratings on -4..+4",
            "negative_if_mean_below": NEGATIVE_BELOW,
            "positive_if_mean_above": POSITIVE_ABOVE,
            "split": "sha256('<dataset>:<id>') first byte even -> dev, odd -> test; figures below are "
                     "on the test half, which neither the calibration nor the error reading saw",
            "datasets": datasets,
        },
        "baseline": {"name": "vader", "rule": f"compound >= {VADER_THRESHOLD} positive, "
                                               f"<= -{VADER_THRESHOLD} negative, else neutral"},
        "split": "test",
        **test,
        "dev": {"note": "the half the calibration was trained on: in-sample, not a held-out measure", **dev},
    }


def main() -> None:
    import json

    print(json.dumps(evaluate_sentiment(), indent=2))


if __name__ == "__main__":
    main()
