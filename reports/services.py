"""Writes of the reports app: share links, their use, and visit summaries rendered in the
background."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import CareTeam, User
from diary.models import SHARE_LINK_OBJECT, AccessLogEntry, Profile

from .models import ReportJob, ReportStatus, ShareLink, token_digest
from .pdf import render_visit_summary
from .selectors import report_size, visit_summary

log = logging.getLogger(__name__)

SHARE_LINK_MAX_DAYS = 30
TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters
RENDER_REPORT_TASK = "reports.tasks.render_report"
# Above this many rows a visit summary is rendered by the worker. Measured (CPU time per render
# on the shared 2-core machine): 0 rows 93 ms, 100 rows 380 ms, 200 rows 495 ms, 400 rows 699 ms,
# 800 rows 964 ms, 1600 rows 1874 ms. 300 keeps a web worker busy for well under a second.
REPORT_INLINE_MAX_ROWS = 300


# --- share links ---------------------------------------------------------------------------


def share_link_create(
    *, profile: Profile, created_by: User, expires_at: datetime, note: str = ""
) -> tuple[ShareLink, str]:
    """A new link and its token. The token is returned once and only its digest is stored,
    so the URL can be shown (and its QR code drawn) only now."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        profile=profile,
        token_hash=token_digest(token),
        note=note,
        created_by=created_by,
        expires_at=expires_at,
    )
    return link, token


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    link.refresh_from_db()
    return link


def share_link_find(*, token: str) -> ShareLink | None:
    """The usable link for a token; None for an unknown, expired or revoked one."""
    return ShareLink.objects.usable().select_related("profile").filter(token_hash=token_digest(token)).first()


def share_link_record_use(*, link: ShareLink, action: str, ip: str | None) -> None:
    """Write a use of the link to the profile's access log. No account is behind a link: the
    actor is null and the address empty, which the family reads as "a shared link"."""
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
    AccessLogEntry.objects.create(
        profile=link.profile,
        actor=None,
        actor_email="",
        action=action,
        object_type=SHARE_LINK_OBJECT,
        object_id=str(link.pk),
        ip_address=ip,
    )


# --- visit summaries ------------------------------------------------------------------------


def report_params(*, start: date, end: date, questions: str, team: CareTeam | None) -> dict[str, Any]:
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "questions": questions,
        "team": str(team.pk) if team else None,
    }


def report_is_large(profile: Profile, *, start: date, end: date) -> bool:
    """Whether the report is rendered by the worker rather than in the request."""
    return report_size(profile, start=start, end=end) > REPORT_INLINE_MAX_ROWS


def report_render(*, profile: Profile, params: dict[str, Any], today: date) -> bytes:
    team = CareTeam.objects.filter(pk=params["team"]).first() if params["team"] else None
    summary = visit_summary(
        profile,
        start=date.fromisoformat(params["from"]),
        end=date.fromisoformat(params["to"]),
        today=today,
        team=team,
        questions=params["questions"],
    )
    return render_visit_summary(summary)


def report_job_create(
    *, profile: Profile, params: dict[str, Any], user: User | None = None, share_link: ShareLink | None = None
) -> ReportJob:
    """Queue a large report for the worker. Old jobs' PDFs (health data) are dropped on the way,
    so they go even where no beat runs (the embedded setup)."""
    report_jobs_prune(older_than=settings.SIGMD_REPORT_JOB_RETENTION)
    job = ReportJob.objects.create(profile=profile, requested_by=user, share_link=share_link, params=params)

    def dispatch() -> None:
        from sigmd_portal.celery import app

        app.tasks[RENDER_REPORT_TASK].apply_async(args=[str(job.pk)])

    transaction.on_commit(dispatch)
    return job


def share_link_report_job(*, link: ShareLink, params: dict[str, Any]) -> tuple[ReportJob, bool]:
    """The link's report being made (or just made) for these parameters, or a new one: a doctor
    reloading the waiting page must not queue the same report again."""
    recent = timezone.now() - settings.SIGMD_REPORT_JOB_RETENTION
    job = (
        ReportJob.objects.filter(share_link=link, params=params, created_at__gte=recent)
        .exclude(status=ReportStatus.FAILED)
        .order_by("-created_at")
        .first()
    )
    if job is not None:
        return job, False
    return report_job_create(profile=link.profile, params=params, share_link=link), True


def report_job_run(*, job_id: Any) -> str:
    """Render a queued report; safe to run twice (a finished job is left as it is)."""
    job = ReportJob.objects.select_related("profile").filter(pk=job_id).first()
    if job is None or job.status != ReportStatus.PENDING:
        return "skipped"
    try:
        pdf = report_render(profile=job.profile, params=job.params, today=timezone.localdate())
    except Exception as exc:
        # A render that failed once fails again: record it for the client instead of retrying.
        log.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportStatus.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        return "failed"
    ReportJob.objects.filter(pk=job.pk, status=ReportStatus.PENDING).update(
        status=ReportStatus.DONE, pdf=pdf, finished_at=timezone.now()
    )
    return "done"


# --- retention --------------------------------------------------------------------------------


def report_jobs_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete report jobs made before the retention, with the PDFs (health data) stored in their
    rows. A job still pending by then lost its worker; its client has long stopped polling."""
    cutoff = (now or timezone.now()) - older_than
    return ReportJob.objects.filter(created_at__lt=cutoff).delete()[1].get(ReportJob._meta.label, 0)


def share_links_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete links that expired or were revoked before the retention: they open nothing, and
    the family's list of links forgets them. Their uses stay in the access log, whose rows name
    the link only by its random id (no foreign key), so they still read as "a shared link"."""
    cutoff = (now or timezone.now()) - older_than
    ended = ShareLink.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))
    return ended.delete()[1].get(ShareLink._meta.label, 0)
