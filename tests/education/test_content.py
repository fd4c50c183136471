"""The article files in the repo: sourced, reviewed, plain, and never far from urgent help."""

import re
from urllib.parse import urlsplit

import pytest

from education.article_files import DEFAULT_CONTENT_DIR, read_article_folder
from education.rendering import EMERGENCY_NUMBERS
from education.selectors import URGENT_CARE_SLUG
from education.serializers import twelve_months_after

from .conftest import TODAY
from .readability import GRADE_LIMIT, body_text, reading_grade

# The diary's codes, as fixed by the API contract (shared/API.md). Education stands apart from
# the diary, so the contract, not the diary's code, is what articles are checked against.
INFECTION_KINDS = {
    "otitis_media", "sinusitis", "pneumonia", "bronchitis", "upper_respiratory", "pharyngitis",
    "skin_infection", "abscess", "gastrointestinal", "urinary_tract", "thrush", "sepsis",
    "meningitis", "osteomyelitis", "viral_other", "other",
}  # fmt: skip
SYMPTOM_CODES = {
    "fever", "cough", "ear_pain", "sore_throat", "runny_nose", "sinus_pain", "fatigue",
    "diarrhea", "vomiting", "rash", "joint_pain", "headache", "shortness_of_breath",
    "stiff_neck", "non_blanching_rash", "confusion", "seizure", "difficulty_breathing",
    "hard_to_wake", "blue_lips",
}  # fmt: skip
# Slugs the diary links to from the events that concern them (shared decisions).
DIARY_LINKED_SLUGS = {URGENT_CARE_SLUG, "immunoglobulin-infusions-at-home", "vaccine-responses"}
LEARN_LINK = re.compile(r'href="/learn/([^"/?#]+)/?[^"]*"')
URGENT_CARE_LINK = f'href="/learn/{URGENT_CARE_SLUG}/"'
BARE_NUMBER = r"(?<![\w.])(?:" + "|".join(EMERGENCY_NUMBERS) + r")(?!\w)"
LAST_SECTION = re.compile(r"<h2>([^<]*)</h2>(?!.*<h2>)(.*)\Z", re.DOTALL)


@pytest.fixture(scope="module")
def article_files():
    # Raises, naming the file and field, if any front matter is invalid or a review is overdue.
    return read_article_folder(DEFAULT_CONTENT_DIR)


def by_slug(article_files):
    return {file.slug: file.fields for file in article_files}


ARTICLE_SLUGS = sorted(path.stem for path in DEFAULT_CONTENT_DIR.glob("*.md"))


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_source_links_to_the_page_that_supports_it_not_a_home_page(article_files, slug):
    sources = by_slug(article_files)[slug]["sources"]
    assert sources
    for source in sources:
        parts = urlsplit(source["url"])
        assert parts.scheme in {"http", "https"} and parts.path.strip("/"), source
    # The Caka et al. study was once cited by its preprint; a preprint is not what was published.
    assert not any("10.22541/au." in source["url"] for source in sources)


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_article_names_a_reviewer_role_and_a_review_due_within_twelve_months(article_files, slug):
    fields = by_slug(article_files)[slug]
    assert fields["reviewed_by"].strip()
    assert fields["reviewed_on"] <= TODAY <= fields["next_review"]
    assert fields["next_review"] <= twelve_months_after(fields["reviewed_on"])


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_article_ends_with_when_to_get_urgent_help(article_files, slug):
    html = by_slug(article_files)[slug]["body_html"]
    heading, last_section = LAST_SECTION.search(html).groups()
    assert heading == "When to get urgent help"
    assert 'href="tel:' in last_section  # the emergency number, one tap away
    if slug != URGENT_CARE_SLUG:
        assert URGENT_CARE_LINK in last_section


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_article_reads_at_grade_six_or_below(article_files, slug):
    grade = reading_grade(by_slug(article_files)[slug]["body_html"])
    assert grade <= GRADE_LIMIT, f"{slug} reads at grade {grade:.1f}"


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_article_opens_with_a_one_line_summary(article_files, slug):
    fields = by_slug(article_files)[slug]
    assert "\n" not in fields["summary"].strip() and len(fields["summary"]) <= 200
    first_block = body_text(fields["body_html"]).splitlines()[0]
    assert first_block.startswith("In short:")


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_every_emergency_number_in_an_article_is_a_tel_link(article_files, slug):
    html = by_slug(article_files)[slug]["body_html"]
    tel_links = re.compile(r'<a href="tel:(\d+)" rel="noopener noreferrer">(\d+)</a>')
    assert all(href == text for href, text in tel_links.findall(html))
    untapped = re.findall(BARE_NUMBER, tel_links.sub("", html))
    assert not untapped, f"{slug} names {untapped} without a tel: link"


def test_the_urgent_care_article_comes_first_in_reading_order(article_files):
    orders = {file.slug: file.fields["order"] for file in article_files}
    assert orders[URGENT_CARE_SLUG] < min(o for s, o in orders.items() if s != URGENT_CARE_SLUG)


def test_the_articles_the_diary_links_to_exist(article_files):
    assert {file.slug for file in article_files} >= DIARY_LINKED_SLUGS


def test_every_related_kind_is_a_diary_infection_kind_or_symptom_code(article_files):
    unknown = {
        file.slug: sorted(set(file.fields["related_kinds"]) - INFECTION_KINDS - SYMPTOM_CODES)
        for file in article_files
    }
    assert not {slug: codes for slug, codes in unknown.items() if codes}


def test_every_learn_link_in_an_article_points_to_an_article(article_files):
    slugs = {file.slug for file in article_files}
    broken = {
        file.slug: sorted(set(LEARN_LINK.findall(file.fields["body_html"])) - slugs) for file in article_files
    }
    assert not {slug: links for slug, links in broken.items() if links}
