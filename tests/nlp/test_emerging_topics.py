"""Emerging topics: a theme that appears in the second month is found, labelled by its terms and flagged as
growing; stable themes stay near zero growth; incremental refreshes equal a full rebuild and do nothing on
unchanged data; other languages and unenriched items are left out and counted; bad texts never crash; on
the real cardano dump every theme is described by terms its own posts use."""
from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

import pytest

from nlp.emerging import EmergingSettings, growth, load_settings, refresh_emerging_topics
from nlp.emerging.terms import clean, surface_forms, text_terms
from nlp.wordforms import base_form, words
from warehouse.db import writer
from warehouse.settings import ConfigError

# Each theme's sentences share its core words, the way posts on one subject do.
THEMES = {
    "billing": ["I was charged twice for my subscription this month.", "The invoice shows a double charge on my card.",
                "How do I get a refund for the double charge?", "My card was charged again after I cancelled the "
                "subscription.", "Support promised a refund but the charge is still on my invoice.",
                "Why does my invoice list two charges for one subscription?"],
    "login": ["I cannot log in since the password reset.", "The password reset email never arrives, so no login.",
              "The login screen rejects my password after the reset.", "Login keeps failing with an invalid password "
              "message.", "My account is locked after too many login attempts with the wrong password.",
              "The password reset link says it has expired, still no login."],
    "export": ["Exporting the report to CSV times out.", "The CSV export of the report is missing half the columns.",
               "Large reports fail to export to CSV.", "The scheduled CSV export of the sales report stopped arriving.",
               "The exported CSV report has broken dates in every column.", "Report export to CSV is blank."],
    "calendar": ["Calendar sync with Google stopped working.", "Events from my Outlook calendar do not sync.",
                 "Meetings appear twice after the calendar sync.", "Calendar sync shows events at the wrong time zone.",
                 "Shared calendar events disappear after the sync.", "The calendar sync with my work account takes "
                 "hours."],
    # only in the first month
    "dark mode": ["Please add a dark mode to the mobile app.", "Dark mode would be easier on the eyes at night.",
                  "Any plans for a dark mode option?", "The bright white screen hurts, we need dark mode.",
                  "A dark mode toggle in settings would be lovely.", "Night owls want a dark mode too."],
    # only in the second month: the emerging theme
    "battery": ["Battery drains very fast after the latest update.", "Since the update my phone battery drains "
                "overnight.", "The app is draining the battery in the background after the update.",
                "Battery drain got much worse with the 5.2 update.", "After the update the battery drain is terrible, "
                "30% per hour.", "Huge battery drain since updating the app yesterday."],
}
FILLERS = ["", "", "Thanks in advance.", "Any ideas?", "This started this week.", "Happy to share more details.",
           "Is anyone else seeing this?"]
STABLE = ["billing", "login", "export", "calendar"]
JANUARY, FEBRUARY, MARCH = dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1), dt.datetime(2024, 3, 1)
SETTINGS = EmergingSettings()


def text_of(theme: str, rng: random.Random) -> str:
    return " ".join(s for s in rng.sample(THEMES[theme], 2) + [rng.choice(FILLERS)] if s)


class Community:
    """Content and its enrichments written straight into the warehouse: each item's language is chosen by
    the test, so what is left out is known exactly."""

    def __init__(self, community: str = "acme"):
        self.community, self.n, self.rng = community, 0, random.Random(7)
        self.truth: dict[str, str] = {}  # content_id -> theme it was written from

    def add(self, con, month: dt.datetime, text: str | None, *, theme: str | None = None, language: str | None = "en",
            error: str | None = None, enriched: bool = True, title: str | None = None) -> str:
        self.n += 1
        content_id = f"{self.community}/forum/post/{self.n:05d}"
        created = month + dt.timedelta(days=self.n % 27, hours=self.n % 24)
        con.execute("insert into content (content_id, community_id, source, source_entity, source_record_id, kind, "
                    "created_at, title, body_text, text_hash, channel) values (?, ?, 'forum', 'post', ?, 'question', "
                    "?, ?, ?, md5(coalesce(?, '') || coalesce(?, '')), 'forum')",
                    [content_id, self.community, str(self.n), created, title, text, title, text])
        if enriched:
            con.execute("insert into enrichments (content_id, text_hash, pipeline_version, community_id, language, "
                        "error, enriched_at) select content_id, text_hash, 'test', community_id, ?, ?, now() "
                        "from content where content_id = ?", [language, error, content_id])
        if theme:
            self.truth[content_id] = theme
        return content_id

    def month(self, con, month: dt.datetime, themes: list[str], per_theme: int = 15) -> None:
        for i in range(per_theme):
            for theme in themes:
                self.add(con, month, text_of(theme, self.rng), theme=theme)


