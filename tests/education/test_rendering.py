"""Markdown rendering: emergency numbers become tap-to-call links, and nothing else does."""

import pytest

from education.rendering import render_markdown


def tel(number: str) -> str:
    return f'<a href="tel:{number}" rel="noopener noreferrer">{number}</a>'


@pytest.mark.parametrize("number", ["999", "112", "911"])
def test_an_emergency_number_in_a_sentence_becomes_a_tel_link(number):
    assert render_markdown(f"Call {number} now.") == f"<p>Call {tel(number)} now.</p>\n"


def test_numbers_in_lists_headings_and_bold_text_are_linked_too():
    html = render_markdown("## Call 999\n\n- **112** in Europe\n- 911 (US)")
    assert f"<h2>Call {tel('999')}</h2>" in html
    assert f"<strong>{tel('112')}</strong> in Europe" in html
    assert f"{tel('911')} (US)" in html


@pytest.mark.parametrize(
    "text",
    ["NICE NG112", "9999 people", "1.112 g/L", "999.5 mg/dL", "a 1999 study", "page 911-913", "0.911"],
)
def test_numbers_that_are_part_of_something_else_stay_plain_text(text):
    assert 'href="tel:' not in render_markdown(text)


def test_a_number_already_inside_a_link_is_not_linked_twice():
    html = render_markdown("[Call 999](https://www.nhs.uk/conditions/sepsis/)")
    assert html.count("<a ") == 1 and 'href="tel:' not in html


def test_raw_html_is_still_shown_as_text():
    html = render_markdown('<a href="tel:999">999</a>')
    assert "&lt;a href=" in html
