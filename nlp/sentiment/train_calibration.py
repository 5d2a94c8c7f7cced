"""Train nlp/sentiment/calibration.json on the dev half of the human-rated ground truth.

    .venv/bin/python -m nlp.sentiment.train_calibration [--data DIR] [--out PATH]

Only the dev half (nlp.evaluation.sentiment.split_of) is read, so the test half stays held out. The model
is a multinomial logistic regression over the few features in calibration.FEATURES, with balanced class
weights (every class counts the same whatever its share in these files: the posts the product scores
have their own mix, and macro-F1 weighs the classes equally). The regularisation strength is chosen by
5-fold cross-validation on the dev half. Deterministic: the same data gives the same file.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlp.sentiment.calibration import CALIBRATION_FILE, FEATURES, LABELS, feature_vector
from nlp.sentiment.scorer import gather_evidence

C_GRID = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 1.0, 10.0)


def dev_rows(data_dir: Path | None = None) -> list:
    from nlp.evaluation.sentiment import load_ground_truth, split_of

    return [row for row in load_ground_truth(data_dir) if split_of(row) == "dev"]


def training_matrix(rows: list) -> tuple[list[list[float]], list[int]]:
    """Features for every dev text. A text without sentiment-bearing words is always neutral in the
    scorer; it stays in training (zero evidence) so the model learns what little evidence means."""
    X, y = [], []
    for row in rows:
        evidence, _ = gather_evidence(row.text)
        X.append(feature_vector(evidence))
        y.append(LABELS.index(row.label))
    return X, y


def train(rows: list) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    X, y = training_matrix(rows)
    X, y = np.array(X, dtype=float), np.array(y)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Xs = (X - mean) / scale

    def fit(C: float, index):
        return LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(Xs[index], y[index])

    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(Xs, y))
    cv = {}
    for C in C_GRID:
        predicted = np.empty_like(y)
        for train_index, test_index in folds:
            predicted[test_index] = fit(C, train_index).predict(Xs[test_index])
        cv[C] = round(float(f1_score(y, predicted, average="macro")), 4)
    best = max(C_GRID, key=lambda C: (cv[C], -C))  # ties go to the stronger regularisation
    model = fit(best, np.arange(len(y)))
    order = [list(model.classes_).index(i) for i in range(len(LABELS))]
    counts = {label: int((y == i).sum()) for i, label in enumerate(LABELS)}
    return {
        "features": [name for name, _ in FEATURES],
        "feature_meanings": {name: meaning for name, meaning in FEATURES},
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coefficients": {LABELS[i]: [round(float(v), 6) for v in model.coef_[k]] for i, k in enumerate(order)},
        "intercepts": {LABELS[i]: round(float(model.intercept_[k]), 6) for i, k in enumerate(order)},
        "training": {
            "command": ".venv/bin/python -m nlp.sentiment.train_calibration",
            "data": "vader_ground_truth, dev half only (nlp.evaluation.sentiment.split_of)",
            "texts": len(y),
            "class_counts": counts,
            "class_weight": "balanced",
            "C": best,
            "cv_macro_f1_by_C": {str(C): f1 for C, f1 in cv.items()},
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="vader_ground_truth folder")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    args = parser.parse_args(argv)
    trained = train(dev_rows(args.data))
    args.out.write_text(json.dumps(trained, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: C={trained['training']['C']}, 5-fold macro-F1 on dev "
          f"{trained['training']['cv_macro_f1_by_C']}")


if __name__ == "__main__":
    main()
