"""The page a doctor opens from a share link: no account, read-only, the 12-month summary and
the PDF, nothing else. An unknown, expired or revoked token is a 404; every use is logged."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from diary.models import InfectionKind
from diary.selectors import profile_summary

from . import services
from .api import pdf_response
from .selectors import age_in_years, default_period, team_in_force


def private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: never send it on as a Referer, never index the page.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def usable_link(request: HttpRequest, token: str, what: str):
    link = services.share_link_use(token=token, what=what, ip=request.META.get("REMOTE_ADDR"))
    if link is None:
        raise Http404("This link has expired or was withdrawn.")
    return link


@never_cache
@require_safe
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = usable_link(request, token, "summary")
    profile = link.profile
    today = timezone.localdate()
    summary = profile_summary(profile, today=today)
    context = {
        "profile": profile,
        "age": age_in_years(profile.date_of_birth, today),
        "summary": summary,
        "by_kind": [(InfectionKind(k).label, n) for k, n in summary["infections"]["by_kind"].items()],
        "expires_at": link.expires_at,
        "token": token,
    }
    return private(render(request, "reports/share.html", context))


@never_cache
@require_safe
def share_report(request: HttpRequest, token: str) -> HttpResponse:
    link = usable_link(request, token, "report")
    today = timezone.localdate()
    start, end = default_period(today)
    params = services.report_params(
        start=start, end=end, questions="", team=team_in_force(link.profile, None)
    )
    pdf = services.report_render(profile=link.profile, params=params, today=today)
    return private(pdf_response(pdf, link.profile))
