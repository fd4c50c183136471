"""A team's settings on one screen: invitations first, members, then the thresholds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import CareTeam, User
from diary.models import CareTeamInvitation
from diary.services import invitation_create

from .. import tasks, thresholds
from ..forms import EscalationForm, rules_formset
from ..selectors import team_settings
from . import selectors
from .access import ClinicianRequest, clinic_page


def member_team(request: ClinicianRequest, team_id: Any) -> CareTeam:
    return get_object_or_404(selectors.clinician_teams(request.user), pk=team_id)


def pending_invitations(team: CareTeam):
    return CareTeamInvitation.objects.filter(
        team=team, used_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


@require_http_methods(["GET", "HEAD", "POST"])
@clinic_page
def team_settings_page(request: ClinicianRequest, team_id: Any) -> HttpResponse:
    team = member_team(request, team_id)
    data = request.POST if request.method == "POST" else None
    formset = rules_formset(data, settings=team_settings(team))
    escalation = EscalationForm(
        data, initial={"escalation_delay_minutes": team.escalation_delay_minutes}, label_suffix=""
    )
    # Both forms checked, so every error shows at once.
    valid = data is not None and all([formset.is_valid(), escalation.is_valid()])
    if valid:
        team_evaluation = thresholds.team_rules_replace(
            team=team,
            settings_in=formset.settings_in(),
            user=request.user,
            escalation_delay_minutes=escalation.cleaned_data["escalation_delay_minutes"],
        )
        transaction.on_commit(lambda: tasks.team_evaluation_dispatch(team_evaluation.pk))
        messages.success(request, "Thresholds saved. They apply to linked patients from now on.")
        return redirect("clinic:team", team_id=team.pk)
    return render(
        request,
        "clinic/team.html",
        {
            "team": team,
            "formset": formset,
            "escalation": escalation,
            "has_errors": data is not None,
            "escalation_default": CareTeam._meta.get_field("escalation_delay_minutes").default,
            "invitations": pending_invitations(team),
            "members": User.objects.filter(team_memberships__team=team).order_by("display_name", "email"),
        },
        status=400 if data is not None else 200,
    )


@require_POST
@clinic_page
def team_invitation_create(request: ClinicianRequest, team_id: Any) -> HttpResponse:
    team = member_team(request, team_id)
    invitation = invitation_create(team=team, created_by=request.user, expires_at=None)
    return redirect("clinic:invitation", team_id=team.pk, invitation_id=invitation.pk)


@require_safe
@clinic_page
def team_invitation(request: ClinicianRequest, team_id: Any, invitation_id: Any) -> HttpResponse:
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


@require_POST
@clinic_page
def team_invitation_revoke(request: ClinicianRequest, team_id: Any, invitation_id: Any) -> HttpResponse:
    """A code not used yet stops working now (it expires at once; a used one stays as it was)."""
    team = member_team(request, team_id)
    with transaction.atomic():
        invitation = get_object_or_404(
            CareTeamInvitation.objects.select_for_update().filter(team=team), pk=invitation_id
        )
        if invitation.used_at is None and invitation.expires_at > timezone.now():
            invitation.expires_at = timezone.now()
            invitation.save(update_fields=["expires_at"])
            messages.success(request, f"Code {invitation.code} revoked: it no longer works.")
    return redirect("clinic:team", team_id=team.pk)
