"""The immune record on the clinic's patient page: immunoglobulin therapy (infusions, the usual
interval, infections per month on and off therapy), vaccine responses before and after, every
immunoglobulin result against its own range, and a child's growth with centiles. Only the
patient's own team sees it."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.test import Client

from diary.clinical import GROWTH_REFERENCE_LABEL
from diary.growth import ADULT_NOTE
from diary.models import InfectionEpisode, Infusion, LabResult, Measurement, Vaccination
from tests.diary.test_immune_growth import library

from .conftest import family_client, signed_in, today
from .test_patients import chart_data

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def section(page: str, title_id: str) -> str:
    """One section of the page as text a reader sees: tags dropped, spaces collapsed."""
    match = re.search(rf'<section aria-labelledby="{title_id}">(.*?)</section>', page, re.S)
    assert match, title_id
    words = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())
    return re.sub(r"\( ", "(", re.sub(r" ([),:])", r"\1", words))


def titre(profile, serotype: str, timing: str, value: str, days: int, vaccination) -> LabResult:
    return LabResult.objects.create(
        profile=profile,
        analyte="pneumococcal_titer",
        value=Decimal(value),
        unit="ug/mL",
        collected_on=ago(days),
        serotype=serotype,
        timing=timing,
        vaccination=vaccination,
    )


def igg(profile, analyte: str, value: str, days: int, low: str = "5.4", high: str = "16.1") -> LabResult:
    return LabResult.objects.create(
        profile=profile,
        analyte=analyte,
        value=Decimal(value),
        unit="g/L",
        reference_low=Decimal(low),
        reference_high=Decimal(high),
        collected_on=ago(days),
    )


@pytest.fixture
def record(linked_child):
    """Ada on SCIG every four weeks for two months, with a red-flag reaction, a vaccine response,
    two years of IgG and her weight and height."""
    ada = linked_child
    ada.sex = "female"
    ada.save(update_fields=["sex"])
    for days, reactions in ((60, ["site_swelling"]), (32, ["breathing_difficulty", "headache"]), (4, [])):
        Infusion.objects.create(
            profile=ada,
            given_on=ago(days),
            product="Hizentra",
            route="subcutaneous",
            dose_g=Decimal("8"),
            lot_number=f"P1001{days}",
            reactions=reactions,
        )
    for days in (100, 20):  # before therapy began, then during it
        InfectionEpisode.objects.create(profile=ada, kind="otitis_media", onset=ago(days), severity="mild")
    pcv = Vaccination.objects.create(profile=ada, vaccine="PCV20", given_on=ago(90))
    titre(ada, "14", "pre", "0.5", 95, pcv)
    titre(ada, "14", "post", "2.4", 60, pcv)
    titre(ada, "3", "pre", "0.4", 95, pcv)
    titre(ada, "3", "post", "0.6", 60, pcv)
    igg(ada, "IgG", "6.0", 365)
    igg(ada, "IgG", "4.1", 700)
    igg(ada, "IgG", "3.9", 10)
    igg(ada, "IgG2", "0.9", 10, low="1.0", high="5.0")
    Measurement.objects.create(profile=ada, measured_on=ago(200), weight_kg=Decimal("18.4"))
    Measurement.objects.create(
        profile=ada, measured_on=ago(10), weight_kg=Decimal("20.2"), height_cm=Decimal("114.5")
    )
    return ada


@pytest.fixture
def page(clinician, record) -> str:
    response = signed_in(clinician).get(f"/clinic/patients/{record.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_team_sees_the_infusions_the_interval_and_infections_on_and_off_therapy(page):
    therapy = section(page, "therapy-title")

    assert "Infusions in the period 3" in therapy
    assert "Usual interval 28 days (median)" in therapy
    # On therapy from the first infusion, 60 days ago, to today: 61 days, one ear infection.
    assert "Infections per month on therapy 0.5 (1 in 61 days)" in therapy
    assert "Infections per month off therapy 0.1 (1 in 304 days)" in therapy
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page[page.index('id="therapy-title"') :], re.S)
    assert [re.search(r"P1001\d+", row).group(0) for row in rows[:3]] == ["P100160", "P100132", "P10014"]
    assert "Under the skin (SCIG)" in therapy and "8 g" in therapy
    # The red flag is said in words, not only in colour; the other reactions plainly.
    assert '<strong class="red-flag">Difficulty breathing or wheezing (red flag)</strong>' in rows[1]
    assert "Headache" in rows[1] and "red flag" not in rows[1].split("</strong>")[1]
    assert "Swelling or redness where the needle went in" in rows[0] and "red flag" not in rows[0]


def test_the_team_sees_titres_before_and_after_the_vaccine_with_the_fold_rise(page):
    responses = section(page, "vaccine-responses-title")

    assert f"PCV20 given {ago(90):%-d %b %Y}" in responses
    # In serotype order, each pair with its fold rise and no verdict on it.
    assert (
        f"3 0.4 µg/mL ({ago(95):%-d %b %Y}) 0.6 µg/mL ({ago(60):%-d %b %Y}) 1.5× "
        f"14 0.5 µg/mL ({ago(95):%-d %b %Y}) 2.4 µg/mL ({ago(60):%-d %b %Y}) 4.8×"
    ) in responses
    for verdict in ("poor", "adequate", "normal response", "protective"):
        assert verdict not in responses.lower()


def test_a_vaccination_in_the_diary_shows_the_titres_linked_to_it(page):
    diary = section(page, "timeline-title")
    vaccination = diary[diary.index("Vaccination PCV20") :].split("Lab result")[0]

    assert "Titres measuring its response" in vaccination
    for line in (
        f"Serotype 3, before the vaccine: 0.4 µg/mL ({ago(95):%-d %b %Y})",
        f"Serotype 14, after the vaccine: 2.4 µg/mL ({ago(60):%-d %b %Y})",
    ):
        assert line in vaccination


def test_every_igg_result_is_listed_in_order_with_its_own_range_and_below_range_in_words(page):
    labs = section(page, "labs-title")
    igg_table = labs[labs.index("IgG Collected") : labs.index("IgA")]

    assert re.findall(r"([\d.]+) g/L 5\.4 to 16\.1 g/L (Below range|Not below)", igg_table) == [
        ("4.1", "Below range"),
        ("6", "Not below"),
        ("3.9", "Below range"),
    ]
    # An IgG subclass with a result is listed too, against its own lab's range.
    assert "IgG2" in labs and "0.9 g/L 1 to 5 g/L Below range" in labs
    assert "IgG4" not in labs and "No IgA results recorded." in labs
    [chart] = [lab for lab in chart_data(page)["labs"] if lab["analyte"] == "IgG"]
    assert [(r["value"], r["low"], r["below"]) for r in chart["results"]] == [
        (4.1, 5.4, True),
        (6.0, 5.4, False),
        (3.9, 5.4, True),
    ]


def test_a_childs_growth_shows_the_centiles_of_the_reference_and_a_chart(page, record):
    growth = section(page, "growth-title")
    weight = library(record.date_of_birth, ago(10), "weight", 20.2, "female")
    height = library(record.date_of_birth, ago(10), "height", 114.5, "female")
    earlier = library(record.date_of_birth, ago(200), "weight", 18.4, "female")

    assert f"Reference: {GROWTH_REFERENCE_LABEL}." in growth and "children under 18" in growth
    assert (
        f"Latest weight 20.2 kg on {ago(10):%-d %b %Y}, centile {weight['centile']:g} (SDS {weight['sds']:.2f})"
    ) in growth
    assert f"Latest height 114.5 cm on {ago(10):%-d %b %Y}, centile {height['centile']:g}" in growth
    assert f"18.4 kg, centile {earlier['centile']:g} (SDS {earlier['sds']:.2f}) –" in growth  # no height then
    drawn = chart_data(page)["growth"]
    assert drawn == {
        "dates": [ago(200).isoformat(), ago(10).isoformat()],
        "weight_kg": [18.4, 20.2],
        "height_cm": [None, 114.5],
    }
    assert 'id="chart-growth-weight"' in page and 'id="chart-growth-height"' in page


def test_an_adults_measurements_are_shown_without_a_child_centile(clinician, adult):
    Measurement.objects.create(
        profile=adult, measured_on=ago(3), weight_kg=Decimal("71.5"), height_cm=Decimal("176")
    )
    growth = section(
        signed_in(clinician).get(f"/clinic/patients/{adult.pk}/").content.decode(), "growth-title"
    )

    assert f"Latest weight 71.5 kg on {ago(3):%-d %b %Y}, no centile" in growth
    assert "Latest height 176 cm" in growth and ADULT_NOTE in growth
    assert "Reference:" not in growth and "centile 0" not in growth


def test_a_patient_without_the_immune_record_says_so_in_each_section(clinician, linked_child):
    page = signed_in(clinician).get(f"/clinic/patients/{linked_child.pk}/").content.decode()

    assert "No infusions in the last 12 months." in section(page, "therapy-title")
    assert "Usual interval Not enough infusions to tell" in section(page, "therapy-title")
    assert "No pneumococcal titres marked as before or after a vaccine." in page
    assert "No weight or height recorded." in section(page, "growth-title")


def test_another_teams_clinician_finds_no_immune_record(other_team_clinician, record):
    response = signed_in(other_team_clinician).get(f"/clinic/patients/{record.pk}/")

    assert response.status_code == 404
    assert b"P100132" not in response.content and b"Hizentra" not in response.content


def test_a_family_account_is_refused_the_clinic_page(owner, record):
    response = family_client(owner).get(f"/clinic/patients/{record.pk}/")

    assert response.status_code == 403
    assert b"Hizentra" not in response.content and b"IgG" not in response.content


def test_an_anonymous_visitor_is_sent_to_sign_in(record):
    response = Client().get(f"/clinic/patients/{record.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/clinic/sign-in/?next=")
