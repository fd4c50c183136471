"""A profile's diary as a FHIR R4B Bundle (type `collection`), each resource validated by
`fhir.resources.R4B`. That library checks structure only; the codes used here are checked against
their value sets by tests/reports/test_fhir.py. Codes: ../shared/CLINICAL-SOURCES.md; the body
weight and height codes of the FHIR vital-signs profiles live with the other facts, in
diary.clinical.VITAL_SIGN_LOINC."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from care.models import Alert, RuleCode
from diary.clinical import TITRE_TIMINGS, VITAL_SIGN_LOINC, label_of, reactions_in_words
from diary.models import (
    AccessLogEntry,
    Analyte,
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    Profile,
    Relationship,
    SymptomEntry,
    Treatment,
    Vaccination,
)

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
STATEMENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/medication-statement-category"
AUDIT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
SHARED_LINK = "a shared link"

# SNOMED CT findings for infection kinds, where CLINICAL-SOURCES.md lists one; others go as text.
KIND_SNOMED = {
    "otitis_media": "65363002",
    "pneumonia": "233604007",
    "sinusitis": "36971009",
    "sepsis": "91302008",
    "meningitis": "7180009",
    "bronchitis": "32398004",
}
# The condition-severity value set has three members; life-threatening is its most severe.
SEVERITY_SNOMED = {
    "mild": ("255604002", "Mild"),
    "moderate": ("6736007", "Moderate"),
    "severe": ("24484000", "Severe"),
    "life_threatening": ("24484000", "Severe"),
}
TEMPERATURE_LOINC = ("8310-5", "Body temperature")
ANALYTE_LOINC = {
    "IgM": ("2472-9", "IgM [Mass/volume] in Serum or Plasma"),
    "IgG": ("2465-3", "IgG [Mass/volume] in Serum or Plasma"),
    "IgA": ("2458-8", "IgA [Mass/volume] in Serum or Plasma"),
    "IgG4": ("2469-5", "IgG4 [Mass/volume] in Serum or Plasma"),
}
# The components of a pneumococcal titre (text only: see titre_fields).
TITRE_SEROTYPE = "Streptococcus pneumoniae serotype"
TITRE_TIMING = "Taken before or after the vaccine"
UCUM_UNITS = {"mg/dL": "mg/dL", "g/L": "g/L", "ug/mL": "ug/mL"}
ACCESS_ACTION = {"read": "R", "create": "C", "update": "U", "delete": "D", "export": "E"}
ALERT_SEVERITY = {"urgent": "high", "routine": "moderate"}
MANAGER_RELATIONSHIP: dict[str, tuple[str, str]] = {
    Relationship.CHILD: ("PRN", "parent"),
    Relationship.OTHER: ("GUARD", "guardian"),
}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def urn(value: Any) -> str:
    return f"urn:uuid:{value}"


def derived_id(kind: str, value: Any) -> uuid.UUID:
    """A stable id for a resource that has no row of its own (an Encounter, an AuditEvent)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sigmd:{kind}:{value}")


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(*codings: dict[str, str], text: str | None = None) -> dict[str, Any]:
    return {**({"coding": list(codings)} if codings else {}), **({"text": text} if text else {})}


def instant(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


def quantity(value: Decimal, unit: str) -> dict[str, Any]:
    q: dict[str, Any] = {"value": value, "unit": unit}
    if unit in UCUM_UNITS:
        q.update(system=UCUM, code=UCUM_UNITS[unit])
    return q


def patient(profile: Profile) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": str(profile.pk),
        "name": [{"text": profile.display_name}],
        "birthDate": profile.date_of_birth.isoformat(),
        "gender": GENDER[profile.sex],
    }


def related_people(profile: Profile) -> list[dict[str, Any]]:
    if profile.relationship not in MANAGER_RELATIONSHIP:
        return []
    code, display = MANAGER_RELATIONSHIP[profile.relationship]
    return [
        {
            "resourceType": "RelatedPerson",
            "id": str(derived_id("manager", f"{profile.pk}:{manager.pk}")),
            "patient": {"reference": urn(profile.pk)},
            "relationship": [concept(coding(ROLE_CODE, code, display))],
            **({"name": [{"text": manager.display_name}]} if manager.display_name else {}),
        }
        for manager in profile.managers.filter(role="caregiver").order_by("date_joined")
    ]


