"""mart_idea_themes / mart_idea_posts: a hand-built meta site whose answer is worked out below, and the
bicycles meta dump checked against its Posts.xml / PostLinks.xml read with ElementTree."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter

import duckdb
import pytest

from nlp.ideation import load_settings, refresh_idea_themes
from tests.conftest import shared_data
from tests.transforms.conftest import AS_OF

T = dt.datetime


def post(n: str, day: T, title: str, body: str, tags: list[str], author: str, score: int) -> dict:
    return {"content_id": f"hand/post/{n}", "community_id": "hand", "kind": "question", "created_at": day,
            "title": title, "body_text": body, "tags": tags, "author_member_id": f"hand/user/{author}",
            "score": score, "thread_id": f"hand/post/{n}"}


def vote(n: int, post_id: str, kind: str, voter: str | None, day: T = T(2025, 12, 1)) -> dict:
    return {"interaction_id": f"hand/vote/{n}", "community_id": "hand", "source": "hand", "kind": "vote",
            "vote_type": kind, "from_member_id": voter and f"hand/user/{voter}",
            "content_id": f"hand/post/{post_id}", "occurred_at": day}


def build(hw) -> None:
    hw.add("communities", [{"community_id": "hand", "name": "Hand meta", "source": "hand",
                            "first_loaded_at": T(2026, 1, 1), "last_loaded_at": T(2026, 1, 1)}])
    hw.add("members", [{"member_id": f"hand/user/{u}", "community_id": "hand", "joined_at": T(2025, 1, 1),
                        "is_bot": u == "bot"} for u in ("u1", "u2", "u3", "u4", "bot")])
    hw.add("content", [
        post("p1", T(2025, 11, 20), "Dark mode for the site",
             "Please add a dark mode theme to the site, the white background hurts my eyes at night.",
             ["feature-request", "status-completed"], "u1", 5),
        # p2 repeats p1 almost word for word: a near-duplicate by similarity
        post("p2", T(2025, 12, 10), "Dark mode theme for the site",
             "Please add a dark mode theme for the site, the white background hurts my eyes late at night!",
             ["feature-request"], "u2", 1),
        post("p3", T(2025, 12, 20), "Export my rides to CSV", "I would like to export rides as a CSV file.",
             ["feature-request", "status-planned"], "u3", 3),
        # p4 says it differently; the site closed it as a duplicate of p3 (PostLinks type 3)
        post("p4", T(2025, 12, 25), "Spreadsheet download", "Can we download our history to a spreadsheet?",
             ["Feature-Request"], "u1", 0),
        post("p5", T(2025, 11, 15), "Bring back the old logo", "The old logo with the penny farthing was better.",
             ["feature-request", "status-declined"], "u2", -2),
        post("p6", T(2025, 12, 1), "How do I true a wheel?", "My wheel wobbles, what tools do I need?",
             ["support"], "u4", 2),
        # p8 has no idea tag: an idea by its enrichment's intent
        post("p8", T(2025, 12, 28), "Weekly newsletter", "It would be great to get a weekly newsletter by email.",
             ["discussion"], "u3", 2),
        {"content_id": "hand/post/a1", "community_id": "hand", "kind": "answer", "created_at": T(2025, 12, 21),
         "body_text": "Agreed, GPX too.", "author_member_id": "hand/user/u4", "thread_id": "hand/post/p3",
         "parent_id": "hand/post/p3"},
        {"content_id": "hand/comment/c1", "community_id": "hand", "kind": "comment", "created_at": T(2025, 11, 21),
         "body_text": "Automated notice.", "author_member_id": "hand/user/bot", "thread_id": "hand/post/p1",
         "parent_id": "hand/post/p1"},
    ])
    hashes = dict(hw.rows("select content_id, text_hash from content"))

    def enrichment(n: str, intent: str, sentiment: float | None, text_hash: str | None = None) -> dict:
        cid = f"hand/post/{n}"
        return {"content_id": cid, "text_hash": text_hash or hashes[cid], "pipeline_version": "v1",
                "community_id": "hand", "enriched_at": T(2025, 12, 31), "language": "en", "intent": intent,
                "sentiment": sentiment}

    hw.add("enrichments", [enrichment("p1", "idea", 0.5), enrichment("p2", "idea", 0.1),
                           enrichment("p3", "other", -0.2), enrichment("p5", "complaint", -0.6),
                           enrichment("p8", "idea", 0.4),
                           # an idea by intent, but for an older text of p6: p6 is not an idea now
                           enrichment("p6", "idea", 0.0, text_hash="an old text")])
    hw.add("content_links", [{"link_id": "hand/link/1", "community_id": "hand", "content_id": "hand/post/p4",
                              "related_content_id": "hand/post/p3", "link_type": "duplicate",
                              "created_at": T(2025, 12, 26)}])
    hw.add("interactions", [vote(1, "p1", "upvote", "u2"), vote(2, "p1", "upvote", "u3"),
                            vote(3, "p1", "upvote", None), vote(4, "p1", "downvote", "u4"),
                            vote(5, "p2", "upvote", "u1"), vote(6, "p3", "upvote", "bot"),
                            vote(7, "p5", "downvote", None), vote(8, "p5", "downvote", None)])


def theme(first_post: str) -> str:
    return hashlib.md5(f"hand\0hand/post/{first_post}".encode()).hexdigest()[:16]


def refresh(hw) -> dict:
    from warehouse.db import writer

    with writer() as con:
        summary = refresh_idea_themes(con, load_settings(hw.config))
    hw.refresh(as_of=AS_OF)
    return summary


def test_hand_posts_duplicates_and_statuses(hand_warehouse):
    build(hand_warehouse)
    summary = refresh(hand_warehouse)
    # ideas: p1..p5 by tag (p4's tag in another case), p8 by intent; p6's "idea" is for an old text
    assert (summary["posts"], summary["duplicates"], summary["themes"]) == (6, 2, 4)
    rows = hand_warehouse.dicts("""select content_id, theme_id, found_by, is_duplicate_of, duplicate_reason, status,
                                          score, upvotes, downvotes, answers, comments, sentiment
                                   from mart_idea_posts order by content_id""")
    p = "hand/post/"
    assert [(r["content_id"], r["theme_id"], r["found_by"], r["is_duplicate_of"], r["duplicate_reason"],
             r["status"]) for r in rows] == [
        (p + "p1", theme("p1"), "tag+intent", None, None, "done"),
        (p + "p2", theme("p1"), "tag+intent", p + "p1", "similarity", "open"),
        (p + "p3", theme("p3"), "tag", None, None, "planned"),
        (p + "p4", theme("p3"), "tag", p + "p3", "link", "open"),
        (p + "p5", theme("p5"), "tag", None, None, "declined"),
        (p + "p8", theme("p8"), "intent", None, None, "open"),
    ]
    assert [(r["score"], r["upvotes"], r["downvotes"], r["answers"], r["comments"], r["sentiment"]) for r in rows] == [
        (5, 3, 1, 0, 1, 0.5), (1, 1, 0, 0, 0, 0.1), (3, 1, 0, 1, 0, -0.2), (0, 0, 0, 0, 0, None),
        (-2, 0, 2, 0, 0, -0.6), (2, 0, 0, 0, 0, 0.4)]


def test_hand_themes(hand_warehouse):
    build(hand_warehouse)
    refresh(hand_warehouse)
    rows = hand_warehouse.dicts("""select theme_id, ideas, posts, status, score, upvotes, downvotes, supporters,
                                          round(mean_sentiment, 6) as mean_sentiment, recent_posts, previous_posts,
                                          trend, first_day, last_day
                                   from mart_idea_themes order by first_day""")
    d = dt.date
    assert rows == [
        # p5 alone: declined. Supporters: its author u2. 2025-11-15 is in the 30 days before the last 30
        # (2025-11-02 .. 2025-12-02): previous 1, recent 0 -> falling.
        {"theme_id": theme("p5"), "ideas": 1, "posts": 1, "status": "declined", "score": -2, "upvotes": 0,
         "downvotes": 2, "supporters": 1, "mean_sentiment": -0.6, "recent_posts": 0, "previous_posts": 1,
         "trend": "falling", "first_day": d(2025, 11, 15), "last_day": d(2025, 11, 15)},
        # p1 + p2 (duplicate): one idea, done (p1's tag; the duplicate does not vote on status).
        # score 5 + 1; upvotes 3 + 1; supporters: authors u1, u2, upvoters u2, u3, u1 (the anonymous vote
        # and u4's downvote are not support, the bot's comment is left out) -> {u1, u2, u3} = 3.
        # sentiment (0.5 + 0.1) / 2 = 0.3. p1 2025-11-20 previous, p2 2025-12-10 recent: 1 vs 1 -> steady.
        {"theme_id": theme("p1"), "ideas": 1, "posts": 2, "status": "done", "score": 6, "upvotes": 4,
         "downvotes": 1, "supporters": 3, "mean_sentiment": 0.3, "recent_posts": 1, "previous_posts": 1,
         "trend": "steady", "first_day": d(2025, 11, 20), "last_day": d(2025, 12, 10)},
        # p3 + p4 (linked duplicate): planned. score 3 + 0; the bot's upvote is a vote but not a supporter;
        # supporters: authors u3, u1 and answerer u4 = 3. Sentiment only p3's (-0.2); p4 has no enrichment.
        # 2025-12-20 and 12-25 are recent, nothing before -> new.
        {"theme_id": theme("p3"), "ideas": 1, "posts": 2, "status": "planned", "score": 3, "upvotes": 1,
         "downvotes": 0, "supporters": 3, "mean_sentiment": -0.2, "recent_posts": 2, "previous_posts": 0,
         "trend": "new", "first_day": d(2025, 12, 20), "last_day": d(2025, 12, 25)},
        {"theme_id": theme("p8"), "ideas": 1, "posts": 1, "status": "open", "score": 2, "upvotes": 0,
         "downvotes": 0, "supporters": 1, "mean_sentiment": 0.4, "recent_posts": 1, "previous_posts": 0,
         "trend": "new", "first_day": d(2025, 12, 28), "last_day": d(2025, 12, 28)},
    ]
    [(label,)] = hand_warehouse.rows("select label from mart_idea_themes where theme_id = ?", [theme("p1")])
    assert "dark mode" in label


def test_hand_settings_change_what_counts(hand_warehouse):
    """Without intent only tagged posts are ideas; a configured status map replaces the default one; a
    theme's status is its ideas' most common, here after the similarity threshold puts p1 and p2 apart."""
    build(hand_warehouse)
    hand_warehouse.write_config("""