def edit(con, content_id: str, text: str, language: str = "en") -> None:
    """What an edit does: new text and hash, then enrichment of the new text."""
    con.execute("update content set body_text = ?, text_hash = md5(?) where content_id = ?", [text, text, content_id])
    con.execute("insert into enrichments (content_id, text_hash, pipeline_version, community_id, language, "
                "enriched_at) select content_id, text_hash, 'test', community_id, ?, now() from content "
                "where content_id = ?", [language, content_id])


def themes_of(con, month: dt.datetime) -> list[dict]:
    rows = con.execute("select theme_rank, label, top_terms, term_keys, items, share, previous_items, previous_share, "
                       "growth, is_new from emerging_topics where period_start = ? order by theme_rank",
                       [month.date()]).fetchall()
    names = ["rank", "label", "terms", "keys", "items", "share", "previous_items", "previous_share", "growth", "is_new"]
    themes = [dict(zip(names, r)) for r in rows]
    for theme in themes:
        theme["content"] = [c for c, in con.execute(
            "select content_id from emerging_topic_items where period_start = ? and theme_rank = ? order by 1",
            [month.date(), theme["rank"]]).fetchall()]
    return themes


def dominant_truth(theme: dict, truth: dict[str, str]) -> tuple[str, float]:
    """The hand-written theme most of a found theme's items come from, and that share of its items."""
    counts: dict[str, int] = {}
    for content_id in theme["content"]:
        counts[truth.get(content_id, "?")] = counts.get(truth.get(content_id, "?"), 0) + 1
    best = max(counts, key=counts.get)
    return best, counts[best] / len(theme["content"])


def snapshot(con) -> dict[str, list]:
    """The three tables without their computed_at."""
    return {
        "periods": con.execute("select * exclude (computed_at) from emerging_topic_periods order by all").fetchall(),
        "themes": con.execute("select * exclude (computed_at) from emerging_topics order by all").fetchall(),
        "items": con.execute("select * from emerging_topic_items order by all").fetchall(),
    }


@pytest.fixture
def two_months(townsquare_home):
    """January: four stable themes and dark-mode requests; February: the same four and battery drain."""
    community = Community()
    with writer() as con:
        community.month(con, JANUARY, STABLE + ["dark mode"])
        community.month(con, FEBRUARY, STABLE + ["battery"])
    return community


def test_a_new_theme_is_found_labelled_and_flagged(two_months):
    with writer() as con:
        run = refresh_emerging_topics(con, SETTINGS)
        january, february = themes_of(con, JANUARY), themes_of(con, FEBRUARY)
    assert (run.periods, run.recomputed, run.skipped, run.items_analysed) == (2, 2, 0, 150)

    battery = [t for t in february if dominant_truth(t, two_months.truth)[0] == "battery"]
    assert len(battery) == 1, [t["label"] for t in february]
    battery = battery[0]
    assert {"battery", "drain"} <= {base_form(w) for term in battery["terms"][:3] for w in words(term)}
    assert "battery" in battery["label"] and "drain" in battery["label"]  # written the way people wrote it
    assert dominant_truth(battery, two_months.truth)[1] == 1.0           # only battery posts behind it
    assert len(battery["content"]) >= 13                                  # and most of the 15
    assert battery["is_new"] is True and battery["previous_items"] == 0
    assert battery["growth"] > 5 and battery["growth"] == max(t["growth"] for t in february)

    # The four stable themes are found again with about the same share: growth near zero. NMF may split one
    # into two components (it fits more components than this small fixture has subjects); taken together
    # they do not grow, and each part only moves by the sampling noise of a few posts.
    for name in STABLE:
        found = [t for t in february if dominant_truth(t, two_months.truth) == (name, 1.0)]
        assert found, f"{name} not found in {[t['label'] for t in february]}"
        now, before = sum(t["items"] for t in found), sum(t["previous_items"] for t in found)
        assert abs(now - before) / before < 0.2, (name, found)
        assert all(t["is_new"] is False and abs(t["growth"]) < 0.5 for t in found), (name, found)
    # Dark mode was January's theme; no January theme has a baseline.
    assert any(dominant_truth(t, two_months.truth)[0] == "dark mode" for t in january)
    assert all(t["growth"] is None and t["is_new"] is None and t["previous_items"] is None for t in january)


