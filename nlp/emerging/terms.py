"""The terms of a text for theme discovery: base forms of content words and two-word phrases.

A phrase is two content words written next to each other with no punctuation between them ("battery
drain", "staking rewards", "ledger nano"): a noun-phrase approximation that needs no parser. Stop words,
numbers, links, @mentions, e-mail addresses and code-like tokens (hashes, addresses, ids) are never
terms and break a phrase. Each term is keyed by base forms (nlp.wordforms.base_form), so "refunds",
"refunded" and "refund" are one term; the way people actually wrote it is counted so labels can show it.
"""
from __future__ import annotations

import re
from collections import Counter

from nlp.emerging.stopwords import is_stop_word
from nlp.text import MENTION, URL, prepare
from nlp.wordforms import WORD, base_form

# Links, e-mail addresses and @mentions become a boundary (one pass instead of three substitutions).
NOT_WORDS = re.compile(rf"{URL.pattern}|\b[\w.+-]+@[\w-]+\.[\w.]+\b|{MENTION.pattern}")
# One scan finds words and the boundaries phrases do not cross: sentence and clause punctuation, brackets,
# quotes, code symbols, line breaks, a spaced dash. Anything else (spaces, a hyphen inside a word) is skipped.
SCAN = re.compile(rf"({WORD.pattern})|[.,;:!?()\[\]{{}}<>\"“”«»|/\\=*+&^%$#~`\n\r\t–—]|\s-+\s|\s['’]|['’]\s")
MAX_WORD = 30    # longer "words" are hashes, keys or pasted blobs
MAX_CODE = 6     # letters with digits are kept when short (v2, cip30, ps5, m1), dropped when long (addresses)

_KEYS: dict[str, str | None] = {}  # word as written (lower case) -> term key, or None when it is no term


def term_key(word: str) -> str | None:
    """The base form a word counts under as a term, or None for stop words, numbers and code-like tokens."""
    key = _KEYS.get(word, "")
    if key != "":
        return key
    key = None
    if 2 <= len(word) <= MAX_WORD and not word.isdigit():
        has_digit = any(c.isdigit() for c in word)
        if not has_digit or (len(word) <= MAX_CODE and any(c.isalpha() for c in word)):
            base = base_form(word)
            if "'" not in base and "’" not in base and len(base) >= 2 and not is_stop_word(word, base):
                key = base
    if len(_KEYS) < 500_000:  # a bounded memo: vocabularies are Zipfian, the common words stay cached
        _KEYS[word] = key
    return key


def clean(title: str | None, body: str | None) -> str:
    """The item's text (nlp.text.prepare) without links, @mentions and e-mail addresses, in lower case."""
    text = prepare(*(part if isinstance(part, str) else None for part in (title, body)))
    return NOT_WORDS.sub(" . ", text).lower()


def text_terms(text: str, surfaces: Counter | None = None) -> list[str]:
    """Every term occurrence of a cleaned text (words and phrases, in order); with `surfaces`, also count
    (term, as written) pairs there."""
    terms: list[str] = []
    previous = previous_word = None
    for word in SCAN.findall(text):
        key = term_key(word) if word else None  # "" is a boundary
        if key is None:
            previous = None
            continue
        terms.append(key)
        if surfaces is not None:
            surfaces[key, word] += 1
        if previous is not None and previous != key:  # "very very", "refund refunded": no phrase
            phrase = f"{previous} {key}"
            terms.append(phrase)
            if surfaces is not None:
                surfaces[phrase, f"{previous_word} {word}"] += 1
        previous, previous_word = key, word
    return terms


def surface_forms(surfaces: Counter) -> dict[str, str]:
    """term key -> the way people wrote it most often (ties: the shortest, then alphabetical)."""
    best: dict[str, tuple[int, int, str]] = {}
    for (key, written), count in surfaces.items():
        rank = (-count, len(written), written)
        if key not in best or rank < best[key]:
            best[key] = rank
    return {key: rank[2] for key, rank in best.items()}
