"""Shapes of an article: as written in a file's front matter, as filtered, as served."""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from rest_framework import serializers

from sigmd_portal.api import StrictSerializer

from .models import Article, Audience

DEFAULT_ORDER = 100


class ArticleSourceSerializer(StrictSerializer):
    json_types = False  # front matter is read as text: every value arrives as a string
    """A publication the article is based on."""

    title = serializers.CharField(max_length=300)
    url = serializers.URLField()

    def validate_url(self, url: str) -> str:
        # A site's front page cannot show that it supports a claim; the page that does can.
        if not urlsplit(url).path.strip("/"):
            raise serializers.ValidationError("link to the page that supports the article, not a home page")
        return url


class FrontMatterSerializer(StrictSerializer):
    """The YAML header of an article file. Unknown keys are refused, so a typo cannot hide."""

    json_types = False  # read as text: every value arrives as a string

    slug = serializers.SlugField(max_length=100)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    audience = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), allow_empty=False
    )
    topics = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
    related_kinds = serializers.ListField(child=serializers.SlugField(), default=list)
    reviewed_on = serializers.DateField()
    # A role ("clinical content reviewer (immunology)"), never a person the project cannot vouch for.
    reviewed_by = serializers.CharField(max_length=200)
    next_review = serializers.DateField()
    # Reading order on /learn/ and in the API: lower first; the urgent-care article is 0.
    order = serializers.IntegerField(min_value=0, max_value=1000, default=DEFAULT_ORDER)
    sources = ArticleSourceSerializer(many=True, allow_empty=False)

    def validate_slug(self, slug: str) -> str:
        expected = self.context["file_stem"]
        if slug != expected:
            raise serializers.ValidationError(f"must match the file name ({expected!r})")
        return slug

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        reviewed_on, next_review = attrs["reviewed_on"], attrs["next_review"]
        latest = twelve_months_after(reviewed_on)
        if not reviewed_on < next_review <= latest:
            raise serializers.ValidationError(
                {"next_review": f"must be after reviewed_on and at most 12 months later (by {latest})"}
            )
        today = self.context["today"]
        if next_review < today:
            raise serializers.ValidationError(
                {
                    "next_review": f"the review was due on {next_review}: review the article, then set new dates"
                }
            )
        return attrs


def twelve_months_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


class ArticleFilterSerializer(serializers.Serializer):
    """Query parameters of the article list, shared by the API and the /learn/ page."""

    topic = serializers.SlugField(required=False, allow_blank=True, help_text="e.g. `vaccines`")
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        required=False,
        allow_blank=True,
        help_text='Articles written for this audience or for "all".',
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words to search for."
    )


class ArticleListSerializer(serializers.ModelSerializer):
    audience = serializers.ListField(child=serializers.ChoiceField(choices=Audience.choices), read_only=True)
    topics = serializers.ListField(child=serializers.SlugField(), read_only=True)

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "summary",
            "audience",
            "topics",
            "reviewed_on",
            "reviewed_by",
            "next_review",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListSerializer):
    sources = ArticleSourceSerializer(many=True, read_only=True)
    related_kinds = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Diary infection kinds and symptom codes this article helps with.",
    )

    class Meta(ArticleListSerializer.Meta):
        fields = [
            "slug",
            "title",
            "summary",
            "body_html",
            "audience",
            "topics",
            "sources",
            "reviewed_on",
            "reviewed_by",
            "next_review",
            "related_kinds",
        ]
        read_only_fields = fields
