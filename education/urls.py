from django.urls import path

from . import api

app_name = "education"

urlpatterns = [
    path("articles/", api.ArticleListApi.as_view(), name="article-list"),
    path("articles/<slug:slug>/", api.ArticleDetailApi.as_view(), name="article-detail"),
]
