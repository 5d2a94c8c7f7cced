"""The intent / topic / entity evaluation counts precision and recall right (a set worked out by hand)."""
from __future__ import annotations

from nlp.evaluation.tagging import evaluate_tagging, intent_scores, set_scores, split_of


def test_intent_scores_by_hand():
    gold = ["question", "question", "complaint", "praise"]
    predicted = ["question", "complaint", "complaint", "other"]
    scores = intent_scores(gold, predicted)
    assert scores["accuracy"] == 0.5
    assert scores["per_intent"]["question"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert scores["per_intent"]["complaint"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}
    assert scores["per_intent"]["praise"]["recall"] == 0.0


def test_topic_scores_by_hand():
    gold = [{"Billing"}, {"Billing", "Login"}, set()]
    predicted = [{"Billing"}, {"Login", "Mobile"}, {"Mobile"}]
    scores = set_scores(gold, predicted, ["Billing", "Login", "Mobile"])
    # 2 right of 4 predicted, 2 found of 3 labelled
    assert scores["micro"] == {"precision": 0.5, "recall": 0.6667, "f1": 0.5714, "support": 3}
    assert scores["per_name"]["Mobile"]["precision"] == 0.0


def test_evaluation_on_a_small_labelled_folder(tmp_path):
    (tmp_path / "taxonomy.toml").write_text(
        '[[topics.taxonomy]]\nname = "Billing"\nkeywords = ["refund", "invoice"]\n\n'
        '[[entities.catalogue]]\nname = "Lumen Hub"\naliases = ["hub"]\n')
    (tmp_path / "items.csv").write_text(
        "id,channel,text,intent,topics,entities\n"
        "a,forum,How do I get a refund for my hub?,question,Billing,Lumen Hub\n"
        "b,social,I was charged twice!! Unacceptable.,complaint,Billing,\n"
        "c,social,Thanks for the quick fix!,praise,,\n")
    report = evaluate_tagging(tmp_path)
    everything = report["all"]
    assert everything["intent"]["accuracy"] == 1.0
    # "charged twice" is Billing to a reader but uses none of the keywords: recall 1/2
    assert everything["topics"]["micro"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert everything["entities"]["micro"]["recall"] == 1.0
    assert report["test"]["intent"]["items"] + report["dev"]["intent"]["items"] == 3
    assert {split_of(i) for i in "abc"} <= {"dev", "test"}


def test_on_the_hand_labelled_set_the_tags_are_worth_acting_on():
    """Floors on the held-out (test) half, well above what a trivial tagger gets: the majority intent
    scores macro-F1 below 0.1, and tagging every topic would give precision near 0.1."""
    report = evaluate_tagging()
    test = report["test"]
    assert report["items"] >= 300 and test["intent"]["items"] >= 150
    assert test["intent"]["macro_f1"] >= 0.5 and test["intent"]["per_intent"]["question"]["f1"] >= 0.7
    assert test["topics"]["micro"]["precision"] >= 0.5 and test["topics"]["micro"]["recall"] >= 0.35
    assert test["entities"]["micro"]["precision"] >= 0.85 and test["entities"]["micro"]["recall"] >= 0.75