def test_growth_formula():
    assert growth(0.2, 0.2, 100) == 0                      # same share: no growth
    assert growth(0.3, 0.2, 100) == pytest.approx(0.5)     # 20% -> 30% of the conversation: +50%
    assert growth(0.1, 0.2, 100) == pytest.approx(-0.5)
    assert growth(0.2, 0.0, 100) == pytest.approx(20)      # absent before: as if it had one item of 100
    assert growth(0.4, 0.0, 100) > growth(0.2, 0.0, 100)   # a bigger new theme trends more


def test_refresh_recomputes_only_what_changed_and_equals_a_rebuild(two_months):
    with writer() as con:
        first = refresh_emerging_topics(con, SETTINGS)
        again = refresh_emerging_topics(con, SETTINGS)
        assert (first.recomputed, again.recomputed, again.themes) == (2, 0, 0)  # nothing new: nothing computed

        two_months.month(con, MARCH, STABLE + ["battery"], per_theme=5)          # a new month arrives
        march = refresh_emerging_topics(con, SETTINGS)
        assert march.recomputed == 1 and march.periods == 3

        # An edit in January changes January and February (measured against January), not March.
        january_item = next(c for c, theme in two_months.truth.items() if theme == "billing")
        edit(con, january_item, "Refund still missing for the double charge on my invoice.")
        computed_before = dict(con.execute("select period_start, computed_at from emerging_topic_periods").fetchall())
        edited = refresh_emerging_topics(con, SETTINGS)
        computed_after = dict(con.execute("select period_start, computed_at from emerging_topic_periods").fetchall())
        assert edited.recomputed == 2
        assert sorted(p for p in computed_after if computed_after[p] != computed_before[p]) == \
            [JANUARY.date(), FEBRUARY.date()]

        # A new enrichment that changes an item's language counts as a change too.
        february_item = next(c for c, theme in two_months.truth.items() if theme == "export" and c > january_item
                             and con.execute("select created_at >= ? from content where content_id = ?",
                                             [FEBRUARY, c]).fetchone()[0])
        con.execute("insert into enrichments (content_id, text_hash, pipeline_version, community_id, language, "
                    "enriched_at) select content_id, text_hash, 'test-2', community_id, 'fr', now() + interval 1 "
                    "minute from content where content_id = ?", [february_item])
        relabelled = refresh_emerging_topics(con, SETTINGS)
        assert relabelled.recomputed == 2 and relabelled.items_other_language == 1  # February and March

        # Content removed from March entirely: the period goes, its rows too.
        con.execute("delete from content where created_at >= ?", [MARCH])
        gone = refresh_emerging_topics(con, SETTINGS)
        assert (gone.removed, gone.periods) == (1, 2)
        assert con.execute("select count(*) from emerging_topics where period_start = ?", [MARCH.date()]).fetchone()[0] == 0

        incremental = snapshot(con)
        rebuilt = refresh_emerging_topics(con, SETTINGS, rebuild=True)
        assert rebuilt.recomputed == 2 and snapshot(con) == incremental


