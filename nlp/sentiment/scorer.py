"""score_sentiment(text) -> Sentiment(score in [-1, 1], label, reasons) for social, community and
support text."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from nlp.sentiment import rules
from nlp.sentiment.text import repair, strip_noise, tokenize

# |score| below NEUTRAL_BELOW is "neutral". See docs/nlp/sentiment.md for how it was chosen.
NEUTRAL_BELOW = 0.25
# Squashes the summed valence into [-1, 1] like VADER's compound: x / sqrt(x^2 + ALPHA).
ALPHA = 15.0
EXCLAMATION_STEP = 0.292     # each "!" (up to 4) adds emphasis in the direction of the text
MAX_EXCLAMATIONS = 4
MAX_REASONS = 8


@dataclass(frozen=True)
class Sentiment:
    score: float
    label: str
    reasons: list[str] = field(default_factory=list)


def label_for(score: float) -> str:
    if score >= NEUTRAL_BELOW:
        return "positive"
    if score <= -NEUTRAL_BELOW:
        return "negative"
    return "neutral"


def score_sentiment(text: object) -> Sentiment:
    """Never raises: any input that cannot be scored is neutral with a reason saying why."""
    try:
        return _score(text)
    except Exception as error:  # a batch must survive one odd item
        return Sentiment(0.0, "neutral", [f"not scored: {type(error).__name__}"])


def sentiment_scorer(text: str) -> tuple[float, str]:
    """The (score, label) form the evaluation takes."""
    result = score_sentiment(text)
    return result.score, result.label


def _score(text: object) -> Sentiment:
    clean, notes = repair(text)
    clean, noise_notes = strip_noise(clean)
    notes += noise_notes
    tokens = tokenize(clean)
    if not tokens:
        return Sentiment(0.0, "neutral", notes + ["no words or emoji to score"])
    words = [t for t in tokens if t.is_word]
    # A text all in capitals is shouting throughout: no single word stands out (VADER's choice too).
    shouting = len(words) >= 3 and all(t.text.isupper() for t in words if len(t.text) > 1)
    scored = rules.Scored(tokens)
    rules.apply_phrases(scored)
    rules.apply_words(scored, shouting)
    rules.apply_modifiers(scored)
    rules.apply_contrast(scored)
    rules.apply_sarcasm(scored)
    rules.apply_questions(scored)
    total = sum(scored.valence)
    if not total:
        return Sentiment(0.0, "neutral", notes + scored.notes + ["no sentiment-bearing words"])
    bangs = min(MAX_EXCLAMATIONS, sum(len(t.text) for t in tokens if t.kind == "bang"))
    if bangs:
        total += math.copysign(EXCLAMATION_STEP * bangs, total)
        scored.notes.append(f"{bangs}x '!' adds emphasis")
    if shouting:
        scored.notes.append("all capitals: emphasis on the whole text")
        total *= 1.2
    score = round(max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA))), 4)
    drivers = sorted((i for i, v in enumerate(scored.valence) if v), key=lambda i: -abs(scored.valence[i]))
    reasons = [f"{scored.label[i]} {scored.valence[i]:+.2f}" for i in drivers[:MAX_REASONS]]
    return Sentiment(score, label_for(score), reasons + scored.notes + notes)
