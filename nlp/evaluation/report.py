"""`townsquare eval`: every evaluation of the enrichment on labelled data, printed and written as JSON."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from nlp.evaluation.learned_topics import evaluate_learned_topics
from nlp.evaluation.sentiment import evaluate_sentiment
from nlp.evaluation.tagging import evaluate_tagging
from nlp.pipeline import pipeline_version


def evaluate_all() -> dict:
    return {
        "pipeline_version": pipeline_version(),
        "evaluated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "sentiment": evaluate_sentiment(),
        "learned_topics": evaluate_learned_topics(),
        "tagging": evaluate_tagging(),
    }


def summary_lines(report: dict) -> list[str]:
    lines = [f"pipeline {report['pipeline_version']}"]
    sentiment = report["sentiment"]
    lines.append("sentiment on the held-out (test) half of vader_ground_truth; the dev half is in the JSON report")
    for dataset in (*sentiment["ground_truth"]["datasets"], "overall"):
        ours, vader = sentiment["scorers"]["townsquare"][dataset], sentiment["scorers"]["vader"][dataset]
        lines.append(f"sentiment {dataset:<15} macro-F1 {ours['macro_f1']:.3f} (VADER {vader['macro_f1']:.3f}), "
                     f"accuracy {ours['accuracy']:.3f} (VADER {vader['accuracy']:.3f})")
    topics = report["learned_topics"]
    lines.append(f"learned topics (banking77, {topics['classes']} classes) accuracy {topics['accuracy']:.3f}, "
                 f"macro-F1 {topics['macro_f1']:.3f}, trained in {topics['training_seconds']:.1f} s")
    tagging = report["tagging"]
    for split in ("test", "all"):
        scores = tagging[split]
        intent, topics, entities = scores["intent"], scores["topics"]["micro"], scores["entities"]["micro"]
        lines.append(f"labelled set ({split}, {intent['items']} items): intent macro-F1 {intent['macro_f1']:.3f} "
                     f"accuracy {intent['accuracy']:.3f}; taxonomy topics precision {topics['precision']:.3f} "
                     f"recall {topics['recall']:.3f}; catalogue entities precision {entities['precision']:.3f} "
                     f"recall {entities['recall']:.3f}")
    return lines


def write_report(report: dict, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return out
