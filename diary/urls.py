from django.urls import path

from . import api, immune_api, vocabulary
from .models import InfectionEpisode, Infusion, LabResult, Measurement, SymptomEntry, Treatment, Vaccination
from .serializers import (
    InfectionEpisodeSerializer,
    InfectionEpisodeWithGuidanceSerializer,
    InfusionSerializer,
    InfusionWithGuidanceSerializer,
    LabResultSerializer,
    MeasurementSerializer,
    SymptomEntrySerializer,
    SymptomEntryWithGuidanceSerializer,
    TreatmentSerializer,
    VaccinationSerializer,
)

# (path segment, model, serializer, the answer to a write when it carries safety guidance)
ENTRY_TYPES = [
    ("infections", InfectionEpisode, InfectionEpisodeSerializer, InfectionEpisodeWithGuidanceSerializer),
    ("symptoms", SymptomEntry, SymptomEntrySerializer, SymptomEntryWithGuidanceSerializer),
    ("treatments", Treatment, TreatmentSerializer, None),
    ("vaccinations", Vaccination, VaccinationSerializer, None),
    ("labs", LabResult, LabResultSerializer, None),
    ("infusions", Infusion, InfusionSerializer, InfusionWithGuidanceSerializer),
    ("measurements", Measurement, MeasurementSerializer, None),
]

urlpatterns = [
    path("vocabulary", vocabulary.VocabularyView.as_view(), name="vocabulary"),
    path("profiles/", api.ProfileListView.as_view(), name="profile-list"),
    path("profiles/join", api.ProfileJoinView.as_view(), name="profile-join"),
    path("profiles/<uuid:profile_id>/", api.ProfileDetailView.as_view(), name="profile-detail"),
    path(
        "profiles/<uuid:profile_id>/managers/",
        api.ManagerListView.as_view(),
        name="profile-managers",
    ),
    path(
        "profiles/<uuid:profile_id>/managers/<uuid:user_id>/",
        api.ManagerDetailView.as_view(),
        name="profile-manager-detail",
    ),
    path(
        "profiles/<uuid:profile_id>/access-log/",
        api.AccessLogView.as_view(),
        name="profile-access-log",
    ),
    path("profiles/<uuid:profile_id>/care-links/", api.CareLinkListView.as_view(), name="care-links"),
    path(
        "profiles/<uuid:profile_id>/care-links/<uuid:link_id>/",
        api.CareLinkDetailView.as_view(),
        name="care-link-detail",
    ),
    path("infusions/search", immune_api.InfusionSearchView.as_view(), name="infusion-search"),
    path(
        "care-teams/<uuid:team_id>/invitations/",
        api.InvitationCreateView.as_view(),
        name="team-invitations",
    ),
]

for segment, model, serializer, written in ENTRY_TYPES:
    config = {"model": model, "serializer_class": serializer, "response_serializer_class": written}
    urlpatterns += [
        path(
            f"profiles/<uuid:profile_id>/{segment}/",
            api.EntryListView.as_view(**config),
            name=f"{segment}-list",
        ),
        path(
            f"profiles/<uuid:profile_id>/{segment}/<uuid:entry_id>/",
            api.EntryDetailView.as_view(**config),
            name=f"{segment}-detail",
        ),
    ]
