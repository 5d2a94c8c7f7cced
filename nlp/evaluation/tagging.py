"""Precision and recall of intent, taxonomy topics and catalogue entities on the hand-labelled set in
tests/nlp/labelled (items.csv labelled by meaning against taxonomy.toml; its README says how).

The set is split in two halves by a hash of each item's id: `dev`, the half whose errors may be read
while improving the rules, and `test`, never looked at item by item; the headline figures are on
`test`, and `all` is given beside them.
"""
from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path

from nlp.pipeline import build_pipeline
from nlp.settings import INTENTS

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "nlp" / "labelled"


def split_of(item_id: str) -> str:
    return "dev" if int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def load_items(folder: Path = LABELLED) -> list[dict]:
    with open(folder / "items.csv", encoding="utf-8", newline="") as f:
        items = list(csv.DictReader(f))
    for item in items:
        item["topics"] = {t for t in item["topics"].split("|") if t}
        item["entities"] = {e for e in item["entities"].split("|") if e}
        item["split"] = split_of(item["id"])
    return items


def _prf(true_positive: int, predicted: int, actual: int) -> dict:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": actual}


def intent_scores(gold: list[str], predicted: list[str | None]) -> dict:
    per_label = {label: _prf(sum(g == p == label for g, p in zip(gold, predicted)),
                             sum(p == label for p in predicted), sum(g == label for g in gold)) for label in INTENTS}
    return {"accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 4) if gold else 0.0,
            "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(INTENTS), 4),
            "per_intent": per_label, "items": len(gold)}


def set_scores(gold: list[set[str]], predicted: list[set[str]], names: list[str]) -> dict:
    """Multi-label: micro precision / recall over every (item, name) pair, and per name."""
    per_name = {name: _prf(sum(name in g and name in p for g, p in zip(gold, predicted)),
                           sum(name in p for p in predicted), sum(name in g for g in gold)) for name in names}
    micro = _prf(sum(len(g & p) for g, p in zip(gold, predicted)), sum(len(p) for p in predicted),
                 sum(len(g) for g in gold))
    labelled = [n for n in names if per_name[n]["support"]]
    return {"micro": micro, "macro_f1": round(sum(per_name[n]["f1"] for n in labelled) / len(labelled), 4)
            if labelled else 0.0, "per_name": per_name, "items": len(gold)}


def evaluate_tagging(folder: Path = LABELLED) -> dict:
    items = load_items(folder)
    started = time.perf_counter()
    nlp = build_pipeline(settings_path=folder / "taxonomy.toml")
    docs = list(nlp.pipe(item["text"] for item in items))
    seconds = time.perf_counter() - started
    taxonomy = [name for name in nlp.get_pipe("townsquare_taxonomy_topics").taxonomy.names]
    catalogue = list(nlp.get_pipe("townsquare_entities").catalogue.entries)
    report: dict = {"labelled_set": str(folder), "items": len(items), "seconds": round(seconds, 2),
                    "split": "sha256(id) even: dev, odd: test"}
    for split in ("test", "dev", "all"):
        chosen = [(i, d) for i, d in zip(items, docs) if split == "all" or i["split"] == split]
        report[split] = {
            "intent": intent_scores([i["intent"] for i, _ in chosen], [d._.intent for _, d in chosen]),
            "topics": set_scores([i["topics"] for i, _ in chosen], [set(d._.topics) for _, d in chosen], taxonomy),
            "entities": set_scores([i["entities"] for i, _ in chosen],
                                   [{e.name for e in d._.entities if e.source == "catalogue"} for _, d in chosen],
                                   catalogue),
        }
    return report
