"""From the rules' evidence to the three labels: a small multinomial logistic regression over a handful
of interpretable features, trained on the dev half of the human-rated ground truth
(`python -m nlp.sentiment.train_calibration`, docs/nlp/sentiment.md) and shipped as calibration.json.

No vocabulary is learned here: the words and their valences stay in vocabulary.py and the lexicon.
The calibration only learns how much evidence makes a post positive or negative rather than neutral,
and how a shared link, a question, exclamation marks, emoji, first-person writing and headline-style
capitals shift that (the last two are classic cues of subjective versus informational text).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELS = ("negative", "neutral", "positive")
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


@dataclass(frozen=True)
class Evidence:
    """What the rules found in one text, summed over its scored words, phrases and emoji."""
    rule_score: float       # summed valence squashed into [-1, 1] (VADER's normalisation)
    positive: float         # sum of the positive valences
    negative: float         # sum of the negative valences, as a positive number
    positive_items: int
    negative_items: int
    exclamations: int       # "!" marks, at most 4
    question: bool
    link: bool              # the post shares a URL
    emoji: int              # emoji and emoticons
    first_person: int       # I, me, my, we ...: the writer speaks of their own experience
    headline_case: float    # share of Capitalised Words after the first: a headline or title, not a feeling


# Name and meaning of each feature, in the order of the coefficients in calibration.json.
FEATURES = (
    ("positive_strength", "square root of the summed positive valence"),
    ("negative_strength", "square root of the summed negative valence"),
    ("rule_score", "the rules' own score in [-1, 1]"),
    ("positive_items", "how many words, phrases or emoji are positive (log 1 + n)"),
    ("negative_items", "how many are negative (log 1 + n)"),
    ("exclamations", "number of '!' (at most 4)"),
    ("question", "1 if the text asks a question"),
    ("link", "1 if the text shares a link"),
    ("emoji", "number of emoji and emoticons (log 1 + n)"),
    ("first_person", "first-person pronouns, I / me / my / we ... (log 1 + n)"),
    ("headline_case", "share of the longer words after the first that are Capitalised"),
)


def feature_vector(e: Evidence) -> list[float]:
    # Counts go through log(1 + n) so a 10,000-character paste cannot push the model far outside
    # the range it was trained on.
    return [
        math.sqrt(e.positive), math.sqrt(e.negative), e.rule_score,
        math.log1p(e.positive_items), math.log1p(e.negative_items), float(e.exclamations),
        float(e.question), float(e.link), math.log1p(e.emoji), math.log1p(e.first_person), e.headline_case,
    ]


@dataclass(frozen=True)
class Calibration:
    mean: list[float]
    scale: list[float]
    coefficients: dict[str, list[float]]   # per label, one weight per standardised feature
    intercepts: dict[str, float]

    def probabilities(self, evidence: Evidence) -> dict[str, float]:
        x = [(v - m) / s for v, m, s in zip(feature_vector(evidence), self.mean, self.scale)]
        logits = {name: self.intercepts[name] + sum(w * v for w, v in zip(self.coefficients[name], x))
                  for name in LABELS}
        top = max(logits.values())
        exp = {name: math.exp(value - top) for name, value in logits.items()}
        total = sum(exp.values())
        return {name: value / total for name, value in exp.items()}

    def leanings(self, evidence: Evidence) -> list[str]:
        """Reasons for the cues that the calibration reads as leaning one way."""
        reasons = []
        for flag, feature, text in ((evidence.link, "link", "a shared link"),
                                    (evidence.question, "question", "a question")):
            if not flag:
                continue
            i = [name for name, _ in FEATURES].index(feature)
            leaning = max(LABELS, key=lambda name: self.coefficients[name][i])
            reasons.append(f"{text} leans {leaning} (calibration)")
        return reasons


def from_json(data: dict) -> Calibration:
    names = [name for name, _ in FEATURES]
    if data.get("features") != names:
        raise ValueError("calibration.json was trained on other features; retrain it")
    return Calibration(mean=[float(v) for v in data["mean"]], scale=[float(v) for v in data["scale"]],
                       coefficients={k: [float(v) for v in data["coefficients"][k]] for k in LABELS},
                       intercepts={k: float(data["intercepts"][k]) for k in LABELS})


def calibration() -> Calibration | None:
    """The shipped calibration, or None when the file is missing or unreadable (the scorer then falls
    back to the fixed threshold and says so in the reasons)."""
    return _load(CALIBRATION_FILE)


@lru_cache(maxsize=4)
def _load(path: Path) -> Calibration | None:
    try:
        return from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
