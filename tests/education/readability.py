"""Reading grade of an article's body, as a reader meets it: headings, paragraphs, list items.

The sources (front matter) are not part of the body. Each block counts as its own sentence,
so a heading or a list item without a full stop does not run into the next one.
"""

from __future__ import annotations

from html.parser import HTMLParser

import textstat
from textstat.backend.counts import _count_syllables

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote"}
GRADE_LIMIT = 6.0  # NHS aim: a reading age of about 9 to 11


def _no_pronouncing_dictionary(lang: str) -> dict:
    return {}


# textstat counts syllables with NLTK's CMU pronouncing dictionary, which it downloads on first
# use; offline (CI, these machines) that download fails. With an empty dictionary textstat falls
# back, word by word, to its own bundled hyphenation (pyphen), so the grade never needs a network.
_count_syllables.get_cmudict = _no_pronouncing_dictionary


class _BodyText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            self.blocks.append(text if text[-1] in ".!?:" else f"{text}.")


def body_text(body_html: str) -> str:
    parser = _BodyText()
    parser.feed(body_html)
    parser.close()
    parser._flush()
    return "\n".join(parser.blocks)


def reading_grade(body_html: str) -> float:
    return textstat.flesch_kincaid_grade(body_text(body_html))
