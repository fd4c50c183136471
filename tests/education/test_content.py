"""The article files in the repo: valid, linked to real diary codes and to each other."""

import re

import pytest

from education.article_files import DEFAULT_CONTENT_DIR, read_article_folder
from education.selectors import URGENT_CARE_SLUG

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
LEARN_LINK = re.compile(r'href="/learn/([^"/?#]+)/?[^"]*"')


@pytest.fixture(scope="module")
def article_files():
    # Raises, naming the file and field, if any front matter is invalid.
    return read_article_folder(DEFAULT_CONTENT_DIR)


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


def test_the_urgent_care_article_that_every_page_links_to_exists(article_files):
    assert URGENT_CARE_SLUG in {file.slug for file in article_files}
