"""Thin task interface: take an id, call a service, be safe to run twice."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name=services.RENDER_REPORT_TASK)
def render_report(job_id: str) -> str:
    return services.report_job_run(job_id=job_id)


@shared_task(name="reports.tasks.prune_reports")
def prune_reports() -> int:
    """Beat: report jobs (and their PDFs) after SIGMD_REPORT_JOB_RETENTION; share links ended
    (expired or revoked) more than SIGMD_SHARE_LINK_RETENTION ago."""
    jobs = services.report_jobs_prune(older_than=settings.SIGMD_REPORT_JOB_RETENTION)
    return jobs + services.share_links_prune(older_than=settings.SIGMD_SHARE_LINK_RETENTION)
