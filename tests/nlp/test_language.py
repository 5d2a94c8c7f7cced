"""Language identification: checked against the language X itself reports for each tweet, and on the
inputs that must never break it."""
from __future__ import annotations

import json

from nlp.language import DEFAULT_LANGUAGES, UNDETERMINED, identify_language


def _tweets(folder):
    """(text, X's lang) of every tweet in the flattened sample."""
    return [(t["text"], t.get("lang")) for t in map(json.loads, (folder / "flat.jsonl").read_text().splitlines())]


def test_agrees_with_x_on_tweets_long_enough_to_tell(shared_dataset):
    tweets = [(text, lang) for text, lang in _tweets(shared_dataset("twitter_v2_threads_twarc"))
              if lang in DEFAULT_LANGUAGES]
    decided = [(identify_language(text), lang) for text, lang in tweets]
    decided = [(found.code, lang) for found, lang in decided if found.code != UNDETERMINED]
    assert len(decided) >= 0.6 * len(tweets)  # most tweets are long enough to tell
    agreement = sum(code == lang for code, lang in decided) / len(decided)
    assert agreement >= 0.85, agreement


def test_other_languages_are_not_taken_for_english():
    samples = {"de": "Seit dem letzten Update stürzt die App bei jedem Start ab, bitte helft mir",
               "es": "El producto no funciona desde ayer y nadie contesta en soporte",
               "fr": "Merci beaucoup pour votre aide, tout fonctionne maintenant",
               "en": "Thanks so much for the quick fix, everything works again"}
    assert {lang: identify_language(text).code for lang, text in samples.items()} == {l: l for l in samples}


def test_hard_inputs_are_undetermined_with_a_reason_not_errors():
    for text in ["", "😀😀😀🔥", "https://t.co/abc https://x.com/a/status/1", "lol ok", "12345 !!! ???",
                 "\ud83d broken surrogate", "x" * 1_000_000]:
        found = identify_language(text)
        assert found.code == UNDETERMINED or found.confidence > 0
        if found.code == UNDETERMINED:
            assert found.reason


def test_a_batch_gives_what_py3langid_gives_text_by_text(shared_dataset):
    # identify_languages scores a whole batch in one product; it must agree with py3langid's own classify.
    from nlp.language import _identifier, identify_languages
    from nlp.text import words_only

    texts = [text for text, _ in _tweets(shared_dataset("twitter_v2_threads_twarc"))] + ["", "🙂", "ok"]
    identifier = _identifier(DEFAULT_LANGUAGES)
    for text, found in zip(texts, identify_languages(texts)):
        if found.reason and found.reason.startswith("too little text"):
            continue
        code, confidence = identifier.classify(words_only(text))
        assert abs(found.confidence - confidence) < 1e-4, text
        assert found.code == (code if confidence >= 0.6 else UNDETERMINED), text