def test_other_languages_and_unenriched_items_are_left_out_and_counted(two_months):
    german = "Der Akku ist nach dem Update sehr schnell leer, das Laden dauert ewig."
    with writer() as con:
        left_out = [two_months.add(con, FEBRUARY, german, language="de") for _ in range(6)]
        left_out += [two_months.add(con, FEBRUARY, "Battery drain after the update", enriched=False) for _ in range(3)]
        left_out += [two_months.add(con, FEBRUARY, "", language=None, error="no text to enrich") for _ in range(2)]
        undetermined = two_months.add(con, FEBRUARY, "Battery drain after update, battery drains fast!!",
                                      language="und", theme="battery")
        run = refresh_emerging_topics(con, SETTINGS)
        period = con.execute("select items, items_analysed, items_other_language, items_not_enriched, "
                             "items_not_analysable from emerging_topic_periods where period_start = ?",
                             [FEBRUARY.date()]).fetchone()
        themed = {c for c, in con.execute("select content_id from emerging_topic_items").fetchall()}
        shares = con.execute("select sum(t.items) / any_value(p.items_analysed), sum(t.share) from emerging_topics t "
                             "join emerging_topic_periods p using (community_id, period_kind, period_start) "
                             "where period_start = ?", [FEBRUARY.date()]).fetchone()
    assert period == (75 + 12, 76, 6, 3, 2)
    assert (run.items_other_language, run.items_not_enriched, run.items_not_analysable) == (6, 3, 2)
    assert not themed & set(left_out)
    assert undetermined in themed            # undetermined language is analysed (short texts, emoji, slang)
    assert shares[0] == pytest.approx(shares[1])  # shares are of the analysed items only


# Texts with no usable term, and texts that are odd but readable.
UNREADABLE = ["", "   \n\t ", "😀🔥🙏😀🔥🙏", "https://t.co/a https://x.com/b/status/1 www.example.com/page",
              "1234 5678 90 3.14", "addr1qxy8s7d6f5g4h3j2k1l0mnbvcxzasdfghjkl0987654321", "@bob @alice #", None,
              "!!!???...,,,;;;", "a b c d e f g", "Thanks!! Any ideas? Hello, please help :)"]
ODD = ["battery drain " * 90_000, "Hello мир 世界 مرحبا", "Battery \\ud83d drain, an escaped surrogate"]


def test_bad_texts_never_crash(townsquare_home):
    with writer() as con:
        assert refresh_emerging_topics(con, SETTINGS).periods == 0  # an empty warehouse
        Community("lonely").add(con, JANUARY, "The only post of this community")
        bad = Community("bad")
        for i in range(40):  # a period of only unreadable texts: analysed, counted, no theme
            bad.add(con, JANUARY, UNREADABLE[i % len(UNREADABLE)], language="und")
        mixed = Community("mixed")
        mixed.month(con, JANUARY, STABLE, per_theme=6)
        for text in (UNREADABLE + ODD) * 2:
            mixed.add(con, JANUARY, text, title=None if text else "Battery drain")
        run = refresh_emerging_topics(con, SETTINGS)
        statuses = dict(con.execute("select community_id, status from emerging_topic_periods").fetchall())
        themed = {c for c, in con.execute("select content_id from emerging_topic_items where community_id = 'mixed'")
                  .fetchall()}
    assert run.periods == 3 and statuses == {"lonely": "too_few_items", "bad": "too_few_terms", "mixed": "themes"}
    assert run.skipped == 2 and run.items_analysed == 1 + 40 + 24 + 2 * len(UNREADABLE + ODD)
    assert set(mixed.truth) & themed  # the readable posts still make themes beside the bad ones


def test_terms_of_hard_texts():
    assert text_terms(clean(None, None)) == [] and text_terms(clean(3, b"bytes")) == []
    assert text_terms(clean("Battery \ud83d drain", "\udfff")) == ["battery", "drain"]  # lone surrogates
    assert len(text_terms(clean(None, "battery drain " * 90_000))) < 10_000  # cut at nlp.text.MAX_CHARS
    assert text_terms(clean("Refunds refunded", "refunding the refund")) == ["refund"] * 4  # one key; no phrase
    assert text_terms(clean("Refunds processed.", "Refund processing; the refund")) == \
        ["refund", "process", "refund process"] * 2 + ["refund"]  # phrases stop at punctuation and stop words
    assert text_terms(clean("See https://x.com/a, mail me@x.io or @bob", "cip30 v2 addr1qxy8s7d6f5g4h3j2k1l0 1234")) \
        == ["mail", "cip30", "v2", "cip30 v2"]  # no link, address, mention, number or hash
    surfaces = Counter()
    text_terms(clean("Staking rewards", "my stake pool, staking rewards"), surfaces)
    assert surface_forms(surfaces)["stak reward"] == "staking rewards"


