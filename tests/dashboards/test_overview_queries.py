"""The Overview's numbers, checked against counts taken straight from the dump XML.

The snapshot holds the real cardano dump and a synthetic community: every figure must be right for
one community, for both together, and for a date range that cuts through the data.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

import pytest

from dashboards import figures, queries

BOT = "-1"
ALL_TIME = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))
JUNE = (dt.date(2021, 6, 1), dt.date(2021, 6, 30))


def _day(timestamp: str) -> dt.date:
    return dt.datetime.fromisoformat(timestamp).date()


@pytest.fixture(scope="module")
def dumps(xml_rows, shared_dataset, acme_dump):
    """Per community: its posts, users and comments as attribute dicts."""
    folders = {"cardano": shared_dataset("stackexchange_cardano"), "acme": acme_dump}
    return {c: {name: xml_rows(folder / f"{name}.xml") for name in ("Posts", "Users", "Comments")}
            for c, folder in folders.items()}


def _expected(dump, start, end) -> dict:
    """KPIs computed the plain way from one community's XML."""
    def within(row):
        return start <= _day(row["CreationDate"]) <= end

    questions = [p for p in dump["Posts"] if p["PostTypeId"] == "1" and within(p)]
    answers = [p for p in dump["Posts"] if p["PostTypeId"] == "2" and within(p)]
    comments = [c for c in dump["Comments"] if within(c)]
    authors = {p.get("OwnerUserId") for p in questions + answers} | {c.get("UserId") for c in comments}
    asked = {p["Id"]: p.get("OwnerUserId") for p in dump["Posts"] if p["PostTypeId"] == "1"}
    # Answered: an answer by anyone but the asker and the bot (a deleted account's answer counts).
    answered = {p["ParentId"] for p in dump["Posts"] if p["PostTypeId"] == "2"
                and (p.get("OwnerUserId") is None or p["OwnerUserId"] not in (BOT, asked.get(p["ParentId"])))}
    return {
        "new_members": sum(1 for u in dump["Users"] if u["Id"] != BOT and within(u)),
        "active_members": len(authors - {None, BOT}),
        "questions": len(questions), "answers": len(answers), "comments": len(comments),
        "unanswered": sum(1 for q in questions if q["Id"] not in answered),
    }


@pytest.mark.parametrize("community", ["cardano", "acme"])
@pytest.mark.parametrize("period", [ALL_TIME, JUNE], ids=["all-time", "june-2021"])
def test_kpis_of_one_community(two_communities_snapshot, dumps, community, period):
    expected = _expected(dumps[community], *period)
    got = queries.kpis(two_communities_snapshot, community, *period)
    assert (got.new_members, got.active_members, got.questions, got.answers, got.comments) == (
        expected["new_members"], expected["active_members"], expected["questions"], expected["answers"],
        expected["comments"])
    assert got.unanswered_share == pytest.approx(expected["unanswered"] / expected["questions"])


def test_kpis_of_all_communities_add_up(two_communities_snapshot, dumps):
    both = queries.kpis(two_communities_snapshot, None, *JUNE)
    each = [_expected(dumps[c], *JUNE) for c in ("cardano", "acme")]
    assert both.questions == sum(e["questions"] for e in each) > 0
    assert both.active_members == sum(e["active_members"] for e in each)  # member ids are per community
    assert both.unanswered_share == pytest.approx(sum(e["unanswered"] for e in each)
                                                  / sum(e["questions"] for e in each))


def test_cardano_all_time_matches_the_published_figures(two_communities_snapshot):
    got = queries.kpis(two_communities_snapshot, "cardano", *ALL_TIME)
    assert (got.questions, got.new_members) == (1042, 3987)
    assert got.unanswered_share == pytest.approx(155 / 1042)
    assert got.median_hours_to_first_response == pytest.approx(3.30, abs=0.01)
    assert got.p90_hours_to_first_response > got.median_hours_to_first_response


def test_empty_range_gives_zeros_not_errors(two_communities_snapshot):
    got = queries.kpis(two_communities_snapshot, "cardano", dt.date(1999, 1, 1), dt.date(1999, 12, 31))
    assert (got.questions, got.active_members, got.unanswered_share, got.median_hours_to_first_response) == (
        0, 0, None, None)
    assert queries.top_contributors(two_communities_snapshot, "cardano", dt.date(1999, 1, 1),
                                    dt.date(1999, 12, 31)).empty