def encounter(episode: InfectionEpisode) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "id": str(derived_id("encounter", episode.pk)),
        "status": "finished" if episode.resolved_on else "in-progress",
        "class": coding(ACT_CODE, "IMP", "inpatient encounter"),
        "subject": {"reference": urn(episode.profile_id)},
        "period": {
            "start": episode.onset.isoformat(),
            **({"end": episode.resolved_on.isoformat()} if episode.resolved_on else {}),
        },
        **({"serviceType": concept(text="Intensive care")} if episode.icu else {}),
    }


def condition(episode: InfectionEpisode) -> dict[str, Any]:
    snomed = KIND_SNOMED.get(episode.kind)
    severity_code, severity_display = SEVERITY_SNOMED[episode.severity]
    notes = [n for n in (episode.organism and f"Organism: {episode.organism}", episode.notes) if n]
    return {
        "resourceType": "Condition",
        "id": str(episode.pk),
        "clinicalStatus": concept(
            coding(CONDITION_CLINICAL, "resolved" if episode.resolved_on else "active")
        ),
        "verificationStatus": concept(
            coding(CONDITION_VERIFICATION, "confirmed" if episode.confirmed_by_clinician else "provisional")
        ),
        "category": [concept(coding(CONDITION_CATEGORY, "problem-list-item"))],
        "severity": concept(
            coding(SNOMED, severity_code, severity_display), text=episode.get_severity_display()
        ),
        "code": concept(
            *([coding(SNOMED, snomed, episode.get_kind_display())] if snomed else []),
            text=episode.get_kind_display(),
        ),
        "subject": {"reference": urn(episode.profile_id)},
        **(
            {"encounter": {"reference": urn(derived_id("encounter", episode.pk))}}
            if episode.hospitalized or episode.icu
            else {}
        ),
        "onsetDateTime": episode.onset.isoformat(),
        **({"abatementDateTime": episode.resolved_on.isoformat()} if episode.resolved_on else {}),
        "recordedDate": instant(episode.created_at),
        **({"note": [{"text": n} for n in notes]} if notes else {}),
    }


def temperature(entry: SymptomEntry) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": str(entry.pk),
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "vital-signs"))],
        "code": concept(coding(LOINC, *TEMPERATURE_LOINC), text="Body temperature"),
        "subject": {"reference": urn(entry.profile_id)},
        "effectiveDateTime": instant(entry.recorded_at),
        "valueQuantity": {"value": entry.temperature_c, "unit": "°C", "system": UCUM, "code": "Cel"},
    }


def lab_observation(lab: LabResult) -> dict[str, Any]:
    loinc = ANALYTE_LOINC.get(lab.analyte)
    reference: dict[str, Any] = {}
    if lab.reference_low is not None:
        reference["low"] = quantity(lab.reference_low, lab.unit)
    if lab.reference_high is not None:
        reference["high"] = quantity(lab.reference_high, lab.unit)
    label = lab.get_analyte_display() + (f", serotype {lab.serotype}" if lab.serotype else "")
    return {
        "resourceType": "Observation",
        "id": str(lab.pk),
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "laboratory"))],
        "code": concept(*([coding(LOINC, *loinc)] if loinc else []), text=label),
        "subject": {"reference": urn(lab.profile_id)},
        "effectiveDateTime": lab.collected_on.isoformat(),
        "valueQuantity": quantity(lab.value, lab.unit),
        **({"referenceRange": [reference]} if reference else {}),
        **({"interpretation": [concept(coding(INTERPRETATION, "L", "Low"))]} if lab.below_range else {}),
        **(titre_fields(lab) if lab.analyte == Analyte.PNEUMOCOCCAL_TITER else {}),
        **({"note": [{"text": lab.notes}]} if lab.notes else {}),
    }


