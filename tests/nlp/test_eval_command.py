"""`townsquare eval`: one command that measures the enrichment on labelled data and writes the report."""
from __future__ import annotations

import csv
import json

from townsquare.cli import main


def test_eval_prints_a_summary_and_writes_the_report(tmp_path, capsys, shared_dataset):
    shared_dataset("vader_ground_truth")  # fail, not skip, in CI when the data is missing
    with (shared_dataset("banking77") / "test.csv").open(encoding="utf-8") as f:
        test_rows = sum(1 for _ in csv.DictReader(f))
    out = tmp_path / "report.json"
    assert main(["eval", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert report["pipeline_version"] in printed
    overall = report["sentiment"]["scorers"]["townsquare"]["overall"]
    assert f"sentiment overall         macro-F1 {overall['macro_f1']:.3f}" in printed
    assert report["learned_topics"]["test_size"] == test_rows
    assert f"accuracy {report['learned_topics']['accuracy']:.3f}" in printed
    tagging = report["tagging"]["test"]
    assert f"intent macro-F1 {tagging['intent']['macro_f1']:.3f}" in printed
    assert report["tagging"]["items"] == tagging["intent"]["items"] + report["tagging"]["dev"]["intent"]["items"]
