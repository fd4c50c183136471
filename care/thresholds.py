"""A care team's thresholds: the one write (PUT semantics). Bounds are checked by the rule table
(diary.clinical.RuleSpec.problems) before this is called."""

from __future__ import annotations

from django.db import transaction

from accounts.models import CareTeam, User
from diary.models import CareLink
from diary.services import evaluation_requests

from . import rules
from .models import TeamRuleSetting


@transaction.atomic
def team_rules_replace(
    *,
    team: CareTeam,
    settings_in: list[rules.RuleSetting],
    user: User,
    escalation_delay_minutes: int | None = None,
) -> None:
    """The given rules replace the team's overrides; rules not given revert to the defaults."""
    if escalation_delay_minutes is not None:
        team.escalation_delay_minutes = escalation_delay_minutes
        team.save(update_fields=["escalation_delay_minutes"])
    TeamRuleSetting.objects.filter(team=team).delete()
    TeamRuleSetting.objects.bulk_create(
        TeamRuleSetting(
            team=team,
            rule=s.rule,
            enabled=s.enabled,
            child_threshold=s.child.count,
            child_window_days=s.child.window_days,
            adult_threshold=s.adult.count,
            adult_window_days=s.adult.window_days,
            updated_by=user,
        )
        for s in settings_in
    )
    # New thresholds apply to linked profiles from now on: evaluated in batches after the answer.
    linked = CareLink.objects.filter(team=team, revoked_at__isnull=True).values_list("profile_id", flat=True)
    evaluation_requests(profile_ids=linked)
