"""Shared by the fault proofs: linked profiles, a stream of red-flag entries, and counting
what the worker raised and sent."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from django.utils import timezone

from care.models import Alert
from diary.models import EvaluationRequest
from tests.conftest import client_for
from tests.factories import ProfileFactory, UserFactory, clinician_in, link_to_team

from .conftest import sent_emails


def linked_profiles(team, count: int):
    owner = UserFactory(role="caregiver", email="parent.of.many@example.org")
    profiles = []
    for n in range(count):
        profile = ProfileFactory(
            display_name=f"Child {n}", date_of_birth=dt.date(2018, 1, 1), managed_by=[owner]
        )
        link_to_team(profile, team)
        profiles.append(profile)
    return owner, profiles


def clinicians_of(team, count: int = 2):
    return [clinician_in(team, email=f"clinician{n}@hospital.org") for n in range(count)]


def red_flag_entry() -> dict:
    return {"recorded_at": timezone.now().isoformat(), "symptoms": ["stiff_neck"], "severity": 8}


def log_red_flag(client, profile) -> tuple[int, str | None]:
    """(status, entry id) of one red-flag symptom entry."""
    response = client.post(f"/api/v1/profiles/{profile.id}/symptoms/", red_flag_entry(), format="json")
    return response.status_code, response.json().get("id")


def owner_client(owner):
    return client_for(owner)


def unprocessed() -> int:
    return EvaluationRequest.objects.filter(processed_at__isnull=True).count()


def alerts_per_entry() -> Counter:
    """How many red-flag alerts name each entry as evidence: 1 for every entry means no alert
    lost and none raised twice, whether entries of one night share an alert or not."""
    per_entry: Counter = Counter()
    for evidence in Alert.objects.filter(rule="red_flag_symptoms").values_list("evidence", flat=True):
        per_entry.update(item["id"] for item in evidence)
    return per_entry


def red_flag_alerts() -> int:
    return Alert.objects.filter(rule="red_flag_symptoms").count()


def emails_per_alert_and_recipient(mail_dir: Path) -> Counter:
    sent = Counter()
    for message in sent_emails(mail_dir):
        to = re.search(r"^To: (.+)$", message, re.MULTILINE)
        alert = re.search(r"/clinic/alerts/([0-9a-f-]{36})/", message)
        if to and alert:
            sent[(alert.group(1), to.group(1).strip())] += 1
    return sent
