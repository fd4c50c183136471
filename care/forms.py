"""Forms of the clinic pages: acting on an alert, and a team's thresholds as a formset that is
validated against the rule table itself (care.rules.RULES), not through the API's serializer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory

from . import rules
from .models import RuleCode

NOTE_MAX_LENGTH = 2000
BANDS = (rules.CHILD, rules.ADULT)
BAND_WORDS = {rules.CHILD: "children", rules.ADULT: "adults"}


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: “Called the family, seen tomorrow”.",
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done (required)",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The team and the family see this note.",
        error_messages={"required": "Write what was done before resolving the alert."},
    )
    # Set by the confirmation page's button: the first submit only shows that page.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --- thresholds -----------------------------------------------------------------------------------

COUNT_RANGE = (1, 1000)
ESCALATION_RANGE = (1, 24 * 60)


@dataclass(frozen=True)
class RuleBounds:
    """What a team may change about one rule (DESIGN.md: urgent rules stay on, windows 2–14 days)."""

    can_disable: bool
    fixed_count: bool
    min_window_days: int
    max_window_days: int


def bounds_of(rule: rules.Rule) -> RuleBounds:
    """The rule table's own bounds (diary.clinical), shown on the form's inputs."""
    return RuleBounds(
        can_disable=rule.can_disable,
        fixed_count=rule.fixed_count,
        min_window_days=rule.min_window_days or 1,
        max_window_days=rule.max_window_days or 3650,
    )


class RuleForm(forms.Form):
    """One row of the table: a rule on or off, a threshold and window per age band."""

    rule = forms.CharField(widget=forms.HiddenInput)
    enabled = forms.BooleanField(label="On", required=False)
    child_threshold = forms.IntegerField(label="threshold", required=False)
    child_window_days = forms.IntegerField(label="window (days)")
    adult_threshold = forms.IntegerField(label="threshold", required=False)
    adult_window_days = forms.IntegerField(label="window (days)")

    def __init__(self, *args: Any, rule: rules.Rule, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.definition = rule
        self.label = RuleCode(rule.code).label
        self.bounds = bounds_of(rule)
        for band in BANDS:
            window = self.fields[f"{band}_window_days"]
            # The range is checked in clean(): bounds set after construction add no validators.
            window.widget.attrs.update(min=self.bounds.min_window_days, max=self.bounds.max_window_days)
            threshold = self.fields[f"{band}_threshold"]
            if self.bounds.fixed_count:
                threshold.disabled = True  # an urgent rule fires on one entry
            else:
                threshold.required = True
                threshold.widget.attrs.update(min=COUNT_RANGE[0], max=COUNT_RANGE[1])
        if not self.bounds.can_disable:
            self.fields["enabled"].disabled = True

    def band_fields(self) -> list[dict[str, Any]]:
        """What the table prints for each age band: the two inputs and their defaults."""
        return [
            {
                "band": band,
                "words": BAND_WORDS[band],
                "threshold": self[f"{band}_threshold"],
                "window": self[f"{band}_window_days"],
                "default": getattr(self.definition, band),
            }
            for band in BANDS
        ]

    def clean_rule(self) -> str:
        if self.cleaned_data["rule"] != self.definition.code:
            raise forms.ValidationError("The rules were sent out of order: reload the page.")
        return self.definition.code

    def clean(self) -> dict[str, Any]:
        """Validated by the rule table itself (RuleSpec.problems), as the API's PUT is."""
        data = super().clean() or {}
        enabled = data.get("enabled", True) if self.bounds.can_disable else True
        for band in BANDS:
            count = 1 if self.bounds.fixed_count else data.get(f"{band}_threshold")
            window = data.get(f"{band}_window_days")
            if count is None or window is None:
                continue  # the field's own error is already shown
            if not COUNT_RANGE[0] <= count <= COUNT_RANGE[1]:
                self.add_error(f"{band}_threshold", f"Between {COUNT_RANGE[0]} and {COUNT_RANGE[1]}.")
            for part, message in self.definition.problems(
                enabled=enabled, count=count, window_days=window
            ).items():
                if part == "enabled":
                    self.add_error(None, message)
                else:
                    self.add_error(f"{band}_{part}", message)
        return data

    def setting(self) -> rules.RuleSetting:
        data = self.cleaned_data
        enabled = data["enabled"] if self.bounds.can_disable else True
        thresholds = {
            band: rules.Threshold(
                1 if self.bounds.fixed_count else data[f"{band}_threshold"],
                data[f"{band}_window_days"],
                enabled,
            )
            for band in BANDS
        }
        return rules.RuleSetting(
            self.definition.code, enabled, thresholds[rules.CHILD], thresholds[rules.ADULT]
        )


RULES_IN_ORDER = list(rules.RULES.values())


class BaseRuleFormSet(BaseFormSet):
    """Every rule exactly once, in the rule table's order."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"rule": RULES_IN_ORDER[index or 0]}

    def settings_in(self) -> list[rules.RuleSetting]:
        return [form.setting() for form in self.forms]


RuleFormSet = formset_factory(
    RuleForm,
    formset=BaseRuleFormSet,
    extra=0,
    min_num=len(RULES_IN_ORDER),
    max_num=len(RULES_IN_ORDER),
    absolute_max=len(RULES_IN_ORDER),
    validate_min=True,
    validate_max=True,
)


def rules_formset(data: Any, *, settings: rules.Settings) -> BaseRuleFormSet:
    initial = [
        {
            "rule": rule.code,
            "enabled": settings[rule.code][rules.CHILD].enabled,
            **{f"{band}_threshold": settings[rule.code][band].count for band in BANDS},
            **{f"{band}_window_days": settings[rule.code][band].window_days for band in BANDS},
        }
        for rule in RULES_IN_ORDER
    ]
    # formset_factory() is typed as returning a plain BaseFormSet; RuleFormSet is built on BaseRuleFormSet.
    formset: BaseRuleFormSet = RuleFormSet(data, initial=initial, prefix="rules")  # type: ignore[assignment]
    return formset


class EscalationForm(forms.Form):
    escalation_delay_minutes = forms.IntegerField(
        label="Escalate an unacknowledged urgent alert to the whole team after (minutes)",
        min_value=ESCALATION_RANGE[0],
        max_value=ESCALATION_RANGE[1],
    )
