"""score_sentiment(text) -> Sentiment(score in [-1, 1], label, reasons) for social, community and
support text."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from nlp.sentiment import rules
from nlp.sentiment.calibration import LABELS, Evidence, calibration
from nlp.sentiment.text import repair, strip_noise, tokenize

# Scores at or beyond ±NEUTRAL_BELOW are positive / negative, neutral in between (docs/nlp/sentiment.md).
NEUTRAL_BELOW = 0.25
# Squashes the summed valence into [-1, 1] like VADER's compound: x / sqrt(x^2 + ALPHA).
ALPHA = 15.0
EXCLAMATION_STEP = 0.292     # each "!" (up to 4) adds emphasis in the direction of the text
MAX_EXCLAMATIONS = 4
MAX_REASONS = 8
FIRST_PERSON = frozenset("i me my mine myself im i'm i've i'd i'll ive we us our ours we're we've".split())


@dataclass(frozen=True)
class Sentiment:
    score: float
    label: str
    reasons: list[str] = field(default_factory=list)


def label_for(score: float) -> str:
    """The label of a rule score by the fixed threshold (used when no calibration is available)."""
    if score >= NEUTRAL_BELOW:
        return "positive"
    if score <= -NEUTRAL_BELOW:
        return "negative"
    return "neutral"


def banded(rule_score: float, label: str) -> float:
    """The calibrated label picks the band (positive >= NEUTRAL_BELOW, negative <= -NEUTRAL_BELOW, neutral
    in between); the rules' score places the text within it, so the score keeps its intensity scale
    and always agrees with the label."""
    if label == "positive":
        return max(NEUTRAL_BELOW, rule_score)
    if label == "negative":
        return min(-NEUTRAL_BELOW, rule_score)
    edge = NEUTRAL_BELOW - 1e-4
    return max(-edge, min(edge, rule_score))


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


def gather_evidence(text: object) -> tuple[Evidence, list[str]]:
    """Run the rules: the evidence they found and the reasons, strongest words first."""
    clean, notes = repair(text)
    clean, noise_notes = strip_noise(clean)
    notes += noise_notes
    link = "URLs ignored" in noise_notes
    tokens = tokenize(clean)
    if not tokens:
        return Evidence(0.0, 0.0, 0.0, 0, 0, 0, False, link, 0, 0, 0.0), notes + ["no words or emoji to score"]
    words = [t for t in tokens if t.is_word]
    # A text all in capitals is shouting throughout: no single word stands out (VADER's choice too).
    shouting = len(words) >= 3 and all(t.text.isupper() for t in words if len(t.text) > 1)
    scored = rules.Scored(tokens)
    rules.apply_phrases(scored)
    rules.apply_words(scored, shouting)
    rules.find_rhetorical_questions(scored)
    rules.apply_failures(scored)
    rules.apply_modifiers(scored)
    rules.apply_contrast(scored)
    rules.apply_sarcasm(scored)
    rules.apply_questions(scored)
    total = sum(scored.valence)
    # The counts over all tokens, in one pass.
    bang_marks = emoji = 0
    question = False
    for t in tokens:
        kind = t.kind
        if kind == "word":
            continue
        if kind == "bang":
            bang_marks += len(t.text)
        elif kind == "question":
            question = True
        elif kind == "symbol" or kind == "emoticon":
            emoji += 1
    bangs = min(MAX_EXCLAMATIONS, bang_marks)
    if bangs and total:
        total += math.copysign(EXCLAMATION_STEP * bangs, total)
        scored.notes.append(f"{bangs}x '!' adds emphasis")
    if shouting and total:
        scored.notes.append("all capitals: emphasis on the whole text")
        total *= 1.2
    evidence = Evidence(
        rule_score=max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA))),
        positive=sum(v for v in scored.valence if v > 0),
        negative=-sum(v for v in scored.valence if v < 0),
        positive_items=sum(1 for v in scored.valence if v > 0),
        negative_items=sum(1 for v in scored.valence if v < 0),
        exclamations=bangs,
        question=question,
        link=link,
        emoji=emoji,
        first_person=sum(1 for t in words if t.lower in FIRST_PERSON),
        headline_case=_headline_case(words),
    )
    if not evidence.positive_items + evidence.negative_items:
        return evidence, notes + scored.notes + ["no sentiment-bearing words"]
    drivers = sorted((i for i, v in enumerate(scored.valence) if v), key=lambda i: -abs(scored.valence[i]))
    reasons = [f"{scored.label[i]} {scored.valence[i]:+.2f}" for i in drivers[:MAX_REASONS]]
    return evidence, reasons + scored.notes + notes


def _headline_case(words: list) -> float:
    """Share of the words of four letters or more, after the first, written Capitalised (not in
    capitals): "Grand Opening Held At New Campus" is a headline."""
    longer = [t.text for t in words[1:] if len(t.text) > 3]
    if not longer:
        return 0.0
    return sum(1 for w in longer if w[0].isupper() and not w.isupper()) / len(longer)


def _score(text: object) -> Sentiment:
    evidence, reasons = gather_evidence(text)
    if not evidence.positive_items + evidence.negative_items:
        return Sentiment(0.0, "neutral", reasons)  # nothing to weigh: neutral, and the reason says so
    model = calibration()
    if model is None:
        score = round(evidence.rule_score, 4)
        return Sentiment(score, label_for(score), reasons + ["calibration unavailable: fixed thresholds used"])
    probability = model.probabilities(evidence)
    label = max(LABELS, key=lambda name: probability[name])
    score = round(banded(evidence.rule_score, label), 4)
    summary = ", ".join(f"{name} {probability[name]:.2f}" for name in reversed(LABELS))
    return Sentiment(score, label, reasons + [f"calibrated: {summary}"] + model.leanings(evidence))
