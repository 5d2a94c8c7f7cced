"""The text NLP sees: title and body joined, made safe (no lone surrogates), bounded in length."""
from __future__ import annotations

import re

MAX_CHARS = 20_000  # longer items are enriched on their first 20,000 characters (documented in docs/nlp)

URL = re.compile(r"https?://\S+|www\.\S+")
MENTION = re.compile(r"(?<!\w)@\w+")


def prepare(title: str | None, body: str | None) -> str:
    """Title and body as one text, with invalid surrogates replaced and cut to MAX_CHARS."""
    text = "\n".join(part for part in (title, body) if part)
    # A lone surrogate (from a broken export) cannot be encoded; replace it rather than fail the batch.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:MAX_CHARS]


def words_only(text: str) -> str:
    """The text without links, @mentions, hashtag marks and anything that is not a letter or a space."""
    text = MENTION.sub(" ", URL.sub(" ", text)).replace("#", " ")
    return " ".join("".join(c if c.isalpha() else " " for c in text).split())
