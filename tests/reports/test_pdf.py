"""The visit summary PDF a family hands to the immunologist."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.conf import settings
from pypdf import PdfReader

from care.models import TeamRuleSetting
from diary.models import AccessLogEntry
from reports import services
from reports.models import ReportJob
from tests.conftest import client_for
from tests.reports.conftest import make_alert, seed_diary, today


def url(profile, query: str = "") -> str:
    return f"/api/v1/profiles/{profile.pk}/report.pdf{query}"


def ear_infections_threshold(team, *, child: int) -> None:
    TeamRuleSetting.objects.create(
        team=team,
        rule="recurrent_ear_infections",
        enabled=True,
        child_threshold=child,
        child_window_days=365,
        adult_threshold=2,
        adult_window_days=365,
    )


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return " ".join(text.split()), images


def test_the_pdf_holds_the_name_the_counts_and_the_charts(owner, child, diary):
    response = client_for(owner).get(url(child))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text, images = pdf_text(response.content)
    assert "Visit summary: Ada" in text
    assert "Infections: 5 in the period" in text
    assert "Ear infection (otitis media) 4" in text
    # The serious pneumonia is listed with its organism; antibiotics are counted in days and courses.
    assert "S. pneumoniae" in text
    assert "16 days of treatment in 2 courses" in text
    assert "PCV20" in text
    # A chart of infections per month and one per immunoglobulin trend (IgM, IgG).
    assert images >= 3


def test_the_counts_are_set_against_the_team_thresholds_in_force(owner, linked_child, team, diary):
    ear_infections_threshold(team, child=6)

    text, _ = pdf_text(client_for(owner).get(url(linked_child)).content)

    assert f"thresholds of {team.name}" in text
    assert "Recurrent ear infections 4 episodes 6 episodes 365 days" in text


def test_without_a_team_the_default_thresholds_apply(owner, child, diary):
    text, _ = pdf_text(client_for(owner).get(url(child)).content)

    assert "no care team (default thresholds)" in text
    assert "Recurrent ear infections 4 episodes 4 episodes 365 days MET" in text


def test_the_familys_questions_and_open_alerts_are_printed(owner, child, diary):
    make_alert(child)
    query = "?questions=Should+Ada+have+grommets%3F"

    text, _ = pdf_text(client_for(owner).get(url(child, query)).content)

    assert "Should Ada have grommets?" in text
    assert "4 ear infections in 365 days (threshold 4)." in text


def test_a_period_can_be_chosen(owner, child, diary):
    # The ten days around the pneumonia (60 days ago), and nothing else.
    start, end = today() - dt.timedelta(days=65), today() - dt.timedelta(days=55)

    text, _ = pdf_text(client_for(owner).get(url(child, f"?from={start}&to={end}")).content)

    assert f"period {start:%d %b %Y} to {end:%d %b %Y}" in text
    assert "Infections: 1 in the period" in text
    assert "Pneumonia 1" in text


@pytest.mark.parametrize(
    "query",
    [
        "?from=yesterday",
        "?from=2026-05-01&to=2026-04-01",
        "?from=2100-01-01",
        "?from=1990-01-01&to=2026-01-01",
        "?questions=" + "x" * 2001,
        "?colour=blue",
    ],
)
def test_bad_parameters_are_a_400_and_nothing_is_rendered(owner, child, query):
    response = client_for(owner).get(url(child, query))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_clinicians_download_is_in_the_access_log(clinician, linked_child, diary):
    response = client_for(clinician).get(url(linked_child))

    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(profile=linked_child, actor=clinician, action="export").exists()


def test_a_large_report_is_rendered_by_the_worker_and_polled(owner, child, diary, monkeypatch, commit):
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    client = client_for(owner)

    with commit():
        response = client.get(url(child))

    assert response.status_code == 202
    status_url = response.json()["status_url"]
    done = client.get(status_url)
    assert done.status_code == 200
    assert done["Content-Type"] == "application/pdf"
    assert "Visit summary: Ada" in pdf_text(done.content)[0]


def test_a_job_is_only_for_the_person_who_asked(owner, teammate, stranger, child, diary, monkeypatch, commit):
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    with commit():
        status_url = client_for(owner).get(url(child)).json()["status_url"]

    assert client_for(stranger).get(status_url).status_code == 404
    assert client_for(teammate).get(status_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_renders_a_large_report(celery_worker, owner, child, monkeypatch):
    seed_diary(child)
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    client = client_for(owner)
    response = client.get(url(child))
    assert response.status_code == 202
    status_url = response.json()["status_url"]

    deadline = time.monotonic() + 60
    while (answer := client.get(status_url)).status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.2)

    assert answer.status_code == 200, ReportJob.objects.values("status", "error").first()
    assert "Visit summary: Ada" in pdf_text(answer.content)[0]


def test_a_clinician_sees_their_own_teams_thresholds(clinician, linked_child, team, diary):
    from tests.factories import CareTeamFactory, link_to_team

    other = CareTeamFactory(name="A team joined first elsewhere")
    ear_infections_threshold(other, child=9)
    link_to_team(linked_child, other)

    text, _ = pdf_text(client_for(clinician).get(url(linked_child)).content)

    assert f"thresholds of {team.name}" in text
    assert "Recurrent ear infections 4 episodes 4 episodes 365 days MET" in text


def test_rendering_a_job_twice_renders_it_once(owner, child, diary, monkeypatch, commit):
    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    with commit():
        job_id = client_for(owner).get(url(child)).json()["id"]
    first = ReportJob.objects.get(pk=job_id)

    assert services.report_job_run(job_id=job_id) == "skipped"
    assert ReportJob.objects.get(pk=job_id).finished_at == first.finished_at


def test_old_jobs_and_their_pdfs_are_dropped(owner, child, diary, monkeypatch, commit):
    import time_machine

    monkeypatch.setattr(services, "REPORT_INLINE_MAX_ROWS", 3)
    with commit():
        old = client_for(owner).get(url(child)).json()["status_url"]
    later = dt.datetime.now(tz=dt.UTC) + settings.SIGMD_REPORT_JOB_RETENTION + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        with commit():
            client_for(owner).get(url(child))
        assert client_for(owner).get(old).status_code == 404
    assert ReportJob.objects.count() == 1
