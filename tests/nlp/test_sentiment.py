"""Behaviour of the Townsquare sentiment scorer and its spaCy component."""
from __future__ import annotations

import pytest
import spacy

from nlp.sentiment import NEUTRAL_BELOW, score_sentiment
from nlp.sentiment.text import MAX_CHARS


def label(text: str) -> str:
    return score_sentiment(text).label


def score(text: str) -> float:
    return score_sentiment(text).score


def test_negation_flips_polarity():
    assert label("The new release is good") == "positive"
    assert label("The new release is not good") == "negative"
    assert label("The new release isn't great") == "negative"
    assert score("not bad at all") > 0 > score("bad")


def test_negation_stops_at_clause_boundary():
    assert label("Not sure why, but the update is great") == "positive"


def test_contrast_the_clause_after_but_wins():
    assert label("The docs are good but the app is awful") == "negative"
    assert label("The app is awful but support was amazing") == "positive"


def test_support_vocabulary():
    assert label("The app crashes every time I open it") == "negative"
    assert label("Export doesn't work since the update") == "negative"
    assert label("I want a refund, it is still broken") == "negative"
    assert label("Thanks, that fixed it") == "positive"
    assert label("Please help me reset my password") == "neutral"


def test_slang():
    assert label("smh this update") == "negative"
    assert label("new dashboard ftw") == "positive"


def test_emoji_and_emoticons():
    assert label("😡😡") == "negative"
    assert label("🎉🎉") == "positive"
    assert label("release day :)") == "positive"
    assert label("release day :(") == "negative"
    assert score("ok 😍") > score("ok")


def test_intensity_ordering():
    assert score("good") < score("very good") < score("very good!!!")
    assert score("kind of good") < score("good")
    assert score("good") < score("GOOD")
    assert score("bad") > score("very bad")
    assert score("good") < score("gooood")


def test_sarcasm_cues():
    assert label("Great... another outage") == "negative"
    assert label("yeah right") == "negative"
    assert label("I love how it crashes every time") == "negative"
    assert label("Best update ever /s") == "negative"
    assert label("I love how clean the new design is") == "positive"


def test_urls_and_mentions_are_not_read_as_words():
    assert score("@great_support http://awesome.example.com/love") == 0.0
    assert score("@bob the sync is broken") == score("the sync is broken")
    # the words inside a link are not read; that a link is shared is a cue of its own (next test)
    assert score("the sync is broken https://x.co/love-great") == score("the sync is broken https://x.co/abc")


def test_a_shared_link_leans_towards_information():
    # mild praise over a link reads as sharing a headline; on its own it is an opinion
    plain = score_sentiment("Interesting read about caching")
    shared = score_sentiment("Interesting read about caching https://x.co/a")
    assert (plain.label, shared.label) == ("positive", "neutral")
    assert shared.score < plain.score
    assert any("shared link leans neutral" in reason for reason in shared.reasons)


def test_hashtags_are_segmented():
    assert label("new release #NotGood") == "negative"
    assert label("#epicfail") in ("negative", "neutral")
    assert label("#fail") == "negative"


def test_reasons_name_the_words_that_drove_the_score():
    result = score_sentiment("The app is not good")
    assert any("good" in reason and "not" in reason for reason in result.reasons)
    assert score_sentiment("Great... another outage").reasons


@pytest.mark.parametrize("text", [
    "", "   ", None, 42, b"bytes \xff good", "😀", "🙂🙃👍🏽👨‍👩‍👧", "http://a.example.com https://b.example.org/x",
    "\ud800 lone surrogate \udfff", "\ud83d\ude00 pair", "Привет мир, 你好世界, مرحبا", "!!!???...", "#", "@",
    "x" * 1_000_000, ("good " * 300_000),
])
def test_bad_input_never_raises(text):
    result = score_sentiment(text)
    assert -1.0 <= result.score <= 1.0
    assert result.label in ("negative", "neutral", "positive")
    assert isinstance(result.reasons, list)


def test_text_without_sentiment_is_neutral_with_a_reason():
    for text in ("", "http://a.example.com", "Привет мир", "\ud800"):
        result = score_sentiment(text)
        assert (result.score, result.label) == (0.0, "neutral")
        assert result.reasons


