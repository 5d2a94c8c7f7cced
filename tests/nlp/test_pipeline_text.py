"""The text components read is exactly the item's text, for any input the tokenizer takes."""
from __future__ import annotations

import pytest

from nlp.pipeline import build_pipeline
from nlp.text import doc_text


@pytest.mark.parametrize("text", ["  leading and trailing  ", "tabs\tand\nnew\r\nlines", "emoji 🙃🔥 and 👍🏽",
                                  "مرحبا mixed scripts 你好", "url https://example.test/a?b=c#d end", "x"])
def test_components_read_the_same_text_spacy_would_rebuild(text, tmp_path):
    nlp = build_pipeline(settings_path=tmp_path / "none.toml")
    for doc in (nlp(text), next(iter(nlp.pipe([text])))):
        assert doc_text(doc) == doc.text == text
