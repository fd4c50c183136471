"""The page a doctor opens from a share link: no account, read-only, the 12-month summary and
the PDF, nothing else. An unknown, expired or revoked token is a 404; every use is logged."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from care.selectors import team_in_force
from diary.models import InfectionKind
from diary.selectors import profile_summary
from sigmd_portal.client_ip import client_ip
from sigmd_portal.throttles import ShareLinkThrottle

from . import services
from .api import pdf_response
from .models import ReportStatus, ShareLink
from .selectors import age_in_years, default_period, lab_range, plain_number

WAIT_REFRESH_SECONDS = 3


def private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: never send it on as a Referer, never index the page.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def usable_link(token: str) -> ShareLink:
    link = services.share_link_find(token=token)
    if link is None:
        raise Http404("This link has expired or was withdrawn.")
    return link


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every request counts against the client address's budget before its token is looked up,
    so a wrong token costs as much as a right one. Over the budget: a plain 429 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        throttle = ShareLinkThrottle()
        if throttle.allow_request(request, None):
            return view(request, token)
        retry_after = max(1, math.ceil(throttle.wait() or 1))
        response = render(request, "reports/share_throttled.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return private(response)

    return wrapper


@never_cache
@require_safe
@throttled
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = usable_link(token)
    services.share_link_record_use(link=link, action="read", ip=client_ip(request))
    profile = link.profile
    today = timezone.localdate()
    summary = profile_summary(profile, today=today)
    context = {
        "profile": profile,
        "age": age_in_years(profile.date_of_birth, today),
        "summary": summary,
        "by_kind": [(InfectionKind(k).label, n) for k, n in summary["infections"]["by_kind"].items()],
        "labs": [
            {
                **lab,
                "analyte": analyte,
                "value": plain_number(lab["value"]),
                "range": lab_range(lab["reference_low"], lab["reference_high"]),
            }
            for analyte, lab in summary["latest_labs"].items()
        ],
        "expires_at": link.expires_at,
    }
    return private(render(request, "reports/share.html", context))


@never_cache
@require_safe
@throttled
def share_report(request: HttpRequest, token: str) -> HttpResponse:
    """The PDF. A large one is made by the worker while a page that reloads itself (no
    JavaScript needed) asks the doctor to wait; only the delivered PDF is logged as a use."""
    link = usable_link(token)
    profile = link.profile
    today = timezone.localdate()
    start, end = default_period(today)
    params = services.report_params(
        start=start, end=end, questions="", team=team_in_force(AnonymousUser(), profile)
    )
    if not services.report_is_large(profile, start=start, end=end):
        pdf = services.report_render(profile=profile, params=params, today=today)
    else:
        job, _ = services.share_link_report_job(link=link, params=params)
        if job.status != ReportStatus.DONE:
            context = {"profile": profile, "refresh_seconds": WAIT_REFRESH_SECONDS}
            return private(render(request, "reports/share_wait.html", context, status=202))
        pdf = bytes(job.pdf or b"")
    services.share_link_record_use(link=link, action="export", ip=client_ip(request))
    return private(pdf_response(pdf, profile))
