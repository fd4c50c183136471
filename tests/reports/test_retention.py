"""Beat's clean-up of the reports app: rendered visit summaries (health data in a PDF) go after
SIGMD_REPORT_JOB_RETENTION, share links that ended long ago after SIGMD_SHARE_LINK_RETENTION,
and the access log keeps every use of a deleted link."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from celery.schedules import schedule
from django.conf import settings
from django.test import Client
from django.utils import timezone

from diary.models import AccessLogEntry
from reports import services
from reports.models import ReportJob, ShareLink
from sigmd_portal.celery import app
from tests.conftest import client_for
from tests.reports.test_pdf import pdf_text, url
from tests.reports.test_share_links import create, links_url, path_of

BEAT_ENTRY = "prune-reports"


def run_the_beat_entry() -> int:
    """What beat would run: the task its entry names, as registered with the worker's app."""
    return app.tasks[settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]["task"]].apply().get()


def ask_for_a_large_report(owner, child, commit) -> str:
    """The family asks for a PDF large enough for the worker; answers where to fetch it."""
    with commit():
        answer = client_for(owner).get(url(child))
    assert answer.status_code == 202
    return answer.json()["status_url"]


def test_beat_prunes_often_enough_that_a_pdf_barely_outlives_its_retention():
    every = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]["schedule"]
    every = every.run_every if isinstance(every, schedule) else every

    assert timedelta(0) < every <= settings.SIGMD_REPORT_JOB_RETENTION / 2


def test_an_old_report_and_its_pdf_go_and_a_recent_one_stays(
    owner, child, diary, monkeypatch, commit, settings, time_machine
):
    settings.SIGMD_REPORT_JOB_RETENTION = timedelta(hours=1)
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    time_machine.move_to(timezone.now())
    old = ask_for_a_large_report(owner, child, commit)
    time_machine.shift(timedelta(minutes=50))
    recent = ask_for_a_large_report(owner, child, commit)
    old_pdf = client_for(owner).get(old).content
    assert "Visit summary: Ada" in pdf_text(old_pdf)[0]

    time_machine.shift(timedelta(minutes=11))  # the first is 61 minutes old, the second 11
    pruned = run_the_beat_entry()

    assert pruned == 1
    assert client_for(owner).get(old).status_code == 404
    assert not ReportJob.objects.filter(pdf=old_pdf).exists()  # the file is gone with its row
    kept = client_for(owner).get(recent)
    assert kept.status_code == 200
    assert "Visit summary: Ada" in pdf_text(kept.content)[0]
    assert ReportJob.objects.count() == 1


def test_share_links_that_ended_long_ago_go_and_their_uses_stay_in_the_access_log(
    owner, child, diary, settings, time_machine
):
    settings.SIGMD_SHARE_LINK_RETENTION = timedelta(days=90)
    time_machine.move_to(timezone.now())
    week = create(owner, child, days=7, note="Dr Patel").json()
    assert Client().get(path_of(week)).status_code == 200
    revoked = create(owner, child, days=30, note="withdrawn").json()
    assert client_for(owner).delete(links_url(child) + f"{revoked['id']}/").status_code == 204
    time_machine.shift(timedelta(days=60))
    later = create(owner, child, days=30, note="the next visit").json()

    time_machine.shift(timedelta(days=37, minutes=1))  # the week's link ended 90 days ago
    pruned = run_the_beat_entry()

    # The week's link and the one revoked 97 days ago go; the one expired 7 days ago stays.
    assert pruned == 2
    assert list(ShareLink.objects.values_list("pk", flat=True)) == [uuid.UUID(later["id"])]
    listed = client_for(owner).get(links_url(child)).json()["results"]
    assert [row["note"] for row in listed] == ["the next visit"]
    log = client_for(owner).get(f"/api/v1/profiles/{child.pk}/access-log/").json()["results"]
    assert [(row["via_share_link"], row["action"], row["object_id"]) for row in log] == [
        (True, "read", week["id"])
    ]
    assert AccessLogEntry.objects.filter(profile=child).count() == 1


@pytest.mark.parametrize("days", [1, 30])
def test_a_link_still_working_is_never_pruned(owner, child, days, time_machine):
    time_machine.move_to(timezone.now())
    create(owner, child, days=days)
    time_machine.shift(timedelta(days=days) - timedelta(minutes=1))

    assert services.share_links_prune(older_than=timedelta(days=1)) == 0
    assert ShareLink.objects.usable().count() == 1
