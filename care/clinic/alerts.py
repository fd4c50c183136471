"""Triage: the inbox (needs action first), its polled state, and acting on one alert."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from diary.access import profiles_visible_to
from diary.api import client_ip
from diary.services import access_record

from .. import alerts as lifecycle
from ..forms import AcknowledgeForm, ResolveForm
from ..models import Alert, Priority, RuleCode
from . import selectors
from .access import ClinicianRequest, clinic_page
from .actions import alert_acknowledge_with_note, notifications_mark_read

ALERTS_PER_PAGE = 50


def as_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def inbox_filters(request: ClinicianRequest) -> dict[str, Any]:
    """The query's filters, each kept only if it names something the clinician may see."""
    teams = list(selectors.clinician_teams(request.user))
    team = as_uuid(request.GET.get("team"))
    profile = as_uuid(request.GET.get("patient"))
    patients = list(profiles_visible_to(request.user).only("id", "display_name"))
    rule = request.GET.get("rule", "")
    view = request.GET.get("view", "")
    return {
        "view": view if view in selectors.INBOX_VIEWS else selectors.NEEDS_ACTION,
        "team": team if team in {t.pk for t in teams} else None,
        "rule": rule if rule in RuleCode.values else "",
        "profile": profile if profile in {p.pk for p in patients} else None,
        "teams": teams,
        "patients": patients,
    }


@require_GET
@clinic_page
def inbox(request: ClinicianRequest) -> HttpResponse:
    filters = inbox_filters(request)
    alerts = selectors.inbox_alerts(
        request.user,
        view=filters["view"],
        team=filters["team"],
        rule=filters["rule"],
        profile=filters["profile"],
    )
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.with_entry_days(list(page.object_list))
    lifecycle.alerts_seen(actor=request.user, alerts=rows, ip=client_ip(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clinic/inbox.html",
        {
            **filters,
            "page": page,
            "rows": rows,
            "views": selectors.INBOX_VIEWS,
            "rules": RuleCode.choices,
            "query": query.urlencode(),
            "state": selectors.inbox_state(request.user),
            "unread_count": selectors.unread_notifications(request.user).count(),
        },
    )


@require_GET
@clinic_page
def inbox_status(request: ClinicianRequest) -> JsonResponse:
    """Polled by the inbox every 15 seconds: counts and a version, no patient data."""
    return JsonResponse(selectors.inbox_state(request.user))


@require_POST
@clinic_page
def notifications_read(request: ClinicianRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("clinic:inbox")


def visible_alert(request: ClinicianRequest, alert_id: Any) -> Alert:
    return get_object_or_404(selectors.clinic_alerts(request.user), pk=alert_id)


def alert_page(
    request: ClinicianRequest,
    alert: Alert,
    *,
    acknowledge: AcknowledgeForm | None = None,
    resolve: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    access_record(actor=request.user, profile=alert.profile, action="read", obj=alert, ip=client_ip(request))
    selectors.with_entry_days([alert])
    context = {
        "alert": alert,
        "evidence": selectors.alert_evidence(alert),
        "history": selectors.alert_history(alert),
        "contact": selectors.family_contact(alert.profile) if alert.priority == Priority.URGENT else None,
        "acknowledge_form": acknowledge or AcknowledgeForm(),
        "resolve_form": resolve or ResolveForm(),
    }
    return render(request, "clinic/alert_detail.html", context, status=status)


@require_GET
@clinic_page
def alert_detail(request: ClinicianRequest, alert_id: Any) -> HttpResponse:
    return alert_page(request, visible_alert(request, alert_id))


@require_POST
@clinic_page
def alert_acknowledge(request: ClinicianRequest, alert_id: Any) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return alert_page(request, alert, acknowledge=form, status=400)
    try:
        alert_acknowledge_with_note(
            alert=alert, user=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
        )
    except lifecycle.AlertTransitionError as exc:
        form.add_error(None, str(exc))
        return alert_page(request, alert, acknowledge=form, status=409)
    messages.success(request, "Alert acknowledged.")
    return redirect("clinic:alert", alert_id=alert.pk)


@require_POST
@clinic_page
def alert_resolve(request: ClinicianRequest, alert_id: Any) -> HttpResponse:
    """Two steps: the note, then a confirmation showing it (still editable); nothing typed is lost."""
    alert = visible_alert(request, alert_id)
    if "back" in request.POST:  # from the confirmation: back to the alert, the note still typed
        return alert_page(request, alert, resolve=ResolveForm(initial={"note": request.POST.get("note", "")}))
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return alert_page(request, alert, resolve=form, status=400)
    if not form.cleaned_data["confirmed"]:
        return render(
            request,
            "clinic/alert_resolve_confirm.html",
            {"alert": alert, "form": form},
        )
    try:
        lifecycle.alert_resolve(
            alert=alert, user=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
        )
    except lifecycle.AlertTransitionError as exc:
        form.add_error(None, str(exc))
        return alert_page(request, alert, resolve=form, status=409)
    notifications_mark_read(user=request.user, alert=alert)
    messages.success(request, "Alert resolved.")
    return redirect("clinic:alert", alert_id=alert.pk)
