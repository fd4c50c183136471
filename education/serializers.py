"""Shapes of an article: as written in a file's front matter, as filtered, as served."""

from rest_framework import serializers

from sigmd_portal.api import StrictSerializer

from .models import Article, Audience


class ArticleSourceSerializer(StrictSerializer):
    """A publication the article is based on."""

    title = serializers.CharField(max_length=300)
    url = serializers.URLField()


class FrontMatterSerializer(StrictSerializer):
    """The YAML header of an article file. Unknown keys are refused, so a typo cannot hide."""

    slug = serializers.SlugField(max_length=100)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField()
    audience = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), allow_empty=False
    )
    topics = serializers.ListField(child=serializers.SlugField(), allow_empty=False)
    related_kinds = serializers.ListField(child=serializers.SlugField(), default=list)
    reviewed_on = serializers.DateField()
    sources = ArticleSourceSerializer(many=True, allow_empty=False)

    def validate_slug(self, slug: str) -> str:
        expected = self.context["file_stem"]
        if slug != expected:
            raise serializers.ValidationError(f"must match the file name ({expected!r})")
        return slug


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
        fields = ["slug", "title", "summary", "audience", "topics", "reviewed_on"]
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
            "related_kinds",
        ]
        read_only_fields = fields
