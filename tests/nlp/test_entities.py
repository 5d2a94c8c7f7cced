"""Entities: catalogue products and brands by name or alias, and named entities from the optional
pretrained pipeline (installed by `make ner`; CI installs it, so there a missing package fails)."""
from __future__ import annotations

import os

import pytest

from nlp.entities import Entity, ner_available
from nlp.pipeline import build_pipeline, pipeline_version

CATALOGUE = '''
[[entities.catalogue]]
name = "Lumen Hub"
type = "PRODUCT"
aliases = ["hub 2", "lumenhub"]

[[entities.catalogue]]
name = "Brightly"
type = "BRAND"
competitor = true
'''


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "townsquare.toml"
    path.write_text(CATALOGUE)
    return path


def test_catalogue_names_and_aliases_in_any_case(config, monkeypatch):
    monkeypatch.setenv("TOWNSQUARE_NER", "off")
    nlp = build_pipeline(settings_path=config)
    doc = nlp("Switched from BRIGHTLY to the lumen hub, and my Hub 2 arrived today")
    assert doc._.entities == [Entity("Brightly", "BRAND", "catalogue"), Entity("Lumen Hub", "PRODUCT", "catalogue")]
    assert nlp("the hub of the wheel")._.entities == []  # an alias is matched as a whole phrase only


@pytest.fixture
def with_ner(monkeypatch):
    if not ner_available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs the optional NER pipeline (make ner); it is missing")
        pytest.skip("optional pretrained pipeline not installed: make ner")
    monkeypatch.setenv("TOWNSQUARE_NER", "auto")


def test_named_entities_when_the_pretrained_pipeline_is_installed(config, with_ner):
    nlp = build_pipeline(settings_path=config)
    doc = nlp("Brightly support told me to call Tim Cook at Apple in Berlin on Monday.")
    found = {(e.name, e.type, e.source) for e in doc._.entities}
    assert ("Brightly", "BRAND", "catalogue") in found
    assert {("Tim Cook", "PERSON", "ner"), ("Apple", "ORG", "ner"), ("Berlin", "GPE", "ner")} <= found
    assert not any(e.type == "DATE" for e in doc._.entities)  # dates are not who or what people talk about
    assert sum(e.name.lower() == "brightly" for e in doc._.entities) == 1  # the catalogue name wins


def test_turning_ner_on_or_off_changes_the_pipeline_version(config, with_ner, monkeypatch):
    on = pipeline_version(settings_path=config)
    monkeypatch.setenv("TOWNSQUARE_NER", "off")
    assert pipeline_version(settings_path=config) != on
    assert not any(e.source == "ner" for e in build_pipeline(settings_path=config)("Tim Cook at Apple")._.entities)


def test_ner_does_not_repeat_what_the_catalogue_found_or_account_handles(config, with_ner):
    nlp = build_pipeline(settings_path=config)
    doc = nlp("Thanks @Brightly! Moving the whole office from the Lumen Hub to Brightly Cloud with Microsoft next week.")
    texts = [e.name for e in doc._.entities]
    assert "Lumen Hub" in texts and not any("lumen hub" in t.lower() for t in texts if t != "Lumen Hub")
    assert not any(t.startswith("@") for t in texts)
