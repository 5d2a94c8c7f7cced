"""`townsquare`: the command-line front door over the same functions the Airflow DAGs call."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tqdm import tqdm


def _community_from_folder(folder: Path) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", folder.resolve().name.lower()).strip("-")
    return slug or "community"


class _FileProgress:
    """A progress bar per dump file, fed by the extractor's (file, rows read) callback."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None
        self.file: str | None = None

    def __call__(self, file_name: str, rows: int) -> None:
        if file_name != self.file:
            self.close()
            self.file = file_name
            self.bar = tqdm(desc=f"reading {file_name}", unit=" rows", leave=False, file=sys.stderr)
        self.bar.update(rows - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _print_summary(manifest) -> None:
    print(f"\n{manifest.name} ({manifest.community}) from {manifest.location}, batch {manifest.batch_id}")
    width = max([18] + [len(f.source_file) + 2 for f in manifest.files])
    print(f"  {'file':<{width}}{'status':<12}{'read':>10}{'loaded':>10}{'quarantined':>13}")
    for f in manifest.files:
        print(f"  {f.source_file:<{width}}{f.status:<12}{f.read:>10,}{f.landed:>10,}{f.quarantined:>13,}")
    print(f"  {'total':<{width + 12}}{manifest.read:>10,}{manifest.landed:>10,}{manifest.quarantined:>13,}"
          f"   (read = loaded + quarantined)")
    for f in manifest.files:
        if f.message and f.status != "ok":
            print(f"  note: {f.message}")
    if manifest.quarantined:
        print("  Quarantined records are in the warehouse table `quarantine` with file, position and reason.")


def _ingest_one(source) -> int:
    """Extract and load one source, print its summary; 1 when nothing could be read."""
    from ingest.batches import nothing_read, nothing_read_message
    from ingest.framework import NothingReadable
    from townsquare import pipeline

    progress = _FileProgress()
    try:
        batch_dir, manifest = pipeline.extract(source, progress)
    except NothingReadable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    pipeline.load([batch_dir])  # even an unreadable source loads its quarantine and run log
    _print_summary(manifest)
    if nothing_read(manifest):
        print(f"error: {nothing_read_message(manifest)}", file=sys.stderr)
        return 1
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from warehouse.settings import ConfigError, Source, validate_community_id

    path = Path(args.path)
    try:
        community = validate_community_id(args.community or _community_from_folder(path), "--community")
        namespace = validate_community_id(args.namespace, "--namespace") if args.namespace else ""
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    status = _ingest_one(Source(args.kind, path, community, args.name or community, namespace))
    if status == 0:
        print("\nNext: `townsquare run` builds the marts and publishes them to the dashboard.")
    return status


def cmd_ingest_configured(args: argparse.Namespace) -> int:
    from townsquare import pipeline
    from warehouse.settings import ConfigError

    try:
        sources = pipeline.configured_sources()
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.source:
        sources = [s for s in sources if s.key == args.source]
        if not sources:
            print(f"error: no configured source {args.source!r}; `<community>/<namespace>` of a [[sources]] entry",
                  file=sys.stderr)
            return 2
    if not sources:
        print("error: no [[sources]] in the configuration; see docs/configuration.md", file=sys.stderr)
        return 2
    return max(_ingest_one(source) for source in sources)


def cmd_run(args: argparse.Namespace) -> int:
    from townsquare import pipeline
    from warehouse.quality import QualityGateFailed

    enriched = pipeline.enrich()
    print(f"enriched {enriched.enriched:,} items ({enriched.errors:,} could not be, see enrichments.error) with "
          f"pipeline {enriched.version}")
    emerging = enriched.emerging
    print(f"emerging topics: {emerging['recomputed']:,} of {emerging['periods']:,} {emerging['period_kind']}s recomputed, "
          f"{emerging['themes']:,} themes")
    ideation = enriched.ideation
    print(f"ideas: {ideation['posts']:,} idea posts in {ideation['themes']:,} themes "
          f"({ideation['duplicates']:,} near-duplicates merged)")
    try:
        built = pipeline.build_marts(full=args.full)
    except QualityGateFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"built {len(built)} models: {', '.join(built)}")
    print(f"published {pipeline.publish()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """A published mart as CSV (the influencer list for a campaign, the escalations for a help desk)."""
    import duckdb

    from transforms.build import mart_names
    from warehouse import serving

    if args.mart not in mart_names():
        print(f"error: no mart {args.mart!r}; marts: {', '.join(mart_names())}", file=sys.stderr)
        return 2
    filters, params = [], []
    for column, value in (("community_id", args.community), ("topic", args.topic), ("label", args.label)):
        if value is not None:
            filters.append(f"{column} = ?")
            params.append(value)
    where = f" where {' and '.join(filters)}" if filters else ""
    try:
        rows = serving.query(f'select * from "{args.mart}"{where}', params)
    except serving.SnapshotMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except duckdb.BinderException as e:
        print(f"error: {args.mart} cannot be filtered that way ({e}); leave out --topic / --label", file=sys.stderr)
        return 2
    rows.to_csv(args.out or sys.stdout, index=False)
    if args.out:
        print(f"wrote {len(rows):,} rows of {args.mart} to {args.out}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from dashboards.app import serve

    serve(host=args.host, port=args.port)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from synthetic.stackexchange import generate_stackexchange_dump

    counts = generate_stackexchange_dump(Path(args.out), members=args.members, days=args.days, seed=args.seed,
                                         site_name=args.site_name)
    print(f"wrote a synthetic Stack Exchange dump to {args.out}: "
          + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
    return 0


def cmd_identities_review(args: argparse.Namespace) -> int:
    from townsquare import pipeline

    people, suggestions = pipeline.identity_review(args.community)
    if not people and not suggestions:
        print("Every account is its own person and no handles repeat across sources.")
    current = None
    for person_id, member_id, display_name, handle, evidence in people:
        if person_id != current:
            print(f"\nperson {person_id}")
            current = person_id
        label = " ".join(x for x in (display_name, f"@{handle}" if handle else None) if x)
        print(f"  {member_id:<48} {label:<32} {evidence or ''}")
    if suggestions:
        print("\nPossible matches (same handle in two sources, not joined): "
              "`townsquare identities merge A B --reason ...` to join")
        for a, b, handle in suggestions:
            print(f"  @{handle}: {a}  ~  {b}")
    return 0


def cmd_identities_decide(args: argparse.Namespace) -> int:
    import getpass

    from townsquare import pipeline
    from warehouse.settings import ConfigError

    try:
        pipeline.identity_decision(args.member_id, args.other_member_id, args.decision, args.reason,
                                   args.by or getpass.getuser())
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"recorded: {args.decision} {args.member_id} and {args.other_member_id}; "
          "`townsquare run` applies it")
    return 0


def cmd_topics_train(args: argparse.Namespace) -> int:
    from nlp.topics_learned.train import main as train_main

    extra = ["--threshold", str(args.threshold)] if args.threshold is not None else []
    return train_main([args.csv, "--text-column", args.text_column, "--label-column", args.label_column, *extra])


def cmd_eval(args: argparse.Namespace) -> int:
    from nlp.evaluation.report import evaluate_all, summary_lines, write_report

    report = evaluate_all()
    print("\n".join(summary_lines(report)))
    print(f"report: {write_report(report, Path(args.out))}")
    return 0


def cmd_airflow(args: argparse.Namespace) -> int:
    from townsquare.airflow_local import run_standalone

    run_standalone(port=args.port)
    return 0  # not reached: the process becomes airflow standalone


def cmd_generate_community(args: argparse.Namespace) -> int:
    from synthetic.community import generate_community

    out = Path(args.out)
    generated = generate_community(out, members=args.members, days=args.days, seed=args.seed,
                                   site_name=args.site_name)
    (out / "townsquare.toml").write_text(generated["toml"], encoding="utf-8")
    print(f"wrote community {generated['community']} to {out} ({', '.join(generated['counts'])}; "
          f"{len(generated['people']):,} people on several channels) and {out / 'townsquare.toml'}")
    print(f"Next: TOWNSQUARE_CONFIG={out / 'townsquare.toml'} townsquare ingest configured && townsquare run")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from townsquare.demo import run_demo

    return run_demo(members=args.members, days=args.days, serve=not args.no_serve, host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    from ingest.framework import API_KINDS, KINDS

    parser = argparse.ArgumentParser(
        prog="townsquare",
        description="Community analytics for forums, social posts and support tickets. "
                    "Data lives under $TOWNSQUARE_HOME (default ./.townsquare).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="read a source into the landing zone and the warehouse")
    kinds = ingest.add_subparsers(dest="kind", required=True, metavar="KIND")
    configured = kinds.add_parser("configured", help="the sources in townsquare.toml (all, or one with --source)",
                                  description="Ingest the [[sources]] of the configuration ($TOWNSQUARE_CONFIG or "
                                              "./townsquare.toml), each from its stored cursor onwards.")
    configured.add_argument("--source", help="only this source: '<community>/<namespace>'")
    configured.set_defaults(func=cmd_ingest_configured)
    for kind, (_, reads) in KINDS.items():
        if kind in API_KINDS:
            continue  # read through the configuration: they need a url and credentials
        sub = kinds.add_parser(kind, help=reads,
                               description=f"Ingest {reads}. Bad records are quarantined with file, position and "
                                           "reason; the summary reconciles read = loaded + quarantined. "
                                           "Exits 1 only when nothing could be read.")
        sub.add_argument("path", help="the file or folder to read")
        sub.add_argument("--community", help="community id (default: the folder or file name, lowercased)")
        sub.add_argument("--name", help="display name shown in the dashboard (default: the community id)")
        sub.add_argument("--namespace", help=f"prefix of this source's ids in the community (default: {kind})")
        sub.set_defaults(func=cmd_ingest)

    run = commands.add_parser("run", help="enrich, build the marts from what was ingested, check them and publish",
                              description="Enrich new content (NLP), resolve identities, check the core tables, "
                                          "refresh the marts (only the days that changed, when only data "
                                          "changed), check them, and publish a new serving snapshot "
                                          "atomically. A failed critical check publishes nothing and exits 1.")
    run.add_argument("--full", action="store_true", help="rebuild every mart from scratch instead of refreshing")
    run.set_defaults(func=cmd_run)

    export = commands.add_parser("export", help="write a published mart as CSV (e.g. the influencers of a topic)",
                                 description="Write a mart of the published snapshot as CSV, optionally only one "
                                             "community, topic or label: townsquare export mart_influencers "
                                             "--community acme --label advocate --out advocates.csv")
    export.add_argument("mart", help="a mart name, e.g. mart_influencers, mart_idea_themes, mart_escalations")
    export.add_argument("--community", help="only this community_id")
    export.add_argument("--topic", help="only this topic (marts with a topic column; '' is the whole community)")
    export.add_argument("--label", help="only this label (mart_influencers: advocate, detractor, influencer, neutral)")
    export.add_argument("--out", help="the CSV file to write (default: standard output)")
    export.set_defaults(func=cmd_export)

    for name, func, help_text in (("dashboard", cmd_dashboard, "serve the dashboard over the published snapshot"),
                                  ("demo", cmd_demo, "generate a synthetic community, run the pipeline through "
                                                     "Airflow, and serve the dashboard")):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        sub.add_argument("--port", type=int, default=8050, help="port (default 8050)")
        sub.set_defaults(func=func)
        if name == "demo":
            sub.add_argument("--members", type=int, default=3000, help="members in the larger synthetic community")
            sub.add_argument("--days", type=int, default=540, help="days of history to generate")
            sub.add_argument("--no-serve", action="store_true", help="stop after publishing; do not serve")

    topics = commands.add_parser("topics", help="topics learned from your labelled examples")
    topic_actions = topics.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = topic_actions.add_parser(
        "train", help="train the topic classifier from a CSV of text,label",
        description="Train the learned-topics classifier (docs/nlp/learned_topics.md) and save it to "
                    "$TOWNSQUARE_HOME/models/learned_topics.model, where the enrichment pipeline picks it up; "
                    "the next `townsquare run` tags content with it.")
    train.add_argument("csv", help="CSV with one example per row")
    train.add_argument("--text-column", default="text")
    train.add_argument("--label-column", default="label")
    train.add_argument("--threshold", type=float, help="minimum confidence for a topic (default 0.5)")
    train.set_defaults(func=cmd_topics_train)

    evaluate = commands.add_parser(
        "eval", help="measure the NLP enrichment on labelled data and write a JSON report",
        description="Sentiment against human ratings (vader_ground_truth, with plain VADER beside it) and learned "
                    "topics (banking77: trained on train, scored on test), from ../shared/data or "
                    "$TOWNSQUARE_SHARED_DATA. Prints a summary and writes the full report.")
    evaluate.add_argument("--out", default="eval/report.json", help="where to write the JSON report")
    evaluate.set_defaults(func=cmd_eval)

    airflow = commands.add_parser(
        "airflow", help="run Airflow (standalone: scheduler, UI, triggerer) for the Townsquare DAGs on 127.0.0.1",
        description="Start `airflow standalone` with the project's DAG folder and configuration, the LocalExecutor "
                    "with low parallelism, a SQLite metadata DB under $TOWNSQUARE_HOME/airflow and the "
                    "townsquare_warehouse pool. For production see README.md.")
    airflow.add_argument("--port", type=int, default=8080, help="port of the Airflow UI and API (default 8080)")
    airflow.set_defaults(func=cmd_airflow)

    identities = commands.add_parser(
        "identities", help="review and override which accounts are one person",
        description="Accounts of one person across sources are joined by the rules in [identity] (same salted "
                    "e-mail hash, configured same-person accounts) and by your decisions. Decisions are applied "
                    "by the next `townsquare run`.")
    actions = identities.add_subparsers(dest="action", required=True, metavar="ACTION")
    review = actions.add_parser("review", help="list people with several accounts, and possible matches to check",
                                description="People with more than one account and why they were joined, then "
                                            "accounts that share a handle across sources but are not joined.")
    review.add_argument("--community", help="only this community")
    review.set_defaults(func=cmd_identities_review)
    for action, help_text in (("merge", "these two accounts are one person"),
                              ("separate", "these two accounts are not one person, whatever the rules say")):
        sub = actions.add_parser(action, help=help_text, description=help_text.capitalize() + ".")
        sub.add_argument("member_id", help="a member id, as `identities review` shows it")
        sub.add_argument("other_member_id")
        sub.add_argument("--reason", required=True, help="why: kept with the decision")
        sub.add_argument("--by", help="who decided (default: $USER)")
        sub.set_defaults(func=cmd_identities_decide, decision=action)

    gen = commands.add_parser("generate", help="write synthetic source data")
    gen_kinds = gen.add_subparsers(dest="kind", required=True, metavar="KIND")
    gen_se = gen_kinds.add_parser("stackexchange", help="a synthetic Stack Exchange dump (deterministic per seed)")
    gen_se.add_argument("out", help="folder to write the dump files into")
    gen_se.add_argument("--members", type=int, default=2000)
    gen_se.add_argument("--days", type=int, default=365)
    gen_se.add_argument("--seed", type=int, default=7)
    gen_se.add_argument("--site-name", default="example")
    gen_se.set_defaults(func=cmd_generate)
    gen_all = gen_kinds.add_parser(
        "community", help="a synthetic community on every channel, with the configuration that ingests it",
        description="Write a forum dump, X payloads, a social CSV export, two help-desk exports and support "
                    "conversations on X for one synthetic community (the same people on several channels), and "
                    "OUT/townsquare.toml with its [[sources]] and [[identity.same_person]] entries.")
    gen_all.add_argument("out", help="folder to write into")
    gen_all.add_argument("--members", type=int, default=2000)
    gen_all.add_argument("--days", type=int, default=365)
    gen_all.add_argument("--seed", type=int, default=7)
    gen_all.add_argument("--site-name", default="example", help="also the community id")
    gen_all.set_defaults(func=cmd_generate_community)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
