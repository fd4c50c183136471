"""Thin task interface: take an id, call a service, be safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name=services.RENDER_REPORT_TASK)
def render_report(job_id: str) -> str:
    return services.report_job_run(job_id=job_id)
