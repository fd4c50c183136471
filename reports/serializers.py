from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from sigmd_portal.api import StrictSerializer

from .models import ReportJob, ShareLink
from .selectors import default_period
from .services import SHARE_LINK_MAX_DAYS

QUESTIONS_MAX_CHARS = 2000
REPORT_MAX_DAYS = 10 * 366


class ReportQuerySerializer(StrictSerializer):
    """?from=&to=&questions= of the visit summary (default: the last 12 months)."""

    # `from` is a Python keyword: the field is declared under its query-string name below.
    to = serializers.DateField(required=False)
    questions = serializers.CharField(required=False, allow_blank=True, max_length=QUESTIONS_MAX_CHARS)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        """Fill in the default period (context["today"]) and check the one asked for."""
        default_start, default_end = default_period(self.context["today"])
        attrs.setdefault("to", default_end)
        attrs.setdefault("from", default_start)
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"from": ["Must be on or before `to`."]})
        if (attrs["to"] - attrs["from"]).days > REPORT_MAX_DAYS:
            raise serializers.ValidationError({"from": ["A report covers at most ten years."]})
        return attrs


class FhirQuerySerializer(StrictSerializer):
    include = serializers.ChoiceField(choices=["audit"], required=False)


class ShareLinkCreateSerializer(StrictSerializer):
    expires_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate_expires_at(self, value):
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError("Must be in the future.")
        if value > now + timedelta(days=SHARE_LINK_MAX_DAYS):
            raise serializers.ValidationError(f"A link lasts at most {SHARE_LINK_MAX_DAYS} days.")
        return value


class ShareLinkSerializer(serializers.ModelSerializer):
    """`url` and `qr_svg` are filled only in the answer to the create: only the token's digest
    is stored, so nobody (the family included) can read the link again later."""

    url = serializers.SerializerMethodField()
    qr_svg = serializers.SerializerMethodField(help_text="The link as a QR code: an SVG data URI.")

    class Meta:
        model = ShareLink
        fields = ["id", "url", "qr_svg", "note", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_url(self, link) -> str | None:
        return self.context.get("url")

    def get_qr_svg(self, link) -> str | None:
        return self.context.get("qr_svg")


class ReportJobSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = ["id", "status", "status_url", "created_at", "finished_at"]

    def get_status_url(self, job) -> str:
        return f"/api/v1/profiles/{job.profile_id}/report-jobs/{job.pk}"


class ErasureSerializer(StrictSerializer):
    password = serializers.CharField(trim_whitespace=False, max_length=4096)
