"""Vaccine responses: pneumococcal titres before and after a vaccine, paired per serotype."""

import pytest

from diary.models import LabResult
from tests.conftest import client_for
from tests.factories import ProfileFactory

from .immune_helpers import days_ago, post, summary

pytestmark = pytest.mark.django_db


def titre(serotype, timing, value, collected_days_ago, vaccination=None, **extra):
    return {
        "analyte": "pneumococcal_titer",
        "value": value,
        "unit": "ug/mL",
        "collected_on": days_ago(collected_days_ago),
        "serotype": serotype,
        "timing": timing,
        "vaccination": vaccination,
        **extra,
    }


@pytest.fixture
def vaccination(child, owner):
    return post(
        client_for(owner), child, "vaccinations", {"vaccine": "PPSV23", "given_on": days_ago(60)}
    ).json()


def test_pre_and_post_titres_pair_per_serotype_with_the_fold_rise(child, owner, vaccination):
    client = client_for(owner)
    for body in (
        titre("14", "pre", 0.5, 61, vaccination["id"]),
        titre("14", "post", 4.0, 30, vaccination["id"]),
        titre("9v", "pre", 0.8, 61, vaccination["id"]),  # stored as 9V
        titre("9V", "post", 1.0, 30, vaccination["id"]),
        titre("3", "pre", 0.2, 61, vaccination["id"]),  # no post yet
    ):
        assert post(client, child, "labs", body).status_code == 201
    pairs = summary(client, child)["titre_responses"]
    assert [
        (p["serotype"], p["pre"]["value"], p["post"] and p["post"]["value"], p["fold_rise"]) for p in pairs
    ] == [
        ("3", 0.2, None, None),
        ("9V", 0.8, 1.0, 1.2),
        ("14", 0.5, 4.0, 8.0),
    ]
    assert {p["vaccination"]["vaccine"] for p in pairs} == {"PPSV23"}
    # The summary reports the rise; it does not say whether it is a good response.
    assert not any(key in pair for pair in pairs for key in ("adequate", "responder", "protective"))


def test_a_vaccination_shows_its_titres(child, owner, vaccination):
    client = client_for(owner)
    post(client, child, "labs", titre("14", "pre", 0.5, 61, vaccination["id"]))
    post(client, child, "labs", titre("14", "post", 4.0, 30, vaccination["id"]))
    shown = client.get(f"/api/v1/profiles/{child.id}/vaccinations/{vaccination['id']}/").json()
    assert [(t["serotype"], t["timing"], t["value"]) for t in shown["titres"]] == [
        ("14", "pre", 0.5),
        ("14", "post", 4.0),
    ]


def test_a_titre_linked_to_another_profiles_vaccination_is_refused(child, owner, stranger):
    elsewhere = ProfileFactory(managed_by=[stranger])
    theirs = post(
        client_for(stranger), elsewhere, "vaccinations", {"vaccine": "PCV20", "given_on": days_ago(60)}
    )
    sibling = ProfileFactory(managed_by=[owner])
    siblings = post(
        client_for(owner), sibling, "vaccinations", {"vaccine": "PCV20", "given_on": days_ago(60)}
    )
    for other in (theirs.json()["id"], siblings.json()["id"]):
        refused = post(client_for(owner), child, "labs", titre("14", "post", 4.0, 30, other))
        assert refused.status_code == 400
        assert "vaccination" in refused.json()["errors"]
    assert not LabResult.objects.exists()


def test_moving_a_titre_to_another_profiles_vaccination_is_refused(child, owner, vaccination):
    sibling = ProfileFactory(managed_by=[owner])
    siblings = post(
        client_for(owner), sibling, "vaccinations", {"vaccine": "PCV20", "given_on": days_ago(60)}
    )
    created = post(client_for(owner), child, "labs", titre("14", "post", 4.0, 30, vaccination["id"])).json()
    url = f"/api/v1/profiles/{child.id}/labs/{created['id']}/"
    assert (
        client_for(owner).patch(url, {"vaccination": siblings.json()["id"]}, format="json").status_code == 400
    )
    assert str(LabResult.objects.get().vaccination_id) == vaccination["id"]


def test_titre_fields_belong_to_pneumococcal_titres_only(child, owner, vaccination):
    refused = post(
        client_for(owner), child, "labs", titre("14", "pre", 600, 61, vaccination["id"], analyte="IgG")
    )
    assert refused.status_code == 400
    assert {"serotype", "timing", "vaccination"} & set(refused.json()["errors"])


def test_a_deleted_vaccination_leaves_its_titres_in_the_diary(child, owner, vaccination):
    client = client_for(owner)
    post(client, child, "labs", titre("14", "pre", 0.5, 61, vaccination["id"]))
    assert client.delete(f"/api/v1/profiles/{child.id}/vaccinations/{vaccination['id']}/").status_code == 204
    assert LabResult.objects.get().vaccination_id is None
