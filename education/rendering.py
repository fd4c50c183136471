"""Markdown to safe HTML, with emergency numbers made tap-to-call.

A frightened reader on a phone should reach the emergency number with one tap, wherever an
article names it, so writers type "999" and the renderer links it; nobody has to remember to.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# The numbers the articles name: the UK, Europe (and most of the world), North America.
EMERGENCY_NUMBERS = ("999", "112", "911")

# A number standing alone: not part of a longer number, a code such as NG112, or a decimal.
_EMERGENCY_NUMBER = re.compile(r"(?<![\w.,/-])(" + "|".join(EMERGENCY_NUMBERS) + r")(?![\w/-]|[.,]\d)")


def _link_emergency_numbers(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type == "text" and not inside_link and _EMERGENCY_NUMBER.search(token.content):
                children.extend(_split_into_links(token))
            else:
                children.append(token)
        block.children = children


def _split_into_links(token: Token) -> list[Token]:
    pieces: list[Token] = []
    position = 0
    for match in _EMERGENCY_NUMBER.finditer(token.content):
        if match.start() > position:
            pieces.append(_text(token.content[position : match.start()]))
        number = match.group(1)
        link_open = Token("link_open", "a", 1)
        link_open.attrs = {"href": f"tel:{number}"}
        pieces.extend([link_open, _text(number), Token("link_close", "a", -1)])
        position = match.end()
    if position < len(token.content):
        pieces.append(_text(token.content[position:]))
    return pieces


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


# "js-default" has raw HTML off: HTML typed into a file is shown as text, never run.
_markdown = MarkdownIt("js-default")
_markdown.core.ruler.push("emergency_numbers", _link_emergency_numbers)


def render_markdown(text: str) -> str:
    # nh3 reduces whatever the renderer emits to an allow-list of tags and attributes
    # (its default URL schemes include tel:).
    return nh3.clean(_markdown.render(text))
