"""Taxonomy topics: the keywords and patterns a community manager writes in townsquare.toml."""
from __future__ import annotations

import pytest

from nlp.pipeline import build_pipeline, pipeline_version
from nlp.settings import load_nlp_settings
from nlp.taxonomy import Taxonomy
from nlp.wordforms import words
from warehouse.settings import ConfigError

CONFIG = '''
[[topics.taxonomy]]
name = "Billing"
keywords = ["refund", "invoice", "credit card"]
patterns = ['\\bcharged (twice|double)\\b']

[[topics.taxonomy]]
name = "Stability"
keywords = ["crash", "freeze", "bug"]
'''


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "townsquare.toml"
    path.write_text(CONFIG)
    return path


def _topics(taxonomy: Taxonomy, text: str) -> list[str]:
    return [m.topic for m in taxonomy.match(words(text), text.lower())]


def test_keywords_match_any_inflection_and_case_as_whole_words(config):
    taxonomy = Taxonomy(load_nlp_settings(config).taxonomy)
    assert _topics(taxonomy, "Still no REFUNDS after two weeks") == ["Billing"]
    assert _topics(taxonomy, "It refunded me and then crashed") == ["Billing", "Stability"]
    assert _topics(taxonomy, "my Credit-Card was declined") == ["Billing"]  # a phrase across punctuation
    assert _topics(taxonomy, "the bugle app and the freezer") == []  # whole words only
    assert _topics(taxonomy, "nothing to see here") == []


def test_patterns_and_evidence(config):
    taxonomy = Taxonomy(load_nlp_settings(config).taxonomy)
    [match] = taxonomy.match(words("I was charged twice this month"), "i was charged twice this month")
    assert match.topic == "Billing" and "charged twice" in match.evidence


def test_the_pipeline_tags_english_items_and_says_which_words_matched(config):
    nlp = build_pipeline(settings_path=config)
    doc = nlp("The app keeps freezing since the update and I want a refund for this month")
    assert doc._.topics == ["Billing", "Stability"]
    assert doc._.topic_evidence == ["Billing: 'refund'", "Stability: 'freezing'"]
    german = nlp("Die App stürzt ständig ab und ich möchte mein Geld zurück, bitte um eine Antwort")
    assert german._.language == "de" and german._.topics == []


def test_editing_the_taxonomy_changes_the_pipeline_version(config):
    before = pipeline_version(settings_path=config)
    config.write_text(CONFIG.replace('"bug"]', '"bug", "hang"]'))
    assert pipeline_version(settings_path=config) != before


@pytest.mark.parametrize("entry, message", [
    ('[[topics.taxonomy]]\nkeywords = ["x"]', "needs a name"),
    ('[[topics.taxonomy]]\nname = "Empty"', "could never match"),
    ('[[topics.taxonomy]]\nname = "Bad"\npatterns = ["(unclosed"]', "not a valid regular expression"),
    ('[[topics.taxonomy]]\nname = "A"\nkeywords = ["x"]\n[[topics.taxonomy]]\nname = "A"\nkeywords = ["y"]',
     "defined twice"),
    ('[[topics.taxonomy]]\nname = "A"\nkeywords = "refund"', "must be a list"),
])
def test_a_broken_taxonomy_is_a_clear_error(tmp_path, entry, message):
    path = tmp_path / "townsquare.toml"
    path.write_text(entry)
    with pytest.raises(ConfigError, match=message):
        load_nlp_settings(path)
