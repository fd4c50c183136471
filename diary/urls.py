from django.urls import path

from . import api, immune_api, vocabulary
from .models import InfectionEpisode, Infusion, LabResult, Measurement, SymptomEntry, Treatment, Vaccination
from .serializers import (
    InfectionEpisodeSerializer,
    InfusionSerializer,
    LabResultSerializer,
    MeasurementSerializer,
    SymptomEntrySerializer,
    TreatmentSerializer,
    VaccinationSerializer,
)

# (path segment, model, serializer, carries safety guidance)
ENTRY_TYPES = [
    ("infections", InfectionEpisode, InfectionEpisodeSerializer, True),
    ("symptoms", SymptomEntry, SymptomEntrySerializer, True),
    ("treatments", Treatment, TreatmentSerializer, False),
    ("vaccinations", Vaccination, VaccinationSerializer, False),
    ("labs", LabResult, LabResultSerializer, False),
    ("infusions", Infusion, InfusionSerializer, True),
    ("measurements", Measurement, MeasurementSerializer, False),
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

for segment, model, serializer, carries_guidance in ENTRY_TYPES:
    config = {"model": model, "serializer_class": serializer, "carries_guidance": carries_guidance}
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