def test_settings_from_the_configuration(tmp_path, monkeypatch):
    config = tmp_path / "townsquare.toml"
    config.write_text('[topics.emerging]\nperiod = "week"\nmax_themes = 5\nmin_weight = 0.2\n', encoding="utf-8")
    monkeypatch.setenv("TOWNSQUARE_CONFIG", str(config))
    s = load_settings()
    assert (s.period, s.max_themes, s.min_weight, s.min_items) == ("week", 5, 0.2, EmergingSettings().min_items)
    assert s.fingerprint() != EmergingSettings().fingerprint()
    for bad in ('period = "day"', "max_themes = 0", 'max_themes = "8"', "unknown_key = 1", "languages = 'en'",
                "min_weight = 1.5"):
        config.write_text(f"[topics.emerging]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="topics.emerging"):
            load_settings()
    config.write_text("[topics]\nemerging = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="topics.emerging"):
        load_settings()
    assert load_settings(tmp_path / "absent.toml") == EmergingSettings()


def test_command_line_refresh(two_months, capsys):
    from nlp.emerging.__main__ import main

    assert main([]) == 0 and json.loads(capsys.readouterr().out)["recomputed"] == 2
    assert main([]) == 0 and json.loads(capsys.readouterr().out)["recomputed"] == 0
    assert main(["--rebuild"]) == 0 and json.loads(capsys.readouterr().out)["recomputed"] == 2


def test_weekly_periods_replace_monthly_ones(two_months):
    with writer() as con:
        refresh_emerging_topics(con, SETTINGS)
        weekly = EmergingSettings(period="week")
        run = refresh_emerging_topics(con, weekly)
        kinds = {k for k, in con.execute("select distinct period_kind from emerging_topic_periods").fetchall()}
        weeks = [d for d, in con.execute("select period_start from emerging_topic_periods order by 1").fetchall()]
        again = refresh_emerging_topics(con, weekly)
    assert kinds == {"week"} and all(d.weekday() == 0 for d in weeks)  # ISO weeks start on Monday
    assert run.recomputed == run.periods == len(weeks) and again.recomputed == 0


@pytest.fixture
def cardano(townsquare_home, shared_dataset):
    """The real cardano dump, ingested and enriched by the real pipeline."""
    from townsquare import pipeline
    from warehouse.settings import Source

    batch, _ = pipeline.extract(Source("stackexchange", shared_dataset("stackexchange_cardano"), "cardano", "Cardano"))
    pipeline.load([batch])
    pipeline.enrich(processes=2)
    return townsquare_home


def test_cardano_themes_are_described_by_their_own_posts(cardano):
    with writer() as con:
        run = refresh_emerging_topics(con, SETTINGS)
        periods = con.execute("select period_start, status, items_analysed, themes, items_with_theme "
                              "from emerging_topic_periods order by 1").fetchall()
        themes = con.execute("select period_start, theme_rank, label, top_terms, term_keys, items, growth "
                             "from emerging_topics order by 1, 2").fetchall()
        texts = dict(con.execute("select i.period_start || '/' || i.theme_rank || '/' || i.content_id, "
                                 "coalesce(c.title, '') || ' ' || coalesce(c.body_text, '') "
                                 "from emerging_topic_items i join content c using (content_id)").fetchall())
    assert run.periods >= 6 and run.items_analysed > 4000
    big = [p for p in periods if p[2] >= 100]
    assert big and all(status == "themes" and n_themes >= 4 and with_theme >= 0.5 * analysed
                       for _, status, analysed, n_themes, with_theme in big)
    by_theme: dict[tuple, list[set[str]]] = {}
    for key, text in texts.items():
        start, rank, _ = key.split("/", 2)
        by_theme.setdefault((start, int(rank)), []).append(set(base_form(w) for w in words(text)))
    top_term_use = []
    for start, rank, label, terms, keys, items, growth_ in themes:
        posts = by_theme[(str(start), rank)]
        assert len(posts) == items and label == ", ".join(terms[:3])
        # Every label term is something people wrote in several of the theme's own posts, not a stem ...
        uses = [sum(1 for post in posts if all(base_form(w) in post for w in words(term))) for term in terms]
        assert all(n >= 2 for n in uses), (start, label, terms, uses)
        # ... and the first one is used by a good part of them.
        assert uses[0] >= 0.2 * items, (start, label, uses, items)
        top_term_use.append(uses[0] / items)
        assert (growth_ is None) == (str(start) == str(periods[0][0]))  # every month after the first has growth
    assert sorted(top_term_use)[len(top_term_use) // 2] >= 0.5  # for most themes, by half of their posts or more