def titre_fields(lab: LabResult) -> dict[str, Any]:
    """What a pneumococcal titre carries beyond its value: the serotype, before or after the
    vaccine, and the vaccination it measures.

    The serotype is a component, not a code: CLINICAL-SOURCES.md lists no LOINC code for
    pneumococcal antibodies, and LOINC has one code per serotype (and method) that nothing here
    has verified, so the analyte goes as text (as every uncoded analyte does) and the serotype and
    timing as text-coded components, never a guessed code. The vaccination is `partOf`: in R4B,
    Observation.partOf may reference an Immunization (the event the titre is a step of), whereas
    `focus` would say the titre is about the vaccine rather than the patient."""
    components = []
    if lab.serotype:
        components.append(
            {"code": concept(text=TITRE_SEROTYPE), "valueCodeableConcept": concept(text=lab.serotype)}
        )
    if lab.timing:
        components.append(
            {
                "code": concept(text=TITRE_TIMING),
                "valueCodeableConcept": concept(text=label_of(TITRE_TIMINGS, lab.timing)),
            }
        )
    return {
        **({"component": components} if components else {}),
        **({"partOf": [{"reference": urn(lab.vaccination_id)}]} if lab.vaccination_id else {}),
    }


def vital_sign(measurement: Measurement, method: str) -> dict[str, Any]:
    """A weight or a height as the FHIR vital-signs profile has it (bodyweight, bodyheight):
    category vital-signs, its LOINC code, a UCUM quantity. One Observation per value, so a
    measurement of both is two, each with an id derived from the measurement's."""
    code, display, unit = VITAL_SIGN_LOINC[method]
    value = measurement.weight_kg if method == "weight" else measurement.height_cm
    return {
        "resourceType": "Observation",
        "id": str(derived_id(method, measurement.pk)),
        "status": "final",
        "category": [concept(coding(OBSERVATION_CATEGORY, "vital-signs"))],
        "code": concept(coding(LOINC, code, display), text=display),
        "subject": {"reference": urn(measurement.profile_id)},
        "effectiveDateTime": measurement.measured_on.isoformat(),
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        **({"note": [{"text": measurement.notes}]} if measurement.notes else {}),
    }


def vital_signs(measurement: Measurement) -> list[dict[str, Any]]:
    return [
        vital_sign(measurement, method)
        for method, value in (("weight", measurement.weight_kg), ("height", measurement.height_cm))
        if value is not None
    ]


def medication_statement(treatment: Treatment) -> dict[str, Any]:
    period = {
        "start": treatment.started_on.isoformat(),
        **({"end": treatment.ended_on.isoformat()} if treatment.ended_on else {}),
    }
    dosage: dict[str, Any] = {"route": concept(text=treatment.route)}
    if treatment.dose:
        dosage["text"] = treatment.dose
    return {
        "resourceType": "MedicationStatement",
        "id": str(treatment.pk),
        "status": "completed" if treatment.ended_on else "active",
        "category": concept(coding(STATEMENT_CATEGORY, "patientspecified")),
        "medicationCodeableConcept": concept(text=f"{treatment.name} ({treatment.kind})"),
        "subject": {"reference": urn(treatment.profile_id)},
        "effectivePeriod": period,
        "dosage": [dosage],
        **({"reasonCode": [concept(text="Prophylaxis")]} if treatment.prophylactic else {}),
        **({"note": [{"text": treatment.notes}]} if treatment.notes else {}),
    }


def medication_administration(infusion: Infusion) -> dict[str, Any]:
    """An immunoglobulin infusion; the batch travels in the contained Medication (R4B has it in
    Medication.batch.lotNumber), the reactions, red flags marked, as a note."""
    medication = {
        "resourceType": "Medication",
        "id": "product",
        "code": concept(text=infusion.product or "Immunoglobulin"),
        **({"batch": {"lotNumber": infusion.lot_number}} if infusion.lot_number else {}),
    }
    dosage: dict[str, Any] = {
        "route": concept(text=infusion.get_route_display()),
        "dose": {"value": infusion.dose_g, "unit": "g", "system": UCUM, "code": "g"},
    }
    reactions = reactions_in_words(infusion.reactions)
    notes = [n for n in (reactions and f"Reactions: {reactions}", infusion.notes) if n]
    return {
        "resourceType": "MedicationAdministration",
        "id": str(infusion.pk),
        "contained": [medication],
        "status": "completed",
        "medicationReference": {"reference": "#product"},
        "subject": {"reference": urn(infusion.profile_id)},
        "effectiveDateTime": infusion.given_on.isoformat(),
        "dosage": dosage,
        **({"note": [{"text": n} for n in notes]} if notes else {}),
    }


