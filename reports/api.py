"""Reports and data rights endpoints. Every profile is found through the diary's access
function, so another person's profile is a 404; reads by anyone other than the managers go to
the access log (ProfileScopedView)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin  # marks the list endpoint for the schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from care.selectors import alerts_visible_to, team_in_force
from diary.access import profiles_managed_by, profiles_visible_to
from diary.api import ProfileScopedView
from diary.models import Profile
from sigmd_portal.throttles import UserRateThrottle

from . import erasure, services
from .export import account_export_chunks
from .fhir import profile_bundle
from .models import ReportJob, ReportStatus, ShareLink
from .serializers import (
    ErasureSerializer,
    FhirQuerySerializer,
    ReportJobSerializer,
    ReportQuerySerializer,
    ShareLinkCreateSerializer,
    ShareLinkSerializer,
)

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="application/pdf")


class AnyAccept(BaseContentNegotiation):
    """These views answer a PDF or FHIR JSON themselves; errors stay JSON whatever Accept says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0]


def pdf_response(pdf: bytes, profile: Profile) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="visit-summary-{profile.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def managed_profile(request: Request, profile_id) -> Profile:
    """Managers only: anyone else, a linked clinician included, is told it does not exist."""
    return get_object_or_404(profiles_managed_by(request.user), pk=profile_id)


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 12 months ago)"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
        OpenApiParameter("questions", str, description="The family's questions, printed at the end"),
    ],
    responses={(200, "application/pdf"): PDF, (202, "application/json"): ReportJobSerializer},
)
class ReportPdfView(ProfileScopedView):
    """The visit summary PDF. A large one is rendered in the background: 202 with a
    `status_url` to poll, which answers the PDF once it is ready."""

    validates_query = True  # a bad period or over-long questions: 400 (in the schema)

    content_negotiation_class = AnyAccept
    serializer_class = ReportJobSerializer

    def get(self, request: Request, profile_id: str) -> HttpResponse:
        today = timezone.localdate()
        query = ReportQuerySerializer(data=request.query_params.dict(), context={"today": today})
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["from"], query.validated_data["to"]
        profile = self.profile(action="export", obj=None)
        params = services.report_params(
            start=start,
            end=end,
            questions=query.validated_data.get("questions", ""),
            team=team_in_force(request.user, profile),
        )
        if services.report_is_large(profile, start=start, end=end):
            job = services.report_job_create(profile=profile, user=request.user, params=params)
            return Response(ReportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        return pdf_response(services.report_render(profile=profile, params=params, today=today), profile)


@extend_schema(
    tags=["reports"],
    responses={(200, "application/pdf"): PDF, (202, "application/json"): ReportJobSerializer},
)
class ReportJobView(GenericAPIView):
    """A visit summary being rendered: 202 while pending, then the PDF (200)."""

    content_negotiation_class = AnyAccept
    serializer_class = ReportJobSerializer

    def get(self, request: Request, profile_id: str, job_id: str) -> HttpResponse:
        # Polling is not logged again: the request that queued the report was.
        profile = get_object_or_404(profiles_visible_to(request.user), pk=profile_id)
        job = get_object_or_404(
            ReportJob.objects.filter(profile=profile, requested_by=request.user), pk=job_id
        )
        if job.status == ReportStatus.DONE:
            return pdf_response(bytes(job.pdf or b""), profile)
        if job.status == ReportStatus.FAILED:
            return Response(
                {"detail": "The report could not be made. Try again.", "code": "report_failed"},
                status=status.HTTP_500_INTERNAL_SERVER_ERROR,
            )
        response = Response(ReportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        response["Retry-After"] = "2"
        return response


@extend_schema(
    tags=["reports"],
    parameters=[OpenApiParameter("include", str, enum=["audit"], description="audit: add the access log")],
    responses={
        (200, "application/fhir+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="FHIR R4B Bundle (collection)"
        )
    },
)
class FhirExportView(ProfileScopedView):
    """The profile as a FHIR R4B Bundle. `?include=audit` (managers) adds AuditEvents."""

    validates_query = True

    content_negotiation_class = AnyAccept

    def get(self, request: Request, profile_id: str) -> Response:
        query = FhirQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        include_audit = query.validated_data.get("include") == "audit"
        if include_audit and request.user.is_clinician:
            raise exceptions.ValidationError({"include": ["Only the family can include the access log."]})
        profile = self.profile(action="export", obj=None)
        bundle = profile_bundle(profile, alerts=alerts_visible_to(request.user), include_audit=include_audit)
        response = Response(bundle, content_type="application/fhir+json")
        response["Content-Disposition"] = f'attachment; filename="fhir-{profile.pk}.json"'
        return response


def share_url(token: str) -> str:
    return f"{settings.SIGMD_SITE_URL}/share/{token}/"


@extend_schema(tags=["share links"])
class ShareLinkListView(ListModelMixin, GenericAPIView):
    """Managers' read-only links for a doctor. The create's answer is the only time the link's
    `url` (and its QR code, `qr_svg`, an SVG data URI) can be read: only a digest is stored."""

    serializer_class = ShareLinkSerializer

    def get(self, request: Request, profile_id: str) -> Response:
        profile = managed_profile(request, profile_id)
        links = ShareLink.objects.filter(profile=profile).order_by("-created_at")
        page = self.paginate_queryset(links)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(links, many=True).data)

    @extend_schema(request=ShareLinkCreateSerializer, responses={201: ShareLinkSerializer})
    def post(self, request: Request, profile_id: str) -> Response:
        profile = managed_profile(request, profile_id)
        body = ShareLinkCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link, token = services.share_link_create(
            profile=profile, created_by=request.user, **body.validated_data
        )
        url = share_url(token)
        qr = segno.make_qr(url, error="m").svg_data_uri(scale=6, border=2, title="Link to the shared summary")
        data = ShareLinkSerializer(link, context={"url": url, "qr_svg": qr}).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["share links"])
