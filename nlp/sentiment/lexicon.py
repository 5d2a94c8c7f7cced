"""The word -> valence table: VADER's MIT-licensed lexicon, read from the installed package, with
Townsquare's community and support vocabulary on top."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from nlp.sentiment.vocabulary import COMMUNITY_WORDS, EMOJI, HEAD_NEGATING_PREFIXES, NEUTRALISED


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    table: dict[str, float] = {}
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            try:
                table[parts[0]] = float(parts[1])
            except ValueError:
                continue
    table.update(NEUTRALISED)
    table.update(COMMUNITY_WORDS)
    return table


def word_valence(word: str) -> float:
    """Valence of a lower-cased word. A possessive ("life's") is looked up without its "'s"; other
    apostrophes stay, as removing them makes new words ("he'll" is not "hell", "i'll" not "ill").
    A hyphenated word is looked up whole, then by its last part, the head of an English compound
    ("razor-sharp" is sharp, "user-friendly" friendly), then by its first ("error-prone", "heaven-sent")."""
    table = lexicon()
    if word in table:
        return table[word]
    if word.endswith("'s"):
        return table.get(word[:-2], 0.0)
    if "-" in word:
        parts = word.split("-")
        if parts[0] in HEAD_NEGATING_PREFIXES:
            return 0.0  # "non-stop", "anti-spam": the prefix changes what the rest means
        return table.get(parts[-1]) or table.get(parts[0], 0.0)
    return 0.0


@lru_cache(maxsize=4096)
def emoji_valence(symbol: str) -> float:
    """Authored value for common emoji; otherwise half the lexicon valence of the words in its Unicode
    name ("LOUDLY CRYING FACE" -> "crying"), which covers the long tail at lower confidence."""
    core = "".join(ch for ch in symbol if ch not in "\ufe0f\u200d" and not 0x1F3FB <= ord(ch) <= 0x1F3FF)
    if not core:
        return 0.0
    if core in EMOJI:
        return EMOJI[core]
    if core[0] in EMOJI:
        return EMOJI[core[0]]
    values = []
    for ch in core:
        try:
            name = unicodedata.name(ch)
        except ValueError:
            continue
        values += [v for v in (lexicon().get(w.lower(), 0.0) for w in name.split()) if v]
    return round(0.5 * sum(values) / len(values), 3) if values else 0.0
