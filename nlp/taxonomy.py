"""Topics from the community's own taxonomy: each topic's keywords matched as whole words in any
inflection and case (nlp.wordforms), and its regular expressions on the lowercase text.

    taxonomy = Taxonomy(load_nlp_settings().taxonomy)
    taxonomy.match(["i", "was", "charged", "twice"], "i was charged twice")
    -> [TopicMatch("Billing", "'charged twice'")]
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from nlp.settings import TaxonomyTopic
from nlp.wordforms import base_form, words


@dataclass(frozen=True)
class TopicMatch:
    topic: str
    evidence: str  # the words or pattern that matched, as written in the text


class Taxonomy:
    def __init__(self, topics: tuple[TaxonomyTopic, ...] | list[TaxonomyTopic]):
        self.names = [t.name for t in topics]
        # keyword phrases as base-form sequences, indexed by their first word for a single pass over the text
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._patterns: list[tuple[re.Pattern, str]] = []
        for topic in topics:
            for keyword in topic.keywords:
                key = tuple(base_form(w) for w in words(keyword))
                if key:
                    self._phrases[key[0]].append((key, topic.name))
            for pattern in topic.patterns:
                self._patterns.append((re.compile(pattern), topic.name))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda c: -len(c[0]))  # longest phrase first

    def __bool__(self) -> bool:
        return bool(self.names)

    def match(self, tokens: list[str], lower_text: str) -> list[TopicMatch]:
        """Topics of a text, in taxonomy order, each with the first evidence found. `tokens` are the text's
        words (any case); `lower_text` is the whole text lower-cased, for the patterns."""
        found: dict[str, str] = {}
        keys = [base_form(t) for t in tokens]
        for i, key in enumerate(keys):
            for phrase, topic in self._phrases.get(key, ()):
                if topic not in found and tuple(keys[i:i + len(phrase)]) == phrase:
                    found[topic] = "'" + " ".join(tokens[i:i + len(phrase)]) + "'"
        for pattern, topic in self._patterns:
            if topic not in found and (m := pattern.search(lower_text)):
                found[topic] = f"'{m.group(0)}' (pattern)"
        return [TopicMatch(name, found[name]) for name in self.names if name in found]
