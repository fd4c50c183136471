"""Forms of the clinic pages. They parse what a browser sends; the API's serializers judge it,
so a threshold the API refuses is refused here with the same message."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import CareTeam

from . import rules
from .models import RuleCode
from .selectors import team_settings
from .serializers import ResolveSerializer, TeamRulesSerializer

BANDS = (rules.CHILD, rules.ADULT)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=ResolveSerializer().fields["note"].max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done, for the team and the family to see.",
    )


class RuleForm(forms.Form):
    """One rule: enabled, and a threshold and window per age band."""

    enabled = forms.BooleanField(label="On", required=False)
    child_threshold = forms.IntegerField(label="Children: threshold")
    child_window_days = forms.IntegerField(label="Children: window (days)")
    adult_threshold = forms.IntegerField(label="Adults: threshold")
    adult_window_days = forms.IntegerField(label="Adults: window (days)")

    def __init__(self, *args: Any, rule: rules.Rule, **kwargs: Any) -> None:
        super().__init__(*args, prefix=rule.code, label_suffix="", **kwargs)
        self.rule = rule
        self.label = RuleCode(rule.code).label
        if rule.fixed_count:
            # An urgent rule fires on a single entry: only its windows can change.
            del self.fields["child_threshold"], self.fields["adult_threshold"]

    def payload(self) -> dict[str, Any]:
        """The rule as TeamRulesSerializer reads it."""
        data = self.cleaned_data
        return {
            "rule": self.rule.code,
            "enabled": data["enabled"],
            **{
                band: {
                    "threshold": data.get(f"{band}_threshold", 1),
                    "window_days": data[f"{band}_window_days"],
                }
                for band in BANDS
            },
        }

    def add_serializer_errors(self, errors: dict[str, Any]) -> None:
        for key, value in errors.items():
            if key in BANDS and isinstance(value, dict):
                for part, messages in value.items():
                    name = f"{key}_{part}"
                    self.add_error(name if name in self.fields else None, messages)
            else:
                self.add_error(key if key in self.fields else None, value)


class EscalationForm(forms.Form):
    escalation_delay_minutes = forms.IntegerField(
        label="Escalate an unacknowledged urgent alert after (minutes)",
        help_text="Then every clinician of the team is notified.",
    )


class TeamRulesForm:
    """All rules of a team plus its escalation delay, validated by TeamRulesSerializer."""

    def __init__(self, data: Any = None, *, team: CareTeam) -> None:
        thresholds = team_settings(team)
        self.rules = [
            RuleForm(data, rule=rule, initial=self.initial_for(thresholds[code]))
            for code, rule in rules.RULES.items()
        ]
        self.escalation = EscalationForm(
            data, initial={"escalation_delay_minutes": team.escalation_delay_minutes}, label_suffix=""
        )
        self.errors: list[str] = []
        self.validated: dict[str, Any] = {}

    @staticmethod
    def initial_for(bands: dict[str, rules.Threshold]) -> dict[str, Any]:
        return {
            "enabled": bands[rules.CHILD].enabled,
            **{f"{band}_threshold": bands[band].count for band in BANDS},
            **{f"{band}_window_days": bands[band].window_days for band in BANDS},
        }

    def is_valid(self) -> bool:
        parsed = [form.is_valid() for form in [*self.rules, self.escalation]]  # every form, for its errors
        if not all(parsed):
            return False
        body = TeamRulesSerializer(
            data={
                "rules": [form.payload() for form in self.rules],
                **self.escalation.cleaned_data,
            }
        )
        if body.is_valid():
            self.validated = body.validated_data
            return True
        rule_errors = body.errors.get("rules", [])
        # Item errors come keyed by position (a dict, or a list with {} for valid items);
        # a plain list of messages is about the rules as a whole.
        if isinstance(rule_errors, dict) or any(isinstance(e, dict) for e in rule_errors):
            by_position = rule_errors if isinstance(rule_errors, dict) else dict(enumerate(rule_errors))
            for position, errors in by_position.items():
                self.rules[int(position)].add_serializer_errors(errors)
        else:
            self.errors.extend(str(error) for error in rule_errors)
        if "escalation_delay_minutes" in body.errors:
            self.escalation.add_error("escalation_delay_minutes", body.errors["escalation_delay_minutes"])
        return False

    def settings_in(self) -> list[rules.RuleSetting]:
        return TeamRulesSerializer.rule_settings(self.validated)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(form.errors for form in [*self.rules, self.escalation])
