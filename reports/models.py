"""Data rights and reports: links for a doctor without an account, and visit summaries
rendered in the background when they are large."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from diary.models import Profile


def token_digest(token: str) -> str:
    """Share tokens are long and random, so one SHA-256 is enough: only the digest is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def usable(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A read-only link to one profile's summary and PDF, for a doctor without an account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class ReportStatus(models.TextChoices):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ReportJob(models.Model):
    """A visit summary PDF too large to render inside the request: a worker renders it and the
    client polls. The PDF is kept only for a short while (SIGMD_REPORT_JOB_RETENTION)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="report_jobs")
    # Who asked: a signed-in person, or a doctor through a share link (exactly one of the two).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    share_link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="report_jobs"
    )
    # The report's parameters, as parsed from the request: {"from", "to", "questions", "team"}.
    params = models.JSONField()
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    pdf = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested_by__isnull=True) ^ models.Q(share_link__isnull=True),
                name="report_job_one_requester",
            )
        ]
