"""The text NLP sees: title and body joined, made safe (no lone surrogates), bounded in length."""
from __future__ import annotations

import re

MAX_CHARS = 20_000  # longer items are enriched on their first 20,000 characters (documented in docs/nlp)

URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"(?<!\w)@\w+")


def safe_text(value: object) -> str:
    """Any value as text NLP can take: non-text is empty, lone surrogates replaced, cut to MAX_CHARS."""
    if not isinstance(value, str):
        return ""
    # A lone surrogate (from a broken export) cannot be encoded; replace it rather than fail the batch.
    return value[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")


def prepare(title: str | None, body: str | None) -> str:
    """Title and body as one text, made safe (see safe_text)."""
    return safe_text("\n".join(part for part in (title, body) if part))


def words_only(text: str) -> str:
    """The text without links, @mentions, hashtag marks and anything that is not a letter or a space."""
    text = MENTION.sub(" ", URL.sub(" ", text)).replace("#", " ")
    return " ".join("".join(c if c.isalpha() else " " for c in text).split())


def doc_text(doc) -> str:
    """A Doc's text, built once: spaCy rebuilds `Doc.text` from its tokens on every access, and each
    component reads it. TextKeepingTokenizer stores the input text, which is the same string."""
    text = doc.user_data.get("townsquare_text")
    if text is None:
        text = doc.user_data["townsquare_text"] = doc.text
    return text


class TextKeepingTokenizer:
    """Wraps a spaCy tokenizer to keep each input text on its Doc (spaCy's tokenization is
    non-destructive, so Doc.text equals the input): rebuilding it from the tokens cost ~50 µs an item."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        doc = self.tokenizer(text)
        doc.user_data["townsquare_text"] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)
