"""Ideation: ideas and feature requests (by tag or by intent) with near-duplicates merged, grouped into
themes labelled by their top terms. See docs/nlp/ideation.md; the marts are mart_idea_themes and
mart_idea_posts."""
from nlp.ideation.refresh import refresh_idea_themes
from nlp.ideation.settings import IdeationSettings, load_settings

__all__ = ["IdeationSettings", "load_settings", "refresh_idea_themes"]
