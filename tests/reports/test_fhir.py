"""The FHIR R4B export: a Bundle that validates, with the codes of CLINICAL-SOURCES.md, every
code checked against its value set (fhir.resources checks structure only)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation

from diary.clinical import VITAL_SIGN_LOINC
from diary.models import AccessLogEntry
from reports import fhir
from tests.conftest import client_for
from tests.reports.conftest import make_alert

# Value sets of FHIR R4B (hl7.org/fhir/R4B), and the SNOMED CT and LOINC codes of CLINICAL-SOURCES.md.
CODE_SYSTEMS = {
    "http://terminology.hl7.org/CodeSystem/condition-clinical": {
        "active",
        "recurrence",
        "relapse",
        "inactive",
        "remission",
        "resolved",
    },
    "http://terminology.hl7.org/CodeSystem/condition-ver-status": {
        "unconfirmed",
        "provisional",
        "differential",
        "confirmed",
        "refuted",
        "entered-in-error",
    },
    "http://terminology.hl7.org/CodeSystem/condition-category": {"problem-list-item", "encounter-diagnosis"},
    "http://terminology.hl7.org/CodeSystem/observation-category": {
        "social-history",
        "vital-signs",
        "imaging",
        "laboratory",
        "procedure",
        "survey",
        "exam",
        "therapy",
        "activity",
    },
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation": {"L", "H", "N", "LL", "HH", "A"},
    "http://terminology.hl7.org/CodeSystem/v3-ActCode": {
        "AMB",
        "EMER",
        "FLD",
        "HH",
        "IMP",
        "ACUTE",
        "NONAC",
        "OBSENC",
        "PRENC",
        "SS",
        "VR",
    },
    "http://terminology.hl7.org/CodeSystem/v3-RoleCode": {"PRN", "GUARD", "MTH", "FTH", "FAMMEMB"},
    "http://terminology.hl7.org/CodeSystem/medication-statement-category": {
        "inpatient",
        "outpatient",
        "community",
        "patientspecified",
    },
    "http://terminology.hl7.org/CodeSystem/audit-event-type": {"rest", "110100", "110110", "110112"},
    "http://snomed.info/sct": {
        # infections (CLINICAL-SOURCES.md)
        "65363002",
        "233604007",
        "36971009",
        "91302008",
        "7180009",
        "32398004",
        "128045006",
        # condition-severity value set
        "24484000",
        "6736007",
        "255604002",
    },
    # ... and the vital-signs profiles' body weight and body height (hl7.org/fhir/R4B/bodyweight.html,
    # bodyheight.html), in kg and cm.
    "http://loinc.org": {"8310-5", "2472-9", "2465-3", "2458-8", "2469-5", "29463-7", "8302-2"},
    "http://unitsofmeasure.org": {"Cel", "mg/dL", "g/L", "ug/mL", "g", "kg", "cm"},
}
OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
STATUS = {
    "Encounter": {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Observation": OBSERVATION_STATUS,
    "MedicationStatement": {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    },
    "MedicationAdministration": {
        "in-progress",
        "not-done",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "unknown",
    },
    "Immunization": {"completed", "entered-in-error", "not-done"},
    # DetectedIssue.status is bound to the observation-status value set.
    "DetectedIssue": OBSERVATION_STATUS,
}
GENDERS = {"male", "female", "other", "unknown"}
AUDIT_ACTIONS = {"C", "R", "U", "D", "E"}
DETECTED_ISSUE_SEVERITY = {"high", "moderate", "low"}


def url(profile, query: str = "") -> str:
    return f"/api/v1/profiles/{profile.pk}/export/fhir{query}"


def codings(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from codings(value)


def resources(bundle: dict, kind: str | None = None) -> list[dict]:
    found = [e["resource"] for e in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


@pytest.fixture
def bundle(owner, child, diary):
    response = client_for(owner).get(url(child))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def test_the_bundle_validates_as_an_r4b_collection(bundle):
    parsed = Bundle.model_validate(bundle)

    assert parsed.type == "collection"
    assert Counter(r["resourceType"] for r in resources(bundle))["Patient"] == 1


def test_it_holds_one_condition_per_episode_with_snomed_codes(bundle, diary):
    conditions = {c["id"]: c for c in resources(bundle, "Condition")}

    assert set(conditions) == {str(e.pk) for e in diary["episodes"]}
    pneumonia = next(c for c in conditions.values() if c["code"]["text"] == "Pneumonia")
    assert {"system": "http://snomed.info/sct", "code": "233604007", "display": "Pneumonia"} in pneumonia[
        "code"
    ]["coding"]
    assert pneumonia["abatementDateTime"]
    # In hospital: an Encounter, referenced from the Condition.
    encounters = {f"urn:uuid:{e['id']}" for e in resources(bundle, "Encounter")}
    assert pneumonia["encounter"]["reference"] in encounters


def test_it_holds_temperatures_and_immunoglobulins_with_their_loinc_codes_and_ranges(bundle):
    observations = resources(bundle, "Observation")
    loinc = Counter(c["code"] for o in observations for c in o["code"].get("coding", []))

    assert loinc == {"8310-5": 1, "2472-9": 2, "2465-3": 1}
    igm = next(o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "2472-9")
    assert igm["referenceRange"][0]["low"]["value"] == 40
    assert igm["interpretation"][0]["coding"][0]["code"] == "L"


def test_it_holds_the_courses_vaccines_family_and_open_alerts(owner, child, diary):
    make_alert(
        child,
        rule="severe_infection",
        priority="urgent",
        summary="A severe infection.",
        evidence=[{"type": "episode", "id": str(diary["episodes"][-1].pk)}],
    )
    bundle = client_for(owner).get(url(child)).json()

    assert len(resources(bundle, "MedicationStatement")) == 2
    assert resources(bundle, "Immunization")[0]["vaccineCode"]["text"] == "PCV20"
    # Both parents manage Ada: each is a RelatedPerson of type parent.
    assert len(resources(bundle, "RelatedPerson")) == 2
    (issue,) = resources(bundle, "DetectedIssue")
    assert issue["severity"] == "high"
    assert issue["implicated"] == [{"reference": f"urn:uuid:{diary['episodes'][-1].pk}"}]


def test_every_code_is_in_its_value_set(owner, child, diary, immune_record, clinician, team):
    from tests.factories import link_to_team

    link_to_team(child, team)
    client_for(clinician).get(f"/api/v1/profiles/{child.pk}/")  # something for the access log
    bundle = client_for(owner).get(url(child, "?include=audit")).json()

    for coding in codings(bundle):
        assert coding["system"] in CODE_SYSTEMS, coding
        assert coding["code"] in CODE_SYSTEMS[coding["system"]], coding
    for resource in resources(bundle):
        kind = resource["resourceType"]
        if kind in STATUS:
            assert resource["status"] in STATUS[kind], resource
    assert {p["gender"] for p in resources(bundle, "Patient")} <= GENDERS
    assert {a["action"] for a in resources(bundle, "AuditEvent")} <= AUDIT_ACTIONS
    assert {d["severity"] for d in resources(bundle, "DetectedIssue")} <= DETECTED_ISSUE_SEVERITY


def test_every_mapped_code_is_in_its_value_set():
    """The tables in reports/fhir.py, not only the codes a given diary happens to use."""
    snomed = CODE_SYSTEMS["http://snomed.info/sct"]
    assert set(fhir.KIND_SNOMED.values()) <= snomed
    assert {code for code, _ in fhir.SEVERITY_SNOMED.values()} <= snomed
    assert {code for code, _ in fhir.ANALYTE_LOINC.values()} | {fhir.TEMPERATURE_LOINC[0]} <= CODE_SYSTEMS[
        "http://loinc.org"
    ]
    assert {code for code, _, _ in VITAL_SIGN_LOINC.values()} <= CODE_SYSTEMS["http://loinc.org"]
    assert {unit for _, _, unit in VITAL_SIGN_LOINC.values()} <= CODE_SYSTEMS["http://unitsofmeasure.org"]
    assert set(fhir.ACCESS_ACTION.values()) <= AUDIT_ACTIONS
    assert set(fhir.ALERT_SEVERITY.values()) <= DETECTED_ISSUE_SEVERITY
    assert set(fhir.GENDER.values()) <= GENDERS
    assert {code for code, _ in fhir.MANAGER_RELATIONSHIP.values()} <= CODE_SYSTEMS[
        "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
    ]


def test_the_access_log_is_added_only_when_the_family_asks(owner, clinician, linked_child, diary):
    client_for(clinician).get(f"/api/v1/profiles/{linked_child.pk}/")

    plain = client_for(owner).get(url(linked_child)).json()
    with_audit = client_for(owner).get(url(linked_child, "?include=audit")).json()

    assert resources(plain, "AuditEvent") == []
    (event,) = resources(with_audit, "AuditEvent")
    # By name and team, as the family's access log shows it: never an e-mail or IP address.
    shown = event["agent"][0]
    assert clinician.email not in json.dumps(event) and "network" not in shown
    assert linked_child.care_links.get().team.name in shown["who"]["display"]


def test_a_clinicians_export_is_logged_and_cannot_include_the_access_log(clinician, linked_child, diary):
    client = client_for(clinician)

    assert client.get(url(linked_child)).status_code == 200
    assert AccessLogEntry.objects.filter(profile=linked_child, actor=clinician, action="export").exists()
    assert client.get(url(linked_child, "?include=audit")).status_code == 400


def test_an_unknown_include_is_a_400(owner, child):
    assert client_for(owner).get(url(child, "?include=everything")).status_code == 400


def test_a_resource_that_breaks_the_r4b_structure_is_refused():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        fhir.validated({"resourceType": "Condition", "id": "x", "onsetDateTime": "not a date"})


def observations_coded(bundle: dict, loinc: str) -> list[dict]:
    return [
        o
        for o in resources(bundle, "Observation")
        if any(c.get("code") == loinc for c in o["code"].get("coding", []))
    ]


def test_a_titre_carries_its_serotype_its_timing_and_the_immunization_it_belongs_to(
    owner, child, immune_record
):
    bundle = client_for(owner).get(url(child)).json()
    pre, post = immune_record["titres"]
    by_id = {o["id"]: o for o in resources(bundle, "Observation")}

    for titre, timing in ((pre, "Before the vaccine"), (post, "After the vaccine")):
        observation = by_id[str(titre.pk)]
        assert observation["code"] == {"text": "Pneumococcal antibody titre, serotype 14"}
        assert {c["code"]["text"]: c["valueCodeableConcept"]["text"] for c in observation["component"]} == {
            fhir.TITRE_SEROTYPE: "14",
            fhir.TITRE_TIMING: timing,
        }
        assert observation["valueQuantity"]["value"] == float(titre.value)
        assert observation["partOf"] == [{"reference": f"urn:uuid:{immune_record['vaccination'].pk}"}]
        Observation.model_validate(observation)
    # The reference resolves inside the bundle, to the Immunization of that vaccination.
    full_urls = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    assert full_urls[f"urn:uuid:{immune_record['vaccination'].pk}"] == "Immunization"


def test_weight_and_height_are_vital_signs_with_their_loinc_codes_in_kg_and_cm(owner, child, immune_record):
    bundle = client_for(owner).get(url(child)).json()
    weights = observations_coded(bundle, "29463-7")
    heights = observations_coded(bundle, "8302-2")

    # Two measurements: one of both values, one of weight only.
    assert sorted(w["valueQuantity"]["value"] for w in weights) == [18.4, 20.2]
    assert [h["valueQuantity"]["value"] for h in heights] == [114.5]
    for observation, (code, display, unit) in [
        *((w, VITAL_SIGN_LOINC["weight"]) for w in weights),
        *((h, VITAL_SIGN_LOINC["height"]) for h in heights),
    ]:
        assert observation["category"][0]["coding"] == [
            {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}
        ]
        assert observation["code"]["coding"] == [
            {"system": "http://loinc.org", "code": code, "display": display}
        ]
        assert {k: observation["valueQuantity"][k] for k in ("unit", "system", "code")} == {
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        }
        assert observation["subject"] == {"reference": f"urn:uuid:{child.pk}"}
        Observation.model_validate(observation)
    assert {
        (w["code"]["coding"][0]["display"], h["code"]["coding"][0]["display"])
        for w in weights
        for h in heights
    } == {("Body weight", "Body height")}
    # Each value its own resource: ids distinct from each other and from any diary row.
    ids = [o["id"] for o in (*weights, *heights)]
    assert len(set(ids)) == 3 and not {str(m.pk) for m in immune_record["measurements"]} & set(ids)


def test_an_infusion_says_its_route_and_reactions_in_words_with_the_red_flag(owner, child, immune_record):
    bundle = client_for(owner).get(url(child)).json()
    (given,) = resources(bundle, "MedicationAdministration")

    assert given["contained"][0]["batch"] == {"lotNumber": "P100777"}
    assert given["dosage"]["route"] == {"text": "Into a vein (IVIG)"}
    assert given["note"] == [{"text": "Reactions: Difficulty breathing or wheezing (red flag), Headache"}]
