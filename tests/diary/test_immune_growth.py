"""Children's growth: centiles from rcpchgrowth (UK-WHO), none for adults, impossible values refused."""

import datetime as dt

import pytest
from rcpchgrowth import Measurement as GrowthMeasurement

from diary.growth import growth_centiles
from diary.models import Measurement
from tests.conftest import client_for
from tests.factories import ProfileFactory

from .immune_helpers import days_ago, post, summary, today

pytestmark = pytest.mark.django_db


def library(born, on, method, value, sex):
    """rcpchgrowth's own answer, rounded as the diary shows it."""
    values = GrowthMeasurement(
        birth_date=born,
        observation_date=on,
        measurement_method=method,
        observation_value=value,
        reference="uk-who",
        sex=sex,
    ).measurement["measurement_calculated_values"]
    return {
        "centile": round(float(values["chronological_centile"]), 1),
        "sds": round(float(values["chronological_sds"]), 2),
    }


@pytest.mark.parametrize(
    ("born", "on", "sex", "weight", "height"),
    [
        (dt.date(2019, 3, 14), dt.date(2026, 11, 1), "female", 22.0, 122.0),  # UK90, 7 years
        (dt.date(2025, 6, 1), dt.date(2026, 6, 1), "male", 9.6, 75.7),  # WHO 2006, 1 year
        (dt.date(2026, 1, 1), dt.date(2026, 1, 5), "female", 3.3, 50.0),  # UK90 newborn
        (dt.date(2011, 2, 1), dt.date(2026, 11, 1), "male", 48.0, 165.0),  # UK90, 15 years
    ],
)
def test_centiles_match_rcpchgrowths_own(born, on, sex, weight, height):
    got = growth_centiles(date_of_birth=born, sex=sex, measured_on=on, weight_kg=weight, height_cm=height)
    assert got["weight"] == library(born, on, "weight", weight, sex)
    assert got["height"] == library(born, on, "height", height, sex)
    assert got["reference"].startswith("UK-WHO") and got["note"] is None


def test_a_known_case_is_where_the_chart_puts_it():
    # A girl of 7 years 7 months at 122 cm is between the 25th and 50th centile of the UK90 chart.
    got = growth_centiles(
        date_of_birth=dt.date(2019, 3, 14),
        sex="female",
        measured_on=dt.date(2026, 11, 1),
        weight_kg=None,
        height_cm=122,
    )
    assert 25 < got["height"]["centile"] < 50 and got["weight"] is None


def test_an_adult_gets_values_without_a_child_centile(owner):
    adult = ProfileFactory(
        date_of_birth=dt.date(1990, 1, 1), sex="female", relationship="self", managed_by=[owner]
    )
    created = post(
        client_for(owner),
        adult,
        "measurements",
        {"measured_on": days_ago(1), "weight_kg": 64.5, "height_cm": 168},
    )
    assert created.status_code == 201, created.json()
    centiles = created.json()["centiles"]
    assert (centiles["weight"], centiles["height"], centiles["reference"]) == (None, None, None)
    assert "under 18" in centiles["note"]
    growth = summary(client_for(owner), adult)["growth"]
    assert (growth["weight"]["value"], growth["weight"]["centile"], growth["height"]["centile"]) == (
        64.5,
        None,
        None,
    )


def test_a_child_of_unknown_sex_gets_values_without_a_centile(child, owner):
    created = post(client_for(owner), child, "measurements", {"measured_on": days_ago(1), "weight_kg": 21})
    assert created.json()["centiles"]["weight"] is None
    assert "sex" in created.json()["centiles"]["note"]


def test_the_summary_gives_the_latest_weight_and_height_with_centiles(owner):
    girl = ProfileFactory(
        date_of_birth=today() - dt.timedelta(days=7 * 365), sex="female", managed_by=[owner]
    )
    client = client_for(owner)
    for body in (
        {"measured_on": days_ago(200), "weight_kg": 19.0, "height_cm": 114.0},
        {"measured_on": days_ago(20), "height_cm": 118.0},
        {"measured_on": days_ago(10), "weight_kg": 20.5},
    ):
        assert post(client, girl, "measurements", body).status_code == 201
    growth = summary(client, girl)["growth"]
    assert (growth["weight"]["value"], growth["weight"]["measured_on"]) == (20.5, days_ago(10))
    assert (growth["height"]["value"], growth["height"]["measured_on"]) == (118.0, days_ago(20))
    born, sex = girl.date_of_birth, "female"
    assert (
        growth["weight"]["centile"]
        == library(born, today() - dt.timedelta(days=10), "weight", 20.5, sex)["centile"]
    )
    assert (
        growth["height"]["sds"] == library(born, today() - dt.timedelta(days=20), "height", 118.0, sex)["sds"]
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"weight_kg": 0},
        {"weight_kg": 500},
        {"height_cm": 0},
        {"height_cm": 400},
        {"weight_kg": -3},
        {"weight_kg": None, "height_cm": None},
        {"measured_on": days_ago(-5)},
    ],
)
def test_impossible_measurements_are_refused_and_nothing_is_stored(child, owner, bad):
    body = {"measured_on": days_ago(1), "weight_kg": 21, **bad}
    response = post(client_for(owner), child, "measurements", body)
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_a_measurement_before_birth_is_refused(child, owner):
    body = {"measured_on": str(child.date_of_birth - dt.timedelta(days=1)), "weight_kg": 3.2}
    response = post(client_for(owner), child, "measurements", body)
    assert response.status_code == 400 and "measured_on" in response.json()["errors"]


def test_removing_the_only_value_of_a_measurement_is_refused(child, owner):
    created = post(
        client_for(owner), child, "measurements", {"measured_on": days_ago(1), "weight_kg": 21}
    ).json()
    url = f"/api/v1/profiles/{child.id}/measurements/{created['id']}/"
    assert client_for(owner).patch(url, {"weight_kg": None}, format="json").status_code == 400
    assert Measurement.objects.get().weight_kg == 21
