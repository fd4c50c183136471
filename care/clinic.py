"""The clinicians' pages under /clinic/: server-rendered, readable on a phone without JavaScript.

Who may see what is decided where the API decides it: alerts through `alerts_visible_to`,
profiles through `profiles_visible_to`, teams through membership. Anything else is a 404.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, clear_totp_secret
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, CharField, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import CareTeam, User
from diary.access import profiles_visible_to
from diary.api import client_ip
from diary.clinical import RED_FLAG_SYMPTOMS
from diary.models import (
    CareTeamInvitation,
    Entry,
    InfectionEpisode,
    InfectionKind,
    Infusion,
    LabResult,
    Profile,
    SymptomCode,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from diary.selectors import profile_summary
from diary.services import access_record, invitation_create

from . import alerts as lifecycle
from . import rules
from .forms import ResolveForm, TeamRulesForm
from .models import Alert, AlertStatus, Notification, Priority, RuleCode
from .selectors import alerts_visible_to, team_in_force, thresholds_met
from .thresholds import team_rules_replace

View = Callable[..., HttpResponse]
RECOVERY_CODES_PENDING = "clinic.show_recovery_codes"
ALERTS_PER_PAGE = 50

# Entry types by the names alert evidence uses (episode, symptom, treatment, infusion), plus
# the two more the timeline shows.
ENTRY_TYPES: dict[str, type[Entry]] = {
    "episode": InfectionEpisode,
    "symptom": SymptomEntry,
    "treatment": Treatment,
    "infusion": Infusion,
    "vaccination": Vaccination,
    "lab": LabResult,
}


@dataclass(frozen=True)
class EntryView:
    """A diary entry as the clinic shows it (entry None: deleted since an alert named it)."""

    type: str
    entry: Entry | None

    @property
    def day(self) -> date | None:
        if self.entry is None:
            return None
        value = getattr(self.entry, self.entry.date_field)
        return timezone.localdate(value) if isinstance(value, datetime) else value

    @property
    def symptoms(self) -> list[tuple[str, bool]]:
        """(label, is a red flag) for a symptom entry."""
        codes = getattr(self.entry, "symptoms", None) or []
        return [
            (
                SymptomCode(code).label.capitalize() if code in SymptomCode.values else code,
                code in RED_FLAG_SYMPTOMS,
            )
            for code in codes
        ]


# --- who may open a clinic page ----------------------------------------------------------------


def clinician_only(view: View) -> View:
    """Signed in (else to the PWA's sign-in), and a clinician (else the page does not exist)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_clinician:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def clinic_page(view: View) -> View:
    """A clinician with TOTP set up: without it, no patient data (as in the API)."""

    @clinician_only
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_totp():
            return redirect("clinic:setup-2fa")
        return view(request, *args, **kwargs)

    return wrapper


# --- two-factor setup --------------------------------------------------------------------------


@clinician_only
def setup_2fa(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (TOTP) with allauth's own form; the pending secret waits in
    the session until a code from the app proves it was stored."""
    if request.user.has_totp():
        return redirect("clinic:inbox")
    form = ActivateTOTPForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTP.activate(request.user, form.secret)
            RecoveryCodes.activate(request.user)
        clear_totp_secret(request)
        request.session[RECOVERY_CODES_PENDING] = True
        messages.success(request, "Two-factor authentication is on.")
        return redirect("clinic:inbox")
    secret = form.secret
    adapter = get_mfa_adapter()
    totp_url = adapter.build_totp_url(request.user, secret)
    return render(
        request,
        "clinic/setup_2fa.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "totp_url": totp_url,
            # An image, not inline SVG markup: the CSP allows data: images and no inline styles.
            "qr_code": "data:image/svg+xml;base64,"
            + base64.b64encode(adapter.build_totp_svg(totp_url).encode()).decode(),
        },
    )


def recovery_codes_once(request: HttpRequest) -> list[str]:
    """The recovery codes, on the first page after setup only."""
    if not request.session.pop(RECOVERY_CODES_PENDING, False):
        return []
    authenticator = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    return RecoveryCodes(authenticator).get_unused_codes() if authenticator else []


# --- alerts ------------------------------------------------------------------------------------


def clinic_alerts(user: User) -> QuerySet[Alert]:
    """The alerts the user may see, with what every clinic page shows of them."""
    return (
        alerts_visible_to(user)
        .select_related("profile", "team", "acknowledged_by", "resolved_by")
        .annotate(
            rule_label=Case(
                *(When(rule=code, then=Value(label)) for code, label in RuleCode.choices),
                output_field=CharField(),
            )
        )
    )


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, alert__in=alerts_visible_to(user)
    )


@clinic_page
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    alerts = (
        clinic_alerts(request.user)
        .annotate(
            unread=Exists(
                Notification.objects.filter(
                    recipient=request.user, read_at__isnull=True, alert=OuterRef("pk")
                )
            ),
            urgent_first=Case(
                When(priority=Priority.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("urgent_first", "-created_at")
    )
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    else:
        status = ""
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    lifecycle.alerts_seen(actor=request.user, alerts=list(page.object_list), ip=client_ip(request))
    return render(
        request,
        "clinic/inbox.html",
        {
            "page": page,
            "status": status,
            "statuses": [("", "All"), *AlertStatus.choices],
            "unread_count": unread_notifications(request.user).count(),
            "teams": CareTeam.objects.filter(memberships__user=request.user).order_by("name"),
            "recovery_codes": recovery_codes_once(request),
        },
    )


def visible_alert(request: HttpRequest, alert_id: Any) -> Alert:
    return get_object_or_404(clinic_alerts(request.user), pk=alert_id)


def alert_evidence(alert: Alert) -> list[EntryView]:
    """The entries that made the alert fire, looked up within its profile."""
    found: dict[str, Entry] = {}
    for kind, model in ENTRY_TYPES.items():
        ids = [item["id"] for item in alert.evidence if item["type"] == kind]
        if ids:
            found.update({str(e.pk): e for e in model.objects.filter(profile=alert.profile, pk__in=ids)})
    return [EntryView(item["type"], found.get(item["id"])) for item in alert.evidence]


def alert_page(request: HttpRequest, alert: Alert, form: ResolveForm, status: int = 200) -> HttpResponse:
    access_record(actor=request.user, profile=alert.profile, action="read", obj=alert, ip=client_ip(request))
    context = {"alert": alert, "evidence": alert_evidence(alert), "resolve_form": form}
    return render(request, "clinic/alert_detail.html", context, status=status)


@clinic_page
def alert_detail(request: HttpRequest, alert_id: Any) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    Notification.objects.filter(recipient=request.user, alert=alert, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return alert_page(request, alert, ResolveForm())


@require_POST
@clinic_page
def alert_acknowledge(request: HttpRequest, alert_id: Any) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    try:
        lifecycle.alert_acknowledge(alert=alert, user=request.user, ip=client_ip(request))
    except lifecycle.AlertTransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("clinic:alert", alert_id=alert.pk)


@require_POST
@clinic_page
def alert_resolve(request: HttpRequest, alert_id: Any) -> HttpResponse:
    alert = visible_alert(request, alert_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return alert_page(request, alert, form, status=400)
    try:
        lifecycle.alert_resolve(
            alert=alert, user=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
        )
    except lifecycle.AlertTransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Alert resolved.")
    return redirect("clinic:alert", alert_id=alert.pk)


# --- the patient -------------------------------------------------------------------------------


def profile_timeline(profile: Profile) -> list[EntryView]:
    """All five entry types, newest first: one query per type."""
    items = [
        EntryView(kind, entry)
        for kind, model in ENTRY_TYPES.items()
        for entry in model.objects.filter(profile=profile)
    ]
    return sorted(items, key=lambda item: (item.day, item.entry.created_at), reverse=True)  # type: ignore[union-attr]


@clinic_page
def patient_timeline(request: HttpRequest, profile_id: Any) -> HttpResponse:
    profile = get_object_or_404(profiles_visible_to(request.user), pk=profile_id)
    access_record(actor=request.user, profile=profile, action="read", ip=client_ip(request))
    today = timezone.localdate()
    summary = profile_summary(profile, today=today)
    return render(
        request,
        "clinic/patient.html",
        {
            "profile": profile,
            "age_band": rules.age_band(profile.date_of_birth, today),
            "summary": summary,
            "infections_by_kind": [
                (InfectionKind(kind).label, count) for kind, count in summary["infections"]["by_kind"].items()
            ],
            "thresholds": thresholds_met(profile, today, team=team_in_force(request.user, profile)),
            "alerts": clinic_alerts(request.user)
            .filter(profile=profile)
            .exclude(status=AlertStatus.RESOLVED),
            "timeline": profile_timeline(profile),
        },
    )


# --- the team ----------------------------------------------------------------------------------


def member_team(request: HttpRequest, team_id: Any) -> CareTeam:
    return get_object_or_404(CareTeam.objects.filter(memberships__user=request.user), pk=team_id)


@clinic_page
def team_rules(request: HttpRequest, team_id: Any) -> HttpResponse:
    team = member_team(request, team_id)
    form = TeamRulesForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        team_rules_replace(
            team=team,
            settings_in=form.settings_in(),
            user=request.user,
            escalation_delay_minutes=form.validated.get("escalation_delay_minutes"),
        )
        messages.success(request, "Thresholds saved. They apply to linked patients from now on.")
        return redirect("clinic:team-rules", team_id=team.pk)
    status = 400 if form.has_errors else 200
    return render(request, "clinic/team_rules.html", {"team": team, "form": form}, status=status)


@require_POST
@clinic_page
def team_invitation_create(request: HttpRequest, team_id: Any) -> HttpResponse:
    team = member_team(request, team_id)
    invitation = invitation_create(team=team, created_by=request.user, expires_at=None)
    return redirect("clinic:invitation", team_id=team.pk, invitation_id=invitation.pk)


@clinic_page
def team_invitation(request: HttpRequest, team_id: Any, invitation_id: Any) -> HttpResponse:
    team = member_team(request, team_id)
    invitation = get_object_or_404(CareTeamInvitation.objects.filter(team=team), pk=invitation_id)
    code = invitation.code
    return render(
        request,
        "clinic/invitation.html",
        {
            "team": team,
            "invitation": invitation,
            # Read aloud in two halves; the code is accepted with or without the space.
            "code_groups": [code[i : i + 4] for i in range(0, len(code), 4)],
            "expired": invitation.expires_at <= timezone.now(),
        },
    )