def test_long_text_is_truncated_and_says_so():
    result = score_sentiment("broken " * (MAX_CHARS // 3))
    assert any("truncated" in reason for reason in result.reasons)
    assert result.label == "negative"


@pytest.mark.parametrize("text", [
    "good", "not good", "meh", "kind of ok", "fine", "thanks", "crashes", "why?", "hmm", "love it",
    "sort of annoying", "it works", "terrible!!!", "😐", "lol -_-", "Great new release https://x.co/a",
])
def test_labels_follow_the_documented_threshold(text):
    result = score_sentiment(text)
    if result.label == "positive":
        assert result.score >= NEUTRAL_BELOW
    elif result.label == "negative":
        assert result.score <= -NEUTRAL_BELOW
    else:
        assert abs(result.score) < NEUTRAL_BELOW
    assert any(reason.startswith("calibrated:") for reason in result.reasons) or result.score == 0.0


def test_failure_reports_are_complaints():
    for text in ("It won't install on Windows 11", "The update did not help", "It does not support folders",
                 "My order never arrived", "The speaker is not loud enough", "Sync doesn't seem to work"):
        assert label(text) == "negative", text
    # the negation belongs to the nearer sentiment word, not to the verb after it
    assert not any("fails" in r for r in score_sentiment("It's not wrong to respond to them").reasons)


def test_rhetorical_questions_are_not_denials():
    assert label("Wouldn't that be great?") == "positive"
    assert label("Isn't it beautiful?") == "positive"
    assert label("It wouldn't be great") == "negative"


def test_too_much_of_anything_is_a_complaint():
    assert label("The screen is too small") == "negative"
    assert label("The keys are overly sensitive") == "negative"
    assert label("This puppy is too cute") == "positive"  # before a sentiment word "too" only intensifies
    assert label("me too") == "neutral"


def test_contractions_are_not_read_as_other_words():
    assert label("He'll be here at noon") == "neutral"   # not "hell"
    assert label("I'll call you tomorrow") == "neutral"  # not "ill"


def test_hyphenated_words_and_laughter():
    assert label("The app is user-friendly") == "positive"
    assert label("Support is non-existent") == "negative"
    assert label("ahahaha") == "positive"
    assert label("lmaooo") == "positive"


def test_litotes_and_counterfactuals():
    assert label("The new version does not disappoint") == "positive"
    assert label("Canon never fails to amaze") == "positive"
    assert label("It could have been better") == "negative"
    assert score("less buggy") > 0 > score("buggy")


def test_another_is_ironic_only_without_praise_after_it():
    assert label("Great, another Monday") == "negative"
    assert label("Yay! Another good phone interview!") == "positive"


def test_without_the_calibration_file_the_fixed_threshold_is_used(monkeypatch, tmp_path):
    import nlp.sentiment.calibration as calibration

    monkeypatch.setattr(calibration, "CALIBRATION_FILE", tmp_path / "missing.json")
    for text in ("good", "not good", "fine", "kind of ok", "terrible!!!"):
        result = score_sentiment(text)
        assert "calibration unavailable: fixed thresholds used" in result.reasons
        if result.label == "positive":
            assert result.score >= NEUTRAL_BELOW
        elif result.label == "negative":
            assert result.score <= -NEUTRAL_BELOW
        else:
            assert abs(result.score) < NEUTRAL_BELOW


def test_the_shipped_calibration_is_readable_and_sane():
    from nlp.sentiment.calibration import FEATURES, calibration

    model = calibration()
    assert model is not None
    assert len(model.mean) == len(model.scale) == len(FEATURES)
    names = [name for name, _ in FEATURES]
    # more positive evidence favours "positive" over "negative", more negative evidence the reverse
    pos, neg = names.index("positive_strength"), names.index("negative_strength")
    assert model.coefficients["positive"][pos] > model.coefficients["negative"][pos]
    assert model.coefficients["negative"][neg] > model.coefficients["positive"][neg]


def test_spacy_component_sets_the_extensions():
    import nlp.sentiment.component  # noqa: F401  registers the factory

    pipeline = spacy.blank("en")
    pipeline.add_pipe("townsquare_sentiment")
    texts = ["The app is not good", "Thanks, that fixed it 🎉", "", "http://a.example.com"]
    docs = list(pipeline.pipe(texts))
    assert [d._.sentiment_label for d in docs] == ["negative", "positive", "neutral", "neutral"]
    for doc, text in zip(docs, texts):
        assert doc._.sentiment == score_sentiment(text).score
        assert doc._.sentiment_reasons == score_sentiment(text).reasons


def test_spacy_component_can_be_added_twice():
    import nlp.sentiment.component  # noqa: F401

    for _ in range(2):
        pipeline = spacy.blank("en")
        pipeline.add_pipe("townsquare_sentiment")
        assert pipeline("broken again")._.sentiment < 0
