"""Mounted at the site root (one line in sigmd_portal/urls.py): the API under /api/v1/ and the
share page under /share/."""

from django.urls import path

from . import api, share

API = "api/v1/"
PROFILE = API + "profiles/<uuid:profile_id>/"

urlpatterns = [
    path(PROFILE + "report.pdf", api.ReportPdfView.as_view(), name="profile-report"),
    path(PROFILE + "report-jobs/<uuid:job_id>", api.ReportJobView.as_view(), name="profile-report-job"),
    path(PROFILE + "export/fhir", api.FhirExportView.as_view(), name="profile-fhir"),
    path(PROFILE + "share-links/", api.ShareLinkListView.as_view(), name="share-links"),
    path(
        PROFILE + "share-links/<uuid:link_id>/", api.ShareLinkDetailView.as_view(), name="share-link-detail"
    ),
    path(API + "account/export", api.AccountExportView.as_view(), name="account-export"),
    path(API + "account", api.AccountView.as_view(), name="account"),
    path("share/<str:token>/", share.share_page, name="share-page"),
    path("share/<str:token>/report.pdf", share.share_report, name="share-report"),
]