def immunization(vaccination: Vaccination) -> dict[str, Any]:
    lot = getattr(vaccination, "lot_number", "")
    return {
        "resourceType": "Immunization",
        "id": str(vaccination.pk),
        "status": "completed",
        "vaccineCode": concept(text=vaccination.vaccine),
        "patient": {"reference": urn(vaccination.profile_id)},
        "occurrenceDateTime": vaccination.given_on.isoformat(),
        "primarySource": False,
        **({"lotNumber": lot} if lot else {}),
        **({"note": [{"text": vaccination.notes}]} if vaccination.notes else {}),
    }


def detected_issue(alert: Alert) -> dict[str, Any]:
    # DetectedIssue has no acknowledge/resolve lifecycle: the alert's status travels as text.
    conditions = [item["id"] for item in alert.evidence if item.get("type") == "episode"]
    return {
        "resourceType": "DetectedIssue",
        "id": str(alert.pk),
        "status": "preliminary",
        "code": concept(text=RuleCode(alert.rule).label),
        "severity": ALERT_SEVERITY[alert.priority],
        "patient": {"reference": urn(alert.profile_id)},
        "identifiedDateTime": instant(alert.created_at),
        "detail": f"{alert.summary} (alert {alert.status})",
        **({"implicated": [{"reference": urn(c)} for c in conditions]} if conditions else {}),
    }


def audit_event(row: AccessLogEntry) -> dict[str, Any]:
    # As the family's access log shows it: by name and team, never an e-mail or IP address.
    name = ", ".join(part for part in (row.actor_name, row.team_name) if part)
    agent: dict[str, Any] = {
        "who": {"display": (name or "A care team member") if row.actor_id else SHARED_LINK},
        "requestor": True,
    }
    return {
        "resourceType": "AuditEvent",
        "id": str(derived_id("access", row.pk)),
        "type": coding(AUDIT_TYPE, "rest", "RESTful Operation"),
        "action": ACCESS_ACTION[row.action],
        "recorded": instant(row.at),
        "agent": [agent],
        "source": {"observer": {"display": "SIgMD Portal"}},
        "entity": [
            {
                "what": {"reference": urn(row.profile_id)},
                "description": f"{row.object_type} {row.object_id}".strip(),
            }
        ],
    }


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """Validate with fhir.resources and return the JSON form it produces."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return model.model_dump(mode="json", exclude_none=True)


def resources_of(profile: Profile, *, alerts: QuerySet[Alert], include_audit: bool) -> list[dict[str, Any]]:
    resources = [patient(profile), *related_people(profile)]
    for episode in InfectionEpisode.objects.filter(profile=profile).order_by("onset"):
        if episode.hospitalized or episode.icu:
            resources.append(encounter(episode))
        resources.append(condition(episode))
    symptoms = SymptomEntry.objects.filter(profile=profile, temperature_c__isnull=False).order_by(
        "recorded_at"
    )
    resources += [temperature(s) for s in symptoms]
    resources += [
        lab_observation(lab) for lab in LabResult.objects.filter(profile=profile).order_by("collected_on")
    ]
    for measurement in Measurement.objects.filter(profile=profile).order_by("measured_on", "created_at"):
        resources += vital_signs(measurement)
    resources += [
        medication_statement(t) for t in Treatment.objects.filter(profile=profile).order_by("started_on")
    ]
    resources += [
        medication_administration(i) for i in Infusion.objects.filter(profile=profile).order_by("given_on")
    ]
    resources += [immunization(v) for v in Vaccination.objects.filter(profile=profile).order_by("given_on")]
    unresolved = alerts.filter(profile=profile).exclude(status="resolved").order_by("created_at")
    resources += [detected_issue(a) for a in unresolved]
    if include_audit:
        resources += [audit_event(row) for row in profile.access_log.order_by("at")]
    return resources


def profile_bundle(
    profile: Profile, *, alerts: QuerySet[Alert], include_audit: bool = False
) -> dict[str, Any]:
    """`alerts`: the alerts the reader may see (a clinician: their own teams')."""
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": instant(timezone.now()),
        "entry": [
            {"fullUrl": urn(r["id"]), "resource": validated(r)}
            for r in resources_of(profile, alerts=alerts, include_audit=include_audit)
        ],
    }
    return validated(bundle)
