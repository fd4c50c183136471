"""Immunoglobulin trends: every result over time, each against its own lab's range."""

import pytest

from tests.conftest import client_for

from .immune_helpers import days_ago, post, summary

pytestmark = pytest.mark.django_db


def lab(analyte, value, low, high, collected_days_ago, unit="mg/dL"):
    return {
        "analyte": analyte,
        "value": value,
        "unit": unit,
        "reference_low": low,
        "reference_high": high,
        "collected_on": days_ago(collected_days_ago),
    }


def test_three_igg_results_over_two_years_are_listed_in_order_with_their_own_ranges(child, owner):
    client = client_for(owner)
    # Entered out of order, from three labs with three ranges.
    for body in (
        lab("IgG", 6.1, 6.5, 16, 30, unit="g/L"),
        lab("IgG", 820, 500, 1300, 700),
        lab("IgG", 640, 700, 1600, 380),
    ):
        assert post(client, child, "labs", body).status_code == 201
    post(client, child, "labs", lab("IgM", 18, 40, 230, 30))

    trends = summary(client, child)["trends"]
    assert [
        (p["collected_on"], p["value"], p["unit"], p["reference_low"], p["reference_high"], p["below_range"])
        for p in trends["IgG"]
    ] == [
        (days_ago(700), 820.0, "mg/dL", 500.0, 1300.0, False),
        (days_ago(380), 640.0, "mg/dL", 700.0, 1600.0, True),
        (days_ago(30), 6.1, "g/L", 6.5, 16.0, True),
    ]
    assert [p["value"] for p in trends["IgM"]] == [18.0]
    assert trends["IgA"] == [] and trends["IgG2"] == []


def test_igg_subclasses_have_trends_too(child, owner):
    client = client_for(owner)
    post(client, child, "labs", lab("IgG2", 0.9, 1.2, 5.7, 100, unit="g/L"))
    assert [p["below_range"] for p in summary(client, child)["trends"]["IgG2"]] == [True]


def test_a_linked_clinician_reads_the_trends_and_a_stranger_does_not(
    linked_child, owner, clinician, stranger
):
    post(client_for(owner), linked_child, "labs", lab("IgG", 820, 500, 1300, 10))
    assert [p["value"] for p in summary(client_for(clinician), linked_child)["trends"]["IgG"]] == [820.0]
    assert client_for(stranger).get(f"/api/v1/profiles/{linked_child.id}/summary").status_code == 404
