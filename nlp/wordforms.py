"""base_form(word): one key for the inflections of an English word (refund, refunds, refunded, refunding).

Taxonomy keywords and emerging-topic terms are matched on these keys, so a community manager writes a
keyword once and every inflection counts. The key is a light stem, not a dictionary lemma: the default
pipeline has no lemmatizer (spaCy's needs a tagger model or the spacy-lookups-data tables), and matching
only needs keyword and text to reduce to the same key. Irregular forms of common words are listed.
"""
from __future__ import annotations

import re
from functools import lru_cache

IRREGULAR = {
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
    "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "done": "do", "doing": "do",
    "went": "go", "gone": "go", "goes": "go", "going": "go", "got": "get", "gotten": "get", "getting": "get",
    "paid": "pay", "bought": "buy", "sold": "sell", "sent": "send", "made": "make", "making": "make",
    "broke": "break", "broken": "break", "took": "take", "taken": "take", "taking": "take", "gave": "give",
    "given": "give", "giving": "give", "came": "come", "coming": "come", "said": "say", "says": "say",
    "saw": "see", "seen": "see", "found": "find", "lost": "lose", "losing": "lose", "kept": "keep",
    "left": "leave", "leaving": "leave", "felt": "feel", "thought": "think", "told": "tell", "wrote": "write",
    "written": "write", "writing": "write", "ran": "run", "running": "run", "began": "begin", "begun": "begin",
    "using": "use", "used": "use", "uses": "use", "children": "child", "people": "person", "men": "man",
    "women": "woman", "feet": "foot", "mice": "mouse", "froze": "freeze", "frozen": "freeze",
    "better": "good", "best": "good", "worse": "bad", "worst": "bad",
}
# Words that look inflected but are not (news is not the plural of new).
UNCHANGED = frozenset({"news", "status", "data", "always", "series", "ios", "macos", "analytics", "physics", "bonus",
                       "campus", "virus", "canvas", "alias", "gas", "yes", "this", "thus", "plus", "less", "unless"})
VOWEL = re.compile(r"[aeiouy]")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Double consonants left by stripping -ed / -ing (stopped -> stopp -> stop); l, s, z double in base forms.
_DOUBLED = re.compile(r"([bcdfghjkmnpqrtvwx])\1$")


@lru_cache(maxsize=200_000)
def base_form(word: str) -> str:
    w = word.lower().replace("’", "'")
    w = IRREGULAR.get(w, w)
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3 or not w.isalpha() or w in UNCHANGED:
        return w
    # plurals and third person
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    # past and progressive forms
    if w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ed") and not w.endswith("eed") and VOWEL.search(w[:-2]):
        w = _DOUBLED.sub(r"\1", w[:-2])
    elif w.endswith("ing") and len(w) > 5 and VOWEL.search(w[:-3]):
        w = _DOUBLED.sub(r"\1", w[:-3])
    # a final silent e: charge / charged / charging all become "charg"
    if w.endswith("e") and len(w) > 3 and not w.endswith("ee"):
        w = w[:-1]
    return w


def words(text: str) -> list[str]:
    """The words of a text in order (letters and digits, inner apostrophes kept), lower-cased."""
    return [m.group(0).lower() for m in WORD.finditer(text)]


def base_forms(text: str) -> list[str]:
    return [base_form(w) for w in words(text)]