def test_members_over_time_weekly_distinct_actives(two_communities_snapshot, dumps):
    df = queries.members_over_time(two_communities_snapshot, "cardano", *ALL_TIME)
    assert queries.granularity("members", *ALL_TIME) == "week"
    assert all(p.weekday() == 0 for p in df["period"])  # ISO weeks start on Monday
    active = defaultdict(set)
    posts = [(p["CreationDate"], p.get("OwnerUserId")) for p in dumps["cardano"]["Posts"] if p["PostTypeId"] in "12"]
    posts += [(c["CreationDate"], c.get("UserId")) for c in dumps["cardano"]["Comments"]]
    for created, author in posts:
        if author not in (None, BOT):
            day = _day(created)
            active[day - dt.timedelta(days=day.weekday())].add(author)
    got = {row.period.date() if hasattr(row.period, "date") else row.period: row.active_members
           for row in df.itertuples() if row.active_members}
    assert got == {week: len(people) for week, people in active.items()}
    assert df["members_joined"].sum() == 3987 and df["members_total"].iloc[-1] == 3987


def test_members_total_counts_members_who_joined_before_the_range(two_communities_snapshot, dumps):
    df = queries.members_over_time(two_communities_snapshot, "cardano", *JUNE)
    joined_by_end_of_june = sum(1 for u in dumps["cardano"]["Users"] if u["Id"] != BOT
                                and _day(u["CreationDate"]) <= JUNE[1])
    assert queries.granularity("members", *JUNE) == "day" and len(df) == 30
    assert df["members_total"].iloc[-1] == joined_by_end_of_june


def test_popular_groups_rank_tags_by_their_threads_content(two_communities_snapshot, dumps):
    posts = dumps["cardano"]["Posts"]
    tags = {p["Id"]: p["Tags"].strip("<>").split("><") for p in posts if p["PostTypeId"] == "1"}
    thread = {p["Id"]: p["Id"] for p in posts if p["PostTypeId"] == "1"}
    thread.update({p["Id"]: p["ParentId"] for p in posts if p["PostTypeId"] == "2"})
    content = Counter()
    for p in posts:
        if p["PostTypeId"] in ("1", "2"):
            for tag in tags.get(thread[p["Id"]], []):
                content[tag] += 1
    for c in dumps["cardano"]["Comments"]:
        for tag in tags.get(thread.get(c["PostId"]), []):
            content[tag] += 1
    df = queries.popular_groups(two_communities_snapshot, "cardano", *ALL_TIME)
    expected = sorted(content.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert list(zip(df["group_name"], df["content_items"])) == expected


def test_top_contributors_rank_by_posts(two_communities_snapshot, dumps):
    posts = Counter(p.get("OwnerUserId") for p in dumps["cardano"]["Posts"]
                    if p["PostTypeId"] in ("1", "2") and p.get("OwnerUserId") not in (None, BOT))
    df = queries.top_contributors(two_communities_snapshot, "cardano", *ALL_TIME, limit=5)
    assert list(df["posts"]) == sorted(posts.values(), reverse=True)[:5]
    top_id, top_posts = posts.most_common(1)[0]
    assert df.iloc[0]["member_id"] == f"cardano/stackexchange/user/{top_id}" and df.iloc[0]["posts"] == top_posts


def test_unanswered_questions_are_the_latest_without_answers(two_communities_snapshot):
    df = queries.unanswered_questions(two_communities_snapshot, None, *JUNE, limit=10)
    assert 0 < len(df) <= 10
    assert list(df["asked_at"]) == sorted(df["asked_at"], reverse=True)
    assert all(JUNE[0] <= t.date() <= JUNE[1] for t in df["asked_at"])
    response = queries.response_over_time(two_communities_snapshot, None, *JUNE)
    assert queries.granularity("response", *JUNE) == "day"
    assert response["questions"].sum() == queries.kpis(two_communities_snapshot, None, *JUNE).questions


def test_figures_titles_and_empty_state(two_communities_snapshot):
    df = queries.members_over_time(two_communities_snapshot, "acme", *ALL_TIME)
    fig = figures.members_chart(df, "week")
    assert fig.layout.title.text == "New and active members per week"
    assert list(fig.data[0].y) == list(df["members_joined"])
    empty = figures.groups_chart(queries.popular_groups(two_communities_snapshot, "acme", dt.date(1999, 1, 1),
                                                        dt.date(1999, 1, 2)))
    assert empty.layout.annotations[0].text == "No activity in this range"
    assert statistics.fmean(df["active_members"]) > 0


def test_open_escalations_wait_longest_first(two_communities_snapshot):
    import duckdb

    summary, oldest = queries.open_escalations(two_communities_snapshot, "cardano")
    con = duckdb.connect(str(two_communities_snapshot), read_only=True)
    try:
        waits = [w for (w,) in con.execute("select hours_waited from mart_escalations "
                                           "where community_id = 'cardano' and status = 'open'").fetchall()]
    finally:
        con.close()
    assert summary["open"] == len(waits) > 100  # cardano's unanswered questions, long past 48 hours
    assert summary["oldest_hours"] == max(waits)
    assert list(oldest["hours_waited"]) == sorted(waits, reverse=True)[:10]
    assert oldest["title"].notna().all()  # forum escalations are questions, named by their title
    both, _ = queries.open_escalations(two_communities_snapshot, None)
    assert both["open"] >= summary["open"]
