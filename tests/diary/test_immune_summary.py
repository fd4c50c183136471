"""The summary's infusion section: infusions in the period, the usual interval, infections per
month on and off immunoglobulin therapy."""

import pytest

from tests.conftest import client_for

from .immune_helpers import days_ago, post, summary

pytestmark = pytest.mark.django_db


def infusion(given_days_ago):
    return {"given_on": days_ago(given_days_ago), "product": "Hizentra", "route": "subcutaneous", "dose_g": 8}


def infection(onset_days_ago):
    return {"kind": "otitis_media", "onset": days_ago(onset_days_ago), "severity": "mild"}


def test_infusions_every_four_weeks_and_infections_before_and_after_starting(child, owner):
    client = client_for(owner)
    for given in [400, *range(200, 0, -28)]:  # one long ago, then 200, 172, ... 4 days ago
        assert post(client, child, "infusions", infusion(given)).status_code == 201
    for onset in (300, 250, 150, 60):
        assert post(client, child, "infections", infection(onset)).status_code == 201

    section = summary(client, child)["infusions"]
    assert (section["count"], section["last_given_on"], section["usual_interval_days"]) == (
        8,
        days_ago(4),
        28,
    )
    assert [i["given_on"] for i in section["given"]] == [days_ago(d) for d in range(200, 0, -28)]
    assert {(i["product"], i["dose_g"]) for i in section["given"]} == {("Hizentra", 8.0)}
    # On therapy from the first infusion of the period (200 days ago) to today: 201 days.
    assert section["on_therapy"] == {"days": 201, "infections": 2, "per_month": 0.3}
    assert section["off_therapy"] == {"days": 164, "infections": 2, "per_month": 0.37}


def test_an_infection_weeks_after_the_last_infusion_counts_as_off_therapy(child, owner):
    client = client_for(owner)
    for given in (120, 92):
        post(client, child, "infusions", infusion(given))
    post(client, child, "infections", infection(70))  # 22 days after the last infusion: on
    post(client, child, "infections", infection(50))  # 42 days after: off
    section = summary(client, child)["infusions"]
    assert (section["on_therapy"]["infections"], section["off_therapy"]["infections"]) == (1, 1)
    assert section["on_therapy"]["days"] == 120 - 92 + 35


def test_an_immunoglobulin_course_logged_as_a_treatment_counts_as_on_therapy(child, owner):
    client = client_for(owner)
    course = {
        "kind": "immunoglobulin",
        "name": "Hizentra",
        "route": "subcutaneous",
        "started_on": days_ago(100),
    }
    assert post(client, child, "treatments", {**course, "ended_on": days_ago(41)}).status_code == 201
    post(client, child, "infections", infection(60))  # during the course
    post(client, child, "infections", infection(20))  # after it
    section = summary(client, child)["infusions"]
    assert section["on_therapy"] == {"days": 60, "infections": 1, "per_month": 0.51}
    assert (section["count"], section["off_therapy"]["infections"]) == (0, 1)


def test_without_infusions_every_day_is_off_therapy(child, owner):
    client = client_for(owner)
    post(client, child, "infections", infection(10))
    section = summary(client, child)["infusions"]
    assert (section["count"], section["usual_interval_days"], section["last_given_on"]) == (0, None, None)
    assert section["on_therapy"] == {"days": 0, "infections": 0, "per_month": None}
    assert section["off_therapy"]["infections"] == 1


def test_the_demo_has_an_ivig_patient_with_titres_and_a_child_with_growth(settings):
    from io import StringIO

    from django.core.management import call_command

    from diary.models import Profile

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    sam, maya = Profile.objects.get(display_name="Sam"), Profile.objects.get(display_name="Maya")
    parent, patient = (p.managers.get() for p in (maya, sam))

    sam_summary = summary(client_for(patient), sam)
    assert sam_summary["infusions"]["count"] >= 11 and sam_summary["infusions"]["usual_interval_days"] == 28
    pairs = {p["serotype"]: p["fold_rise"] for p in sam_summary["titre_responses"]}
    assert pairs["14"] == 4.8 and pairs["3"] == 1.5
    assert sam_summary["trends"]["IgG"][0]["below_range"] is True

    growth = summary(client_for(parent), maya)["growth"]
    assert growth["weight"]["centile"] is not None and growth["height"]["centile"] is not None
    assert -1 < growth["height"]["sds"] < 0
