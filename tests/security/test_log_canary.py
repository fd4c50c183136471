"""A canary string typed into every free-text field a family or a clinician can fill in never
appears in any log record or any e-mail — through writes, bad writes, replays, reads by the care
team, evaluation on a real worker, notification and resolution."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework import serializers

from care.models import Alert
from care.tasks import sweep_evaluation_outbox
from diary.models import EvaluationRequest, Profile
from diary.urls import ENTRY_TYPES
from tests.conftest import client_for
from tests.factories import link_to_team

from .conftest import wait_until

pytestmark = [pytest.mark.proof, pytest.mark.postgres, pytest.mark.redis]
CANARY = "ZQ7CANARYXW"  # capitals: a field that upper-cases what it stores keeps it whole
TODAY = timezone.localdate()
# The smallest valid body of each entry type; the canary goes into every free-text field.
VALID = {
    "infections": {"kind": "meningitis", "onset": str(TODAY), "severity": "severe"},
    "symptoms": {"recorded_at": "now", "symptoms": ["stiff_neck"], "temperature_c": 40.2},
    "treatments": {"kind": "antibiotic", "name": "x", "route": "oral", "started_on": str(TODAY)},
    "vaccinations": {"vaccine": "PCV20", "given_on": str(TODAY)},
    "labs": {"analyte": "IgM", "value": 0.1, "unit": "g/L", "collected_on": str(TODAY)},
    "infusions": {
        "given_on": str(TODAY),
        "product": "x",
        "route": "iv",
        "dose_g": 10,
        "reactions": ["headache"],
    },
    "measurements": {"measured_on": str(TODAY), "weight_kg": 20.5},
}


def free_text_fields(serializer_class) -> list[str]:
    return [
        name
        for name, field in serializer_class().fields.items()
        if isinstance(field, serializers.CharField)
        and not isinstance(field, serializers.ChoiceField)
        and not field.read_only
    ]


def with_canary(segment: str, serializer_class) -> dict:
    body = {k: (timezone.now().isoformat() if v == "now" else v) for k, v in VALID[segment].items()}
    fields = serializer_class().fields
    for name in free_text_fields(serializer_class):
        limit = getattr(fields[name], "max_length", None)
        body[name] = f"{CANARY} {name}"[:limit]
    if "serotype" in body:  # only a pneumococcal titre carries a serotype
        body["analyte"] = "pneumococcal_titer"
    return body


def test_every_entry_type_has_a_body_here():
    assert {segment for segment, *_ in ENTRY_TYPES} <= set(VALID), "add the new entry type to VALID"


def test_no_free_text_ever_reaches_a_log_or_an_email(celery_worker, caplog, settings, owner, team, clinician):
    settings.SIGMD_EVALUATION_SWEEP_AGE = dt.timedelta(seconds=2)
    caplog.set_level(logging.DEBUG)
    family = client_for(owner)
    doctor = client_for(clinician)
    created = family.post(
        "/api/v1/profiles/",
        {"display_name": f"{CANARY} child", "date_of_birth": "2019-05-01", "relationship": "child"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    profile = Profile.objects.get(pk=created.json()["id"])
    link_to_team(profile, team)
    family.patch("/api/v1/me", {"display_name": f"{CANARY} parent"}, format="json")
    typed = 2
    for segment, model, serializer_class, _ in ENTRY_TYPES:
        url = f"/api/v1/profiles/{profile.id}/{segment}/"
        body = {"id": str(uuid.uuid4()), **with_canary(segment, serializer_class)}
        created = family.post(url, body, format="json")
        assert created.status_code == 201, (segment, created.json())
        fields = free_text_fields(serializer_class)
        row = model.objects.get(pk=body["id"])
        assert all(CANARY in getattr(row, name) for name in fields), segment  # typed and stored
        typed += len(fields)
        # The same id with other content (409), a bad body (400), an edit, reads by the care team.
        assert family.post(url, {**body, "notes": f"{CANARY} changed"}, format="json").status_code == 409
        assert (
            family.post(url, {**body, "id": str(uuid.uuid4()), "bogus": CANARY}, format="json").status_code
            == 400
        )
        family.patch(f"{url}{body['id']}/", {"notes": f"{CANARY} edited"}, format="json")
        assert doctor.get(url).status_code == 200
    assert doctor.get(f"/api/v1/profiles/{profile.id}/summary").status_code == 200

    pending = EvaluationRequest.objects.filter(profile=profile, processed_at__isnull=True)

    def evaluated() -> bool:
        sweep_evaluation_outbox()  # beat's part: a row the worker skipped is sent again
        return not pending.exists()

    assert wait_until(evaluated, timeout=60, every=1), list(
        pending.values("created_at", "attempts", "last_error")
    )
    assert wait_until(lambda: len(mail.outbox) >= 1, timeout=30)
    alert = Alert.objects.filter(profile=profile, priority="urgent").first()
    assert alert is not None
    resolved = doctor.post(
        f"/api/v1/alerts/{alert.id}/resolve", {"note": f"{CANARY} resolved"}, format="json"
    )
    assert resolved.status_code == 200, resolved.json()

    leaks = [r for r in caplog.records if CANARY in r.getMessage() or CANARY in (r.exc_text or "")]
    texts = [
        m.subject + m.body + "".join(str(a[0]) for a in getattr(m, "alternatives", [])) for m in mail.outbox
    ]
    print(
        f"\nlog canary: typed into {typed} free-text fields; {len(caplog.records)} log records and "
        f"{len(mail.outbox)} e-mails checked; {len(leaks)} records and "
        f"{sum(CANARY in t for t in texts)} e-mails contain it"
    )
    assert leaks == []
    assert not any(CANARY in text for text in texts)
