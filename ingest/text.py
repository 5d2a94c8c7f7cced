"""HTML to plain text, for bodies and comments that sources deliver as HTML."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "hr",
}
_BLANK_RUNS = re.compile(r"\n\s*\n\s*\n+")
_SPACE_RUNS = re.compile(r"[ \t\r\f\v]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "pre":
            self.in_pre += 1

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        # Whitespace inside <pre> (code) is meaningful; elsewhere HTML collapses it.
        self.parts.append(data if self.in_pre else _SPACE_RUNS.sub(" ", data.replace("\n", " ")))


def html_to_text(html: str | None) -> str:
    """Readable plain text of an HTML fragment: tags dropped, entities decoded, paragraphs kept."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [line.rstrip() if "\t" in line or line.startswith("    ") else line.strip()
             for line in "".join(collector.parts).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()

