"""The immune record in the visit summary PDF: infusions with the interval and infections on and
off therapy, titres before and after a vaccine, every immunoglobulin result against its own
lab's range, and a child's growth with UK-WHO centiles (none for an adult)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from diary.clinical import GROWTH_REFERENCE_LABEL
from diary.growth import ADULT_NOTE
from diary.models import InfectionEpisode, Infusion, Measurement
from tests.conftest import client_for
from tests.diary.test_immune_growth import library
from tests.factories import ProfileFactory
from tests.reports.conftest import add_lab, today
from tests.reports.test_pdf import pdf_text, url

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


@pytest.fixture
def ada(child, immune_record):
    """On IVIG every four weeks for two months; IgG and IgG2 over two years."""
    child.sex = "female"
    child.save(update_fields=["sex"])
    for days in (61, 33):  # with the fixture's infusion 5 days ago: 28 days apart
        Infusion.objects.create(
            profile=child, given_on=ago(days), product="Privigen", route="iv", dose_g=Decimal("20")
        )
    for days in (100, 20):  # before therapy began, then during it
        InfectionEpisode.objects.create(profile=child, kind="otitis_media", onset=ago(days), severity="mild")
    add_lab(child, "IgG", "4.1", "g/L", ("5.4", "16.1"), days_ago=700)
    add_lab(child, "IgG", "6.0", "g/L", ("5.4", "16.1"), days_ago=365)
    add_lab(child, "IgG", "3.9", "g/L", ("5.4", "16.1"), days_ago=10)
    add_lab(child, "IgG2", "0.9", "g/L", ("1.0", "5.0"), days_ago=10)
    return child


def report(owner, profile) -> tuple[str, int]:
    response = client_for(owner).get(url(profile))
    assert response.status_code == 200
    return pdf_text(response.content)


def test_the_infusions_give_the_interval_infections_on_and_off_therapy_and_the_red_flag(owner, ada):
    text, _ = report(owner, ada)

    # Infusions 61, 33 and 5 days ago: on therapy for 62 days, with one of the two ear infections.
    assert "3 in the period; usual interval 28 days (median)" in text
    assert (
        "Infections on therapy: 0.49 a month (1 in 62 days); off therapy: 0.1 a month (1 in 303 days)" in text
    )
    assert "Into a vein (IVIG)" in text and "P100777" in text
    assert "Difficulty breathing or wheezing (red flag), Headache" in text


def test_titres_before_and_after_are_paired_per_serotype_with_the_fold_rise(owner, ada):
    text, _ = report(owner, ada)

    assert "Vaccine responses: pneumococcal titres before and after" in text
    assert f"PCV20 ({ago(90)}) 14 0.5 µg/mL ({ago(95)}) 2.4 µg/mL ({ago(60)}) 4.8x" in text
    assert "Read against the lab's and the guideline's criteria." in text


def test_every_igg_and_subclass_result_is_listed_in_order_against_its_labs_range(owner, ada):
    text, images = report(owner, ada)

    assert (
        f"{ago(700)} 4.1 g/L 5.4–16.1 LOW {ago(365)} 6 g/L 5.4–16.1 {ago(10)} 3.9 g/L 5.4–16.1 LOW"
    ) in text
    assert f"{ago(10)} 0.9 g/L 1–5 LOW" in text  # IgG2, against its own range
    # Infections per month, one chart per analyte (IgG, IgG2), and the growth chart.
    assert images >= 4


def test_a_childs_growth_shows_the_latest_centiles_and_the_reference(owner, ada):
    weight = library(ada.date_of_birth, ago(10), "weight", 20.2, "female")
    height = library(ada.date_of_birth, ago(10), "height", 114.5, "female")

    text, _ = report(owner, ada)

    growth = text[text.index("Growth Latest") :]
    assert f"Weight 20.2 kg ({ago(10)}) {weight['centile']:g} {weight['sds']:.2f}" in growth
    assert f"Height 114.5 cm ({ago(10)}) {height['centile']:g} {height['sds']:.2f}" in growth
    assert f"Reference: {GROWTH_REFERENCE_LABEL}." in growth and "children under 18" in growth


def test_an_adults_values_have_no_centile_and_without_measurements_no_growth_section(owner):
    adult = ProfileFactory(
        display_name="Sam", date_of_birth=dt.date(1985, 3, 3), relationship="self", managed_by=[owner]
    )
    assert "Growth" not in report(owner, adult)[0]

    Measurement.objects.create(
        profile=adult, measured_on=ago(3), weight_kg=Decimal("71.5"), height_cm=Decimal("176.0")
    )
    text, _ = report(owner, adult)

    assert f"Weight 71.5 kg ({ago(3)}) no centile" in text
    assert f"Height 176 cm ({ago(3)}) no centile" in text
    assert ADULT_NOTE in text and "Reference:" not in text
