from django.urls import path

from . import pages

app_name = "learn"

urlpatterns = [
    path("", pages.article_list_page, name="article-list"),
    path("<slug:slug>/", pages.article_page, name="article"),
]
