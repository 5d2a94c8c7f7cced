"""Benchmark: mart refresh, full and incremental, on generated communities of 1 and 10 million items.

Issue 5 ("Proof"): for each size, in a fresh process (so its peak memory is its own):
- a plain aggregate scan of the content table (items and distinct authors per community, day and
  kind), the least any daily mart must read: the reference;
- a full rebuild of every model (`refresh_marts(full=True)`);
- an incremental refresh after 1% new data arrives the way loads bring it (the next days of content,
  interactions, enrichments, tickets and members, with the days they touch recorded).
Reported: seconds, and the ratios incremental / full and full / scan.

The communities are generated straight into the canonical tables with SQL (seconds for 10 million
rows, where writing and parsing source dumps of that size would be the ingest benchmark's job):
questions, answers and comments in threads over three years, members joining over time with a few
very active, one to three groups per question, votes, accepted answers, help-desk tickets with
customers, and an enrichment per item. Two communities, one nine times the other's size, so
per-community comparisons have something to compare.

Usage: python bench/marts.py [--sizes 1000000 10000000] [--out BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)

START = "2023-01-01"
SPAN_DAYS = 1095          # three years of history
NEW_SHARE = 0.01          # the incremental refresh's new data: 1% more items, on the days after
COMMUNITIES = (("big", 0.9), ("small", 0.1))

# Items i in [first, last) of a community of `total` items; everything derives from i, so the 1% of new
# items continues the same community. Kinds repeat every 20 items: 5 questions, 7 answers, 7 comments and
# 1 help-desk message (ticket_message), so a thread's question is always found 0..1000 items back.
_CONTENT = """
create or replace temp table gen_items as
select i,
       '{c}/post/' || i as content_id,
       timestamp '{start}' + to_microseconds((i::double / {total} * {span} * 86400e6)::bigint)
           + to_microseconds((random() * 3600e6)::bigint) as created_at,
       case when i % 20 < 5 then 'question' when i % 20 < 12 then 'answer'
            when i % 20 < 19 then 'comment' else 'ticket_message' end as kind,
       -- early members stay the most active (a power law over the members joined so far)
       '{c}/user/' || floor(greatest(1, {members} * i / {total}) * pow(random(), 2.5))::bigint as author,
       greatest(0, 20 * (i // 20 - floor(pow(random(), 2) * 50)::bigint) + (hash(i) % 5)::int) as question_i
from range({first}, {last}) t(i)
"""

_LOAD = """
insert into content (content_id, community_id, source, source_entity, source_record_id, kind, thread_id,
                     parent_id, author_member_id, created_at, title, body_text, tags, score, views,
                     text_hash, channel)
select content_id, '{c}', 'bench', 'post', i::varchar, kind,
       case when kind = 'question' then content_id
            when kind = 'ticket_message' then '{c}/ticket/' || (i // 80)
            else '{c}/post/' || question_i end,
       case when kind in ('question', 'ticket_message') then null else '{c}/post/' || question_i end,
       author, created_at,
       case when kind = 'question' then 'question ' || i end, 'text of item ' || i,
       case when kind = 'question' then ['g' || floor(pow(random(), 2) * 300)::int] end,
       floor(pow(random(), 3) * 20)::int - 1,
       case when kind = 'question' then floor(random() * 500)::int end,
       md5(content_id), case when kind = 'ticket_message' then 'support' else 'forum' end
from gen_items;

insert into content_groups
select content_id, '{c}/tag/g' || g, '{c}'
from (select content_id, unnest(list_distinct([floor(pow(random(), 2) * 300)::int,
                                               floor(pow(random(), 2) * 300)::int])) as g
      from gen_items where kind = 'question');

insert into interactions (interaction_id, community_id, source, kind, vote_type, from_member_id, to_member_id,
                          content_id, via_content_id, occurred_at)
select '{c}/vote/' || i || '-' || v, '{c}', 'bench', 'vote', 'upvote',
       '{c}/user/' || floor(random() * greatest(1, {members} * i / {total}))::bigint, author, content_id, null,
       created_at + to_microseconds((random() * 5 * 86400e6)::bigint)
from gen_items, range(0, 2) r(v)
where kind in ('question', 'answer') and random() < 0.6
union all
select '{c}/' || kind || '/' || i, '{c}', 'bench', kind, null, author, null,
       '{c}/post/' || question_i, content_id, created_at
from gen_items where kind in ('answer', 'comment');

insert into enrichments (content_id, text_hash, pipeline_version, community_id, language, language_confidence,
                         sentiment, sentiment_label, topics, intent, enriched_at, entities)
select content_id, md5(content_id), 'bench', '{c}', case when (hash(i) % 20)::int = 0 then 'de' else 'en' end, 0.9,
       s, case when s > 0.05 then 'positive' when s < -0.05 then 'negative' else 'neutral' end,
       case when (hash(i) % 3)::int = 0 then ['topic ' || (hash(i) % 12)::int] else [] end,
       ['question', 'idea', 'complaint', 'praise', 'other'][1 + (hash(i) % 5)::int], created_at, []
from (select *, round(random() * 2 - 1, 3) as s from gen_items);

insert into members (member_id, community_id, source, source_user_id, display_name, joined_at, person_id,
                     is_bot, is_staff, organization)
select '{c}/user/' || k, '{c}', 'bench', k::varchar, 'member ' || k,
       timestamp '{start}' + to_microseconds((k::double / {members} * {span} * 86400e6)::bigint),
       '{c}/user/' || k, false, k % 997 = 0, 'customer ' || k % 500
from range({first_member}, {last_member}) t(k);

insert into tickets (ticket_id, community_id, source, source_record_id, requester_member_id, organization,
                     status, satisfaction, created_at, updated_at, first_response_at, solved_at)
select ticket_id, '{c}', 'bench', ticket_id, arg_min(author, created_at), 'customer ' || (hash(ticket_id) % 500)::int,
       case when (hash(ticket_id) % 5)::int = 0 then 'open' else 'solved' end,
       ['good', 'bad', 'unoffered'][1 + (hash(ticket_id) % 3)::int], min(created_at), max(created_at),
       min(created_at) + interval 3 hour,
       case when (hash(ticket_id) % 5)::int = 0 then null else max(created_at) end
from (select '{c}/ticket/' || (i // 80) as ticket_id, author, created_at from gen_items where kind = 'ticket_message')
group by ticket_id;
"""


def generate(con, first_share: float, last_share: float, total: int) -> None:
    """Items [first_share, last_share) x size of each community, with their members, votes and tickets."""
    for community, share in COMMUNITIES:
        size = int(total * share)
        first, last = int(size * first_share), int(size * last_share)
        members = max(100, size // 20)
        # an item at position i has its time at i / size of the span: the 1% new items land after it
        values = dict(c=community, start=START, span=SPAN_DAYS, total=size, members=members, first=first, last=last,
                      first_member=int(members * first_share), last_member=int(members * last_share))
        con.execute(_CONTENT.format(**values))
        for statement in _LOAD.format(**values).split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("insert or replace into communities values (?, ?, 'bench', null, now(), now())",
                    [community, community])


_STEP = r"""
import json, sys, time, datetime as dt
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench.marts import generate, NEW_SHARE
from transforms.build import refresh_marts
from warehouse.changes import record_batch_changes, record_content_changes
from warehouse.db import writer
total, folder = int(sys.argv[1]), Path(sys.argv[2])
out = {"items": total}
as_of = dt.datetime(2026, 1, 20)
with writer(folder / "warehouse.duckdb") as con:
    t = time.perf_counter(); generate(con, 0.0, 1.0, total); out["generate_seconds"] = time.perf_counter() - t
    con.execute("checkpoint")
    out["content_rows"] = con.execute("select count(*) from content").fetchall()[0][0]
    out["interaction_rows"] = con.execute("select count(*) from interactions").fetchall()[0][0]
    t = time.perf_counter()
    con.execute("select community_id, created_at::date as day, kind, count(*), count(distinct author_member_id) "
                "from content group by all").fetchall()
    out["scan_seconds"] = time.perf_counter() - t
    t = time.perf_counter(); full = refresh_marts(con, as_of, full=True); out["full_seconds"] = time.perf_counter() - t
    out["full_models"] = full.model_seconds
    con.execute("delete from refresh_changes")
    # 1% new data, brought in as a load would: stage tables, merge, record the days touched.
    before = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in ("content", "interactions")}
    con.execute("create temp table known_content as select content_id from content")
    con.execute("create temp table known_interactions as select interaction_id from interactions")
    con.execute("create temp table known_members as select member_id from members")
    con.execute("create temp table known_tickets as select ticket_id from tickets")
    generate(con, 1.0, 1.0 + NEW_SHARE, total)
    for table, key in (("content", "content_id"), ("interactions", "interaction_id"), ("members", "member_id"),
                       ("tickets", "ticket_id")):
        con.execute(f"create temp table stage_{table} as select * from {table} "
                    f"where {key} not in (select {key} from known_{table})")
    for table in ("groups", "content_groups", "badges", "content_links", "content_history", "ticket_events"):
        con.execute(f"create temp table stage_{table} as select * from {table} limit 0")
    record_batch_changes(con, as_of)
    record_content_changes(con, "select content_id from stage_content", [])
    out["new_items"] = con.execute("select count(*) from stage_content").fetchall()[0][0]
    out["changed_days"] = con.execute("select count(*) from (select distinct community_id, day from refresh_changes)").fetchall()[0][0]
    t = time.perf_counter(); refresh = refresh_marts(con, as_of); out["incremental_seconds"] = time.perf_counter() - t
    out["incremental_mode"] = refresh.mode
    out["incremental_models"] = refresh.model_seconds
    out["marts"] = len([m for m in refresh.built if m.startswith("mart_")])
status = Path("/proc/self/status").read_text()
out["peak_mib"] = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps(out))
"""


def measure(total: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, TOWNSQUARE_HOME=folder, TOWNSQUARE_CONFIG=str(Path(folder) / "townsquare.toml"))
        done = subprocess.run([sys.executable, "-c", _STEP, str(total), folder, str(REPO)], cwd=REPO, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"mart benchmark at {total:,} items failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(results: list[dict], command: str, commit: str) -> str:
    lines = [f"\n### Mart refresh ({time.strftime('%Y-%m-%d')}, `{command}`)\n",
             f"Commit {commit}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the end. "
             "Generated communities (bench/marts.py): content, interactions, members, tickets and enrichments "
             "written straight into the canonical tables; 1% new items for the incremental refresh.\n",
             "| items | interactions | marts | scan s | full rebuild s | incremental s (1% new) | changed days "
             "| incremental / full | full / scan | peak MiB |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['content_rows']:,} | {r['interaction_rows']:,} | {r['marts']} | {r['scan_seconds']:.2f} | "
            f"{r['full_seconds']:.1f} | {r['incremental_seconds']:.1f} ({r['incremental_mode']}) | {r['changed_days']} "
            f"| {r['incremental_seconds'] / r['full_seconds']:.2f} | {r['full_seconds'] / r['scan_seconds']:.0f}x | "
            f"{r['peak_mib']:,.0f} |")
    for r in results:
        for phase in ("full", "incremental"):
            models = r[f"{phase}_models"]
            top = sorted(models, key=lambda m: -models[m])[:6]
            other = r[f"{phase}_seconds"] - sum(models.values())
            lines.append(f"\n{r['content_rows']:,} items, {phase}: slowest models "
                         + ", ".join(f"{m} {models[m]:.1f}s" for m in top)
                         + f"; outside the models (calendar, change bookkeeping) {other:.1f}s.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--out", type=Path, help="append the results to this markdown file")
    args = parser.parse_args()
    results = []
    for total in args.sizes:
        result = measure(total)
        print(json.dumps(result))
        results.append(result)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    text = markdown(results, "python bench/marts.py " + " ".join(sys.argv[1:]), commit)
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
