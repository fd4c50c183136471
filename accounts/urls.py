from django.urls import path

from .api import CareTeamListView, MeView

urlpatterns = [
    path("me", MeView.as_view(), name="me"),
    path("care-teams/", CareTeamListView.as_view(), name="care-team-list"),
]
