"""The enrichment pipeline: built from nlp/pipeline.cfg, versioned by its code and its configuration."""
from __future__ import annotations

import hashlib
from pathlib import Path

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the components the config names)
from nlp.settings import load_nlp_settings
from nlp.text import TextKeepingTokenizer

CONFIG = Path(__file__).with_name("pipeline.cfg")
CALIBRATION = Path(__file__).with_name("sentiment") / "calibration.json"
# Bump when a component's logic changes: with the config's hash it names the pipeline version, and
# content without an enrichment of the current version is enriched again.
CODE_VERSION = "2"
# The components that read the team's config (taxonomy, catalogue, intent cues).
CONFIGURED = ("townsquare_taxonomy_topics", "townsquare_intent", "townsquare_entities")


def pipeline_version(config: Path = CONFIG, settings_path: Path | str | None = None) -> str:
    """Code version, pipeline config, the team's taxonomy / catalogue / intent cues, whether named entities
    run (and which model), and the trained topic model (its header names the training), hashed: changing
    any of them re-enriches every item."""
    from nlp.components import ner_enabled
    from nlp.entities import ner_available
    from nlp.topics_learned.model import default_model_path

    identity = hashlib.sha256(config.read_bytes())
    identity.update(load_nlp_settings(settings_path).fingerprint().encode("utf-8"))
    ner = spacy.util.load_config(config)["components"]["townsquare_entities"]["ner"]
    identity.update(f"ner={ner_available() if ner_enabled(ner) else 'off'}".encode())
    identity.update(CALIBRATION.read_bytes())  # the sentiment calibration (nlp/sentiment/train_calibration.py)
    model = default_model_path()
    if model.exists():
        with open(model, "rb") as f:
            identity.update(f.readline())
    return f"{CODE_VERSION}-{identity.hexdigest()[:10]}"


def build_pipeline(config: Path = CONFIG, settings_path: Path | str | None = None) -> Language:
    """The pipeline; `settings_path` reads the taxonomy, catalogue and intent cues from another file than
    the Townsquare config (evaluation, tests)."""
    overrides = {f"components.{name}.settings_path": str(settings_path) for name in CONFIGURED} if settings_path else {}
    loaded = spacy.util.load_config(config, overrides=overrides)
    nlp = spacy.util.load_model_from_config(loaded, auto_fill=True, validate=True)
    nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    return nlp
