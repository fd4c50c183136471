"""A care team's thresholds: the one write (PUT semantics). Bounds are checked by the rule table
(diary.clinical.RuleSpec.problems) before this is called."""

from __future__ import annotations

from django.db import transaction

from accounts.models import CareTeam, User

from . import rules
from .models import TeamEvaluation, TeamRuleSetting
from .selectors import settings_from, team_settings


@transaction.atomic
def team_rules_replace(
    *,
    team: CareTeam,
    settings_in: list[rules.RuleSetting],
    user: User,
    escalation_delay_minutes: int | None = None,
) -> TeamEvaluation:
    """The given rules replace the team's overrides; rules not given revert to the defaults.
    Returns the team's re-evaluation request (of the rules whose thresholds changed), for the
    caller to dispatch once this commits."""
    if escalation_delay_minutes is not None:
        team.escalation_delay_minutes = escalation_delay_minutes
        team.save(update_fields=["escalation_delay_minutes"])
    before = team_settings(team)
    TeamRuleSetting.objects.filter(team=team).delete()
    rows = TeamRuleSetting.objects.bulk_create(
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
    # New thresholds apply to linked profiles from now on: one outbox row for the whole team, split
    # into parts of a batch of profiles by a task after the answer (care.tasks.team_evaluation_dispatch).
    return TeamEvaluation.objects.create(team=team, rules=rules.changed(before, settings_from(rows)))