[marts.ideation]
use_intent = false
duplicate_similarity = 0.99
theme_similarity = 0.5
status_tags = { "status-completed" = "done", "status-planned" = "done" }
""")
    refresh(hand_warehouse)
    rows = hand_warehouse.rows("select content_id, status, is_duplicate_of from mart_idea_posts order by 1")
    p = "hand/post/"
    # p8 (intent only) is gone; p2 is no longer a duplicate of p1; p3 planned -> done; p5's declined tag is
    # no longer mapped: open.
    assert rows == [(p + "p1", "done", None), (p + "p2", "open", None), (p + "p3", "done", None),
                    (p + "p4", "open", p + "p3"), (p + "p5", "open", None)]
    # p1 and p2 stay one theme (their words are nearly the same): done 1, open 1, a tie -> the status of
    # the latest idea, p2 (2025-12-10): open.
    assert hand_warehouse.rows("select ideas, posts, status, ideas_done, ideas_open from mart_idea_themes "
                               "where theme_id = ?", [theme("p1")]) == [(2, 2, "open", 1, 1)]


def test_bad_settings_say_what_to_do(hand_warehouse):
    from warehouse.settings import ConfigError

    hand_warehouse.write_config('[marts.ideation]\nstatus_tags = { "status-completed" = "finished" }\n')
    with pytest.raises(ConfigError, match="a status is one of open, planned, done, declined"):
        hand_warehouse.refresh(as_of=AS_OF)


# --- bicycles meta: the marts against the dump's own files --------------------------------------------

TAG = re.compile(r"<([^>]+)>|\|([^|]+)\|")
STATUS = {"status-completed": "done", "status-planned": "planned", "status-declined": "declined",
          "status-bydesign": "declined"}


@pytest.fixture(scope="module")
def ideation_db(analytics_home, tmp_path_factory):
    """A copy of the analytics warehouse with the idea themes refreshed (the shared one stays read-only)."""
    from transforms.build import refresh_marts
    from warehouse.db import writer

    path = tmp_path_factory.mktemp("ideation") / "warehouse.duckdb"
    shutil.copy(analytics_home / "warehouse.duckdb", path)
    with writer(path) as con:
        summary = refresh_idea_themes(con, load_settings(analytics_home / "townsquare.toml"))
        refresh_marts(con, AS_OF, full=True, config_path=analytics_home / "townsquare.toml")
    con = duckdb.connect(str(path), read_only=True)
    yield con, summary
    con.close()


def dump_questions() -> dict[str, dict]:
    rows = ET.parse(shared_data("stackexchange_bicycles_meta") / "Posts.xml").getroot()
    questions = {}
    for r in rows:
        if r.get("PostTypeId") == "1":
            tags = [a or b for a, b in TAG.findall(r.get("Tags") or "")]
            questions[r.get("Id")] = {"tags": tags, "score": int(r.get("Score"))}
    return questions


def test_bicycles_meta_feature_requests_and_statuses(ideation_db):
    con, _ = ideation_db
    questions = dump_questions()
    requests = {i for i, q in questions.items() if "feature-request" in q["tags"]}
    upvotes = Counter(r.get("PostId") for r in ET.parse(shared_data("stackexchange_bicycles_meta") / "Votes.xml")
                      .getroot() if r.get("VoteTypeId") == "2")
    tagged = {cid.rsplit("/", 1)[1]: (status, score, ups) for cid, status, score, ups in con.execute(
        "select content_id, status, score, upvotes from mart_idea_posts "
        "where community_id = 'bicycles_meta' and found_by like 'tag%'").fetchall()}
    assert set(tagged) == requests
    for post_id in requests:
        statuses = [STATUS[t] for t in questions[post_id]["tags"] if t in STATUS]
        expected = min(statuses, key=["done", "declined", "planned"].index) if statuses else "open"
        assert tagged[post_id] == (expected, questions[post_id]["score"], upvotes[post_id]), post_id
    # every idea post is in exactly one theme, and the theme totals add up to the posts
    posts, theme_posts, ideas, theme_ideas = con.execute("""
        select (select count(*) from mart_idea_posts where community_id = 'bicycles_meta'),
               (select sum(posts) from mart_idea_themes where community_id = 'bicycles_meta'),
               (select count(*) from mart_idea_posts where community_id = 'bicycles_meta' and is_duplicate_of is null),
               (select sum(ideas) from mart_idea_themes where community_id = 'bicycles_meta')""").fetchone()
    assert posts == theme_posts and ideas == theme_ideas and posts >= len(requests)


def test_bicycles_meta_linked_duplicates_are_merged(ideation_db):
    """PostLinks type 3 between two idea posts: the duplicate is in its original's theme and marked."""
    con, _ = ideation_db
    ideas = {cid.rsplit("/", 1)[1]: (theme_id, dup) for cid, theme_id, dup in con.execute(
        "select content_id, theme_id, is_duplicate_of from mart_idea_posts where community_id = 'bicycles_meta'"
    ).fetchall()}
    links = [(r.get("PostId"), r.get("RelatedPostId"))
             for r in ET.parse(shared_data("stackexchange_bicycles_meta") / "PostLinks.xml").getroot()
             if r.get("LinkTypeId") == "3"]
    between_ideas = [(d, o) for d, o in links if d in ideas and o in ideas]
    assert between_ideas  # the dump has such a pair: the check below is not empty
    for duplicate, original in between_ideas:
        assert ideas[duplicate][0] == ideas[original][0]
        assert ideas[duplicate][1] is not None



