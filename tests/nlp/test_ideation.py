"""nlp.ideation: near-duplicates (source links and text similarity), themes, labels, stable ids, settings."""
from __future__ import annotations

import datetime as dt

import pytest

from nlp.ideation.group import Idea, group_ideas, theme_id
from nlp.ideation.settings import IdeationSettings, from_table
from warehouse.settings import ConfigError

S = IdeationSettings()


def idea(n: int, title: str, body: str = "", day: int = 1) -> Idea:
    return Idea(f"c/post/{n}", dt.datetime(2025, 1, day), title, body)


def themes_of(ideas, links=(), s=S):
    return {tuple(m.content_id for m in t.members): t for t in group_ideas("c", ideas, list(links), s)}


def test_near_duplicate_by_words_joins_the_earlier_post():
    ideas = [idea(1, "Dark mode for the mobile app", "Please add a dark mode to the mobile app.", day=5),
             idea(2, "Dark mode in the mobile app", "Please add dark mode to the mobile app!", day=2),
             idea(3, "Export rides to CSV", "Let me export my rides as a CSV file.")]
    themes = themes_of(ideas)
    assert set(themes) == {("c/post/1", "c/post/2"), ("c/post/3",)}
    dark = themes["c/post/1", "c/post/2"]
    # post 2 is earlier (day 2 < day 5): it is the original, post 1 repeats it
    assert [(m.content_id, m.is_duplicate_of, m.duplicate_reason) for m in dark.members] == [
        ("c/post/1", "c/post/2", "similarity"), ("c/post/2", None, None)]
    assert dark.members[0].similarity >= S.duplicate_similarity
    assert dark.label.startswith("dark mode") and "mobile app" in dark.terms
    assert dark.theme_id == theme_id("c", ["c/post/2", "c/post/1"])


def test_source_link_wins_over_dates_and_words():
    """The source's duplicate link makes two unlike posts one idea, its target the original even when it
    was posted later."""
    ideas = [idea(1, "Spreadsheet download", "Can we get our history as a spreadsheet?", day=1),
             idea(2, "Export rides to CSV", "Let me export my rides as a CSV file.", day=9)]
    assert set(themes_of(ideas)) == {("c/post/1",), ("c/post/2",)}
    [theme] = themes_of(ideas, links=[("c/post/1", "c/post/2")]).values()
    assert [(m.content_id, m.is_duplicate_of, m.duplicate_reason) for m in theme.members] == [
        ("c/post/1", "c/post/2", "link"), ("c/post/2", None, None)]
    # links to posts that are not ideas are ignored
    assert len(themes_of(ideas, links=[("c/post/1", "c/post/99")])) == 2


def test_related_ideas_share_a_theme_without_being_duplicates():
    ideas = [idea(1, "Dark mode for the app", "A dark theme would be easier on the eyes at night."),
             idea(2, "Dark mode for the website", "The website needs a dark theme too."),
             idea(3, "Bring back the old logo", "The penny farthing logo was better.")]
    themes = themes_of(ideas)
    assert set(themes) == {("c/post/1", "c/post/2"), ("c/post/3",)}
    assert all(m.is_duplicate_of is None for m in themes["c/post/1", "c/post/2"].members)
    # a stricter theme threshold keeps them apart
    strict = IdeationSettings(theme_similarity=0.95)
    assert len(themes_of(ideas, s=strict)) == 3


def test_theme_ids_do_not_move_when_an_unrelated_idea_arrives():
    ideas = [idea(1, "Dark mode for the app", "A dark theme at night."), idea(2, "Old logo back", "Penny farthing.")]
    before = {t.theme_id for t in group_ideas("c", ideas, [], S)}
    after = {t.theme_id for t in group_ideas("c", ideas + [idea(3, "Weekly newsletter", "By email")], [], S)}
    assert before < after


def test_ideas_without_words_stand_alone_under_their_title():
    ideas = [idea(1, "???", ""), idea(2, "!!!", ""), idea(3, "Dark mode", "please")]
    themes = themes_of(ideas)
    assert len(themes) == 3
    assert themes["c/post/1",].label == "???" and themes["c/post/1",].terms == []
    assert group_ideas("c", [], [], S) == []


def test_settings_are_checked_and_explained():
    s = from_table({"idea_tags": ["Feature-Request", "idea"], "status_tags": {"Status-Done": "done"},
                    "duplicate_similarity": 1})
    assert s.idea_tags == ("feature-request", "idea") and s.status_tags == (("status-done", "done"),)
    assert s.duplicate_similarity == 1.0 and s.fingerprint() != S.fingerprint()
    with pytest.raises(ConfigError, match="unknown key"):
        from_table({"idea_tag": ["x"]})
    with pytest.raises(ConfigError, match="theme_similarity must be in"):
        from_table({"theme_similarity": 0})
    with pytest.raises(ConfigError, match="nothing is an idea"):
        from_table({"idea_tags": [], "use_intent": False})
    with pytest.raises(ConfigError, match="status_tags must be a table"):
        from_table({"status_tags": ["status-completed"]})
