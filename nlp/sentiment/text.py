"""From raw social text to tokens: repair, truncate, drop URLs and @mentions, split hashtags, tokenise."""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.sentiment.lexicon import lexicon
from nlp.sentiment.vocabulary import FUNCTION_WORDS, SARCASM_MARKERS

# Sentiment of a post is decided well within its first 10,000 characters; longer input (a pasted log,
# a 1 MB blob) is cut there so one item cannot stall a batch.
MAX_CHARS = 10_000

URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|io|ly|co)/\S*", re.IGNORECASE)
MENTION = re.compile(r"(?<![\w@])@\w+")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
ELONGATION = re.compile(r"(\w)\1{2,}")
# Laughter in its many spellings ("ahahaha", "hahah", "hehehe", "jajaja", "lmaooo", "lolol").
LAUGHTER = re.compile(r"a?(?:h+a+){2,}h*|(?:h+e+){2,}h*|(?:j+a+){2,}|l+o+l+[ol]*|lm+f*a+o+|ro+f+l+"
                      r"|[bm]wa+(?:h+a+)+h*")

EMOTICON = (r"(?<!\S)(?:[<>]?[:;=8xX][-o*'^]?[)\]}(\[{dDpP/\\|@3*$]+|[)\](\[dDpP][-o*'^]?[:;=]"
            r"|<3+|</3|\^_*\^|-_+-|T_T|:'\(|:'\))(?!\w)")
_EMOJI = r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u2300-\u23FF\u2640\u2642]"
TOKEN = re.compile(
    rf"(?P<emoticon>{EMOTICON})"
    r"|(?P<marker>(?<!\S)/s(?!\w))"
    r"|(?P<word>[^\W\d_]+(?:['-][^\W\d_]+)*)"
    r"|(?P<ellipsis>\.{2,}|…)"
    r"|(?P<bang>!+)"
    r"|(?P<question>\?+)"
    r"|(?P<clause>[.,;:()\-–—]+)"
    rf"|(?P<symbol>{_EMOJI}(?:[\ufe0f\U0001F3FB-\U0001F3FF]|\u200d{_EMOJI})*)"
)


@dataclass(init=False, slots=True)
class Token:
    text: str
    kind: str  # word, emoticon, marker, ellipsis, bang, question, clause, symbol
    lower: str
    # Set once here rather than a property: the rules ask it of every token many times.
    is_word: bool = field(repr=False, compare=False)

    def __init__(self, text: str, kind: str, lower: str):
        self.text = text
        self.kind = kind
        self.lower = lower
        self.is_word = kind == "word"

    @property
    def caps(self) -> bool:
        return self.is_word and len(self.text) > 1 and self.text.isupper()

    @property
    def elongated(self) -> bool:
        return self.is_word and is_elongated(self.lower)


@lru_cache(maxsize=65536)
def is_elongated(word: str) -> bool:
    """"soooo", "gooood": a letter three times or more in a row."""
    return bool(ELONGATION.search(word))


def repair(text: object) -> tuple[str, list[str]]:
    """Any input as clean text plus notes: non-strings cast, lone surrogates replaced, cut to MAX_CHARS."""
    notes: list[str] = []
    if text is None:
        return "", notes
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        notes.append(f"truncated to the first {MAX_CHARS} characters")
    # Round-trip through UTF-16 joins valid surrogate pairs and replaces lone ones with U+FFFD.
    if not text.isascii():  # ASCII has no surrogates: skip the round trip
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    # NFKC turns styled letters (𝐠𝐫𝐞𝐚𝐭, full-width) back into plain ones; html.unescape fixes "&amp;".
    text = unicodedata.normalize("NFKC", html.unescape(text)).replace("’", "'").replace("‘", "'")
    return text, notes


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return frozenset(w for w in lexicon() if w.isalpha()) | FUNCTION_WORDS


@lru_cache(maxsize=2048)
def split_hashtag(tag: str) -> str:
    """'#NotGood' -> 'Not Good', '#epicfail' -> 'epic fail' when every piece is a known word, else the tag."""
    if "_" in tag:
        return " ".join(p for p in tag.split("_") if p)
    camel = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", tag)
    if len(camel) > 1:
        return " ".join(camel)
    low = tag.lower()
    if len(low) > 40 or low in _vocabulary():
        return tag
    vocab = _vocabulary()
    # Fewest known pieces that cover the whole tag (dynamic programming over end positions).
    best: list[list[str] | None] = [[]] + [None] * len(low)
    for end in range(1, len(low) + 1):
        for start in range(max(0, end - 20), end):
            piece = low[start:end]
            prev = best[start]
            if prev is None or piece not in vocab or (len(piece) == 1 and piece not in ("a", "i")):
                continue
            if best[end] is None or len(prev) + 1 < len(best[end]):
                best[end] = prev + [piece]
    return " ".join(best[-1]) if best[-1] else tag


def strip_noise(text: str) -> tuple[str, list[str]]:
    """Remove URLs, e-mail addresses and @mentions (they carry no sentiment), split hashtags."""
    notes = []
    # Each pattern needs a character the text may not have: skip it then (most posts have no links).
    cleaned = URL.sub(" ", text) if "/" in text or "www." in text.lower() else text
    if cleaned != text:
        notes.append("URLs ignored")
    if "@" in cleaned:
        cleaned = EMAIL.sub(" ", cleaned)
        without_mentions = MENTION.sub(" ", cleaned)
    else:
        without_mentions = cleaned
    if without_mentions != cleaned:
        notes.append("@mentions ignored")

    def hashtag(match: re.Match) -> str:
        tag = match.group(1)
        if "#" + tag.lower() in SARCASM_MARKERS:
            return " /s "
        return " " + split_hashtag(tag) + " "

    if "#" not in without_mentions:
        return without_mentions, notes
    return HASHTAG.sub(hashtag, without_mentions), notes


def tokenize(text: str) -> list[Token]:
    tokens = []
    append = tokens.append
    for match in TOKEN.finditer(text):
        value = match.group(0)
        append(Token(value, match.lastgroup or "clause", value.lower()))
    return tokens