def test_bicycles_meta_theme_totals_from_the_dump(ideation_db):
    """Per theme: statuses of its original ideas from the dump's tags and upvotes from Votes.xml."""
    con, _ = ideation_db
    questions = dump_questions()
    upvotes = Counter(r.get("PostId") for r in ET.parse(shared_data("stackexchange_bicycles_meta") / "Votes.xml")
                      .getroot() if r.get("VoteTypeId") == "2")
    expected: dict[str, Counter] = {}
    for cid, theme_id, duplicate in con.execute("select content_id, theme_id, is_duplicate_of from mart_idea_posts "
                                                "where community_id = 'bicycles_meta'").fetchall():
        post_id = cid.rsplit("/", 1)[1]
        totals = expected.setdefault(theme_id, Counter())
        totals["upvotes"] += upvotes[post_id]
        if duplicate is None:
            statuses = [STATUS[t] for t in questions[post_id]["tags"] if t in STATUS]
            totals[min(statuses, key=["done", "declined", "planned"].index) if statuses else "open"] += 1
    got = {theme_id: Counter({k: v for k, v in zip(("upvotes", "open", "planned", "done", "declined"), rest) if v})
           for theme_id, *rest in con.execute(
               "select theme_id, upvotes, ideas_open, ideas_planned, ideas_done, ideas_declined "
               "from mart_idea_themes where community_id = 'bicycles_meta'").fetchall()}
    assert got == {k: Counter({n: v for n, v in c.items() if v}) for k, c in expected.items()}
    assert sum(c["done"] for c in got.values()) >= 1


def test_quality_gate_holds_on_real_data(ideation_db):
    """The marts' declared keys, ranges and checks (their headers) hold on the real communities."""
    from transforms.checks import mart_suites
    from warehouse import quality

    con, summary = ideation_db
    suites = [s for s in mart_suites() if s.name in ("mart_idea_themes", "mart_idea_posts")]
    outcomes = quality.validate(con, suites)
    assert len(suites) == 2 and summary["posts"] > 0
    assert [o.rule for o in outcomes if not o.success] == []
