"""The enrichment pipeline: built from nlp/pipeline.cfg, versioned by its code and its configuration."""
from __future__ import annotations

import hashlib
from pathlib import Path

import spacy
from spacy.language import Language

import nlp.components  # noqa: F401  (registers the components the config names)

CONFIG = Path(__file__).with_name("pipeline.cfg")
# Bump when a component's logic changes: with the config's hash it names the pipeline version, and
# content without an enrichment of the current version is enriched again.
CODE_VERSION = "1"


def pipeline_version(config: Path = CONFIG) -> str:
    """Code version, config and the trained topic model (its header names the training), hashed: retraining
    the model, like changing the config, re-enriches every item."""
    from nlp.topics_learned.model import default_model_path

    identity = hashlib.sha256(config.read_bytes())
    model = default_model_path()
    if model.exists():
        with open(model, "rb") as f:
            identity.update(f.readline())
    return f"{CODE_VERSION}-{identity.hexdigest()[:10]}"


def build_pipeline(config: Path = CONFIG) -> Language:
    return spacy.util.load_model_from_config(spacy.util.load_config(config), auto_fill=True, validate=True)