class ShareLinkDetailView(GenericAPIView):
    serializer_class = ShareLinkSerializer
    http_method_names = ["get", "delete", "options"]

    def link(self, request: Request, profile_id: str, link_id: str) -> ShareLink:
        profile = managed_profile(request, profile_id)
        return get_object_or_404(ShareLink.objects.filter(profile=profile), pk=link_id)

    def get(self, request: Request, profile_id: str, link_id: str) -> Response:
        return Response(self.get_serializer(self.link(request, profile_id, link_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, profile_id: str, link_id: str) -> Response:
        """Revoke the link: the page and its PDF answer 404 at once. The row stays, listed as revoked."""
        services.share_link_revoke(link=self.link(request, profile_id, link_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DefaultedUserThrottle(UserRateThrottle):
    """A per-account throttle whose rate is REST_FRAMEWORK's DEFAULT_THROTTLE_RATES[scope] when
    the settings name one, else `default_rate`. Atomic, as every throttle: the erasure's guesses
    at the password, sent at once, are counted one by one."""

    default_rate = ""

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.default_rate


class AccountExportThrottle(DefaultedUserThrottle):
    """A full export is heavy: a few an hour per account."""

    scope = "account_export"
    default_rate = "5/hour"


class AccountEraseThrottle(DefaultedUserThrottle):
    """Erasure asks for the password: no guessing it here."""

    scope = "account_erase"
    default_rate = "10/hour"


@extend_schema(tags=["account"], responses={200: OpenApiResponse(OpenApiTypes.OBJECT)})
class AccountExportView(GenericAPIView):
    """Everything the account holds and every profile it manages (with each one's FHIR bundle),
    as one JSON document, streamed."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [AccountExportThrottle]

    def get(self, request: Request) -> StreamingHttpResponse:
        response = StreamingHttpResponse(account_export_chunks(request.user), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="sigmd-portal-export.json"'
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=["account"], request=ErasureSerializer, responses={204: None})
class AccountView(GenericAPIView):
    """Erase the account, re-entering its password (see reports/erasure.py for what stays)."""

    delete_takes_body = True  # the password, re-entered

    permission_classes = [IsAuthenticated]
    throttle_classes = [AccountEraseThrottle]
    serializer_class = ErasureSerializer
    http_method_names = ["delete", "options"]

    def delete(self, request: Request) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            erasure.account_erase(user=request.user, password=body.validated_data["password"])
        except erasure.WrongPassword:
            raise exceptions.ValidationError({"password": ["The password is not right."]}) from None
        # The session rows are gone; a browser client also drops its cookie.
        if hasattr(request._request, "session"):
            request._request.session.flush()
        return Response(status=status.HTTP_204_NO_CONTENT)
