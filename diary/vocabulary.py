"""GET /api/v1/vocabulary: the clinical facts of diary.clinical as JSON, one source for every client.

The PWA caches it with its shell, takes every label from it and runs the same urgency rules
offline; the clinic and the PDF use the same labels. Public (no account, no throttle), cacheable:
the ETag is a hash of the content, so it changes exactly when a fact does.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import clinical, guidance

MAX_AGE_SECONDS = 3600


def coded(table: tuple[clinical.Code, ...], *, red_flag: bool = False) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "label": c.label, **({"red_flag": c.red_flag} if red_flag else {})} for c in table
    ]


def threshold(t: clinical.Threshold) -> dict[str, Any]:
    return {"count": t.count, "window_days": t.window_days, "enabled": t.enabled}


def vocabulary_content() -> dict[str, Any]:
    return {
        "enums": {name: coded(table) for name, table in clinical.ENUMS.items()},
        "symptoms": coded(clinical.SYMPTOMS, red_flag=True),
        "infusion_reactions": coded(clinical.INFUSION_REACTIONS, red_flag=True),
        "temperature": {
            "red_flag_high_c": float(clinical.RED_FLAG_HIGH_C),
            "red_flag_low_c": float(clinical.RED_FLAG_LOW_C),
            "fever_c": float(clinical.FEVER_C),
            "infant_fever_c": float(clinical.INFANT_FEVER_C),
            "infant_months": clinical.INFANT_MONTHS,
            "amber_fever_c": float(clinical.AMBER_FEVER_C),
            "amber_months": list(clinical.AMBER_MONTHS),
        },
        # What the offline check needs for an infusion beyond its red-flag reactions, and the
        # one reaction code that goes with no other.
        "infusion_guidance": {
            "no_reaction": clinical.NO_REACTION,
            "red_flag_reason": guidance.INFUSION_RED_FLAG_REASON,
            "headache_reactions": sorted(clinical.HEADACHE_REACTIONS),
            "headache_route": clinical.HEADACHE_ROUTE,
            "headache_watch_days": clinical.HEADACHE_WATCH_DAYS,
            "headache_reason": guidance.HEADACHE_AFTER_IV_REASON,
        },
        "measurement_limits": {
            "weight_kg": {"min": float(clinical.WEIGHT_KG_MIN), "max": float(clinical.WEIGHT_KG_MAX)},
            "height_cm": {"min": float(clinical.HEIGHT_CM_MIN), "max": float(clinical.HEIGHT_CM_MAX)},
        },
        "urgent_infection_kinds": sorted(clinical.URGENT_INFECTION_KINDS),
        "urgent_severities": sorted(clinical.URGENT_SEVERITIES),
        "recent_days": clinical.RECENT_DAYS,
        "call_now_hours": clinical.CALL_NOW_HOURS,
        "prolonged_fever_days": clinical.PROLONGED_FEVER_DAYS,
        "child_until_years": clinical.CHILD_UNTIL_YEARS,
        "guidance": {"levels": coded(clinical.GUIDANCE_LEVELS), "messages": dict(guidance.MESSAGES)},
        "emergency_numbers": dict(clinical.EMERGENCY_NUMBERS),
        "rules": [
            {
                "code": spec.code,
                "label": spec.label,
                "priority": spec.priority,
                "unit": spec.unit,
                "child": threshold(spec.child),
                "adult": threshold(spec.adult),
                "min_window_days": spec.min_window_days,
                "max_window_days": spec.max_window_days,
                "can_disable": spec.can_disable,
            }
            for spec in clinical.RULE_TABLE
        ],
        "articles": dict(clinical.ARTICLES),
    }


@cache
def vocabulary() -> dict[str, Any]:
    """The vocabulary with its version: a hash of the content (the facts are constants)."""
    content = vocabulary_content()
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return {"version": digest, **content}


# --- the schema's description of the answer (documentation only) --------------------------------


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class FlaggedCodeSerializer(CodeSerializer):
    red_flag = serializers.BooleanField()


class TemperatureSerializer(serializers.Serializer):
    red_flag_high_c = serializers.FloatField()
    red_flag_low_c = serializers.FloatField()
    fever_c = serializers.FloatField()
    infant_fever_c = serializers.FloatField(help_text="A red flag under `infant_months` of age.")
    infant_months = serializers.IntegerField()
    amber_fever_c = serializers.FloatField(help_text="contact_care_team between `amber_months`.")
    amber_months = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)


class InfusionGuidanceVocabularySerializer(serializers.Serializer):
    no_reaction = serializers.CharField(help_text="The reaction code that cannot go with any other.")
    red_flag_reason = serializers.CharField(
        help_text="Said for red-flag reactions; `{reactions}` stands for their labels joined by `; `."
    )
    headache_reactions = serializers.ListField(child=serializers.CharField())
    headache_route = serializers.CharField()
    headache_watch_days = serializers.IntegerField(
        help_text="A headache reaction this many days from an infusion by `headache_route` needs an assessment today."
    )
    headache_reason = serializers.CharField()


class LimitsSerializer(serializers.Serializer):
    min = serializers.FloatField()
    max = serializers.FloatField()


class MeasurementLimitsSerializer(serializers.Serializer):
    weight_kg = LimitsSerializer()
    height_cm = LimitsSerializer()


class GuidanceVocabularySerializer(serializers.Serializer):
    levels = CodeSerializer(many=True)
    messages = serializers.DictField(
        child=serializers.CharField(),
        help_text="urgent_now, urgent_past, contact_care_team, routine; `{number}` stands for the local emergency number.",
    )


class ThresholdVocabularySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    window_days = serializers.IntegerField()
    enabled = serializers.BooleanField()


class RuleVocabularySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    priority = serializers.ChoiceField(choices=[clinical.URGENT, clinical.ROUTINE])
    unit = serializers.CharField()
    child = ThresholdVocabularySerializer()
    adult = ThresholdVocabularySerializer()
    min_window_days = serializers.IntegerField(allow_null=True)
    max_window_days = serializers.IntegerField(allow_null=True)
    can_disable = serializers.BooleanField()


class VocabularySerializer(serializers.Serializer):
    version = serializers.CharField(help_text="Changes whenever any fact below changes (also the ETag).")
    enums = serializers.DictField(child=CodeSerializer(many=True), help_text=", ".join(clinical.ENUMS))
    symptoms = FlaggedCodeSerializer(many=True)
    infusion_reactions = FlaggedCodeSerializer(many=True)
    temperature = TemperatureSerializer()
    infusion_guidance = InfusionGuidanceVocabularySerializer()
    measurement_limits = MeasurementLimitsSerializer(help_text="The plausible bounds of one measurement.")
    urgent_infection_kinds = serializers.ListField(child=serializers.CharField())
    urgent_severities = serializers.ListField(child=serializers.CharField())
    recent_days = serializers.IntegerField()
    call_now_hours = serializers.IntegerField()
    prolonged_fever_days = serializers.IntegerField()
    child_until_years = serializers.IntegerField()
    guidance = GuidanceVocabularySerializer()
    emergency_numbers = serializers.DictField(
        child=serializers.CharField(), help_text="By ISO 3166 country code, and `default`."
    )
    rules = RuleVocabularySerializer(many=True)
    articles = serializers.DictField(child=serializers.SlugField())


@extend_schema(
    tags=["vocabulary"],
    summary="The clinical vocabulary",
    description=(
        "Every code with its label, the red flags, temperature thresholds with the infant clauses, "
        "guidance levels and wording, and the alert rules with their child and adult defaults. "
        f"Public and cacheable: `ETag` and `Cache-Control: public, max-age={MAX_AGE_SECONDS}`; "
        "send `If-None-Match` to get 304 Not Modified."
    ),
    responses={
        200: VocabularySerializer,
        304: OpenApiResponse(description="Not modified: the `If-None-Match` ETag still holds."),
    },
)
class VocabularyView(APIView):
    # Anyone may read it, before signing in too; a stale session token must not make it a 401.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request: Request) -> Response:
        body = vocabulary()
        etag = f'"{body["version"]}"'
        sent = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
        response = Response(status=304) if etag in sent or "*" in sent else Response(body)
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
        return response
