"""Emerging topics: themes discovered per community and period without a taxonomy (TF-IDF of word base
forms and two-word phrases, NMF), labelled by their top terms, with growth against the previous period.
See docs/nlp/emerging_topics.md."""
from nlp.emerging.refresh import EmergingRefresh, growth, refresh_emerging_topics
from nlp.emerging.settings import EmergingSettings, load_settings

__all__ = ["EmergingRefresh", "EmergingSettings", "growth", "load_settings", "refresh_emerging_topics"]
