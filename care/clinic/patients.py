"""Patients at a glance: the list for the clinician's teams, and one patient's year in charts."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from diary.access import profiles_visible_to
from diary.api import client_ip
from diary.clinical import GROWTH_REFERENCE_SCOPE
from diary.selectors import profile_summary
from diary.services import access_record

from .. import rules
from ..models import AlertStatus
from ..selectors import team_settings
from . import selectors
from .access import ClinicianRequest, clinic_page
from .alerts import as_uuid

PATIENTS_PER_PAGE = 50
SORT_CHOICES = [
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("alerts", "Most unresolved alerts"),
    ("infections", "Most infections in 12 months"),
    ("last_entry", "Most recent entry"),
    ("-last_entry", "Least recent entry"),
]


@require_GET
@clinic_page
def patient_list(request: ClinicianRequest) -> HttpResponse:
    today = timezone.localdate()
    teams = list(selectors.clinician_teams(request.user))
    team = as_uuid(request.GET.get("team"))
    team = team if team in {t.pk for t in teams} else None
    sort = request.GET.get("sort", "name")
    sort = sort if sort in dict(SORT_CHOICES) else "name"
    q = request.GET.get("q", "")[:100]
    patients = selectors.patient_rows(request.user, today=today, q=q, sort=sort, team=team)
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    for profile in page.object_list:
        profile.age_band = rules.age_band(profile.date_of_birth, today)
        profile.age = selectors.age_years(profile.date_of_birth, today)
        profile.last_entry_day = None if profile.last_entry == selectors.NO_DATE else profile.last_entry
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clinic/patient_list.html",
        {
            "page": page,
            "q": q,
            "sort": sort,
            "sorts": SORT_CHOICES,
            "team": team,
            "teams": teams,
            "query": query.urlencode(),
        },
    )


@require_GET
@clinic_page
def patient_page(request: ClinicianRequest, profile_id: Any) -> HttpResponse:
    profile = get_object_or_404(profiles_visible_to(request.user), pk=profile_id)
    access_record(actor=request.user, profile=profile, action="read", ip=client_ip(request))
    today = timezone.localdate()
    teams = selectors.profile_teams(request.user, profile)
    # The immune record's figures are the summary's own (one read, shared with the app and the PDF).
    summary = profile_summary(profile, today=today)
    growth = selectors.growth_history(profile)
    # The charts show the thresholds of the clinician's (first) team linked to this patient.
    charts = selectors.chart_data(
        profile,
        today=today,
        trends=summary["trends"],
        growth=growth,
        settings=team_settings(teams[0]) if teams else None,
    )
    return render(
        request,
        "clinic/patient.html",
        {
            "profile": profile,
            "age_band": rules.age_band(profile.date_of_birth, today),
            "age": selectors.age_years(profile.date_of_birth, today),
            "summary": summary,
            "therapy": selectors.therapy(summary["infusions"]),
            "vaccine_responses": selectors.vaccine_responses(summary["titre_responses"]),
            "immunoglobulins": selectors.immunoglobulins(summary["trends"]),
            "growth": growth,
            "growth_scope": GROWTH_REFERENCE_SCOPE,
            "charts": charts,
            "antibiotic_rows": zip(
                charts["months"],
                charts["antibiotic_days"]["treatment"],
                charts["antibiotic_days"]["prophylaxis"],
                strict=True,
            ),
            "team_thresholds": [(team, selectors.thresholds_met(profile, team, today)) for team in teams],
            "alerts": selectors.clinic_alerts(request.user)
            .filter(profile=profile)
            .exclude(status=AlertStatus.RESOLVED),
            "timeline": selectors.profile_timeline(profile),
        },
    )
