from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from .caching import PUBLIC_MAX_AGE_SECONDS, publicly_cacheable
from .models import Article
from .selectors import article_list, published_articles
from .serializers import ArticleDetailSerializer, ArticleFilterSerializer, ArticleListSerializer

NOT_MODIFIED = OpenApiResponse(description="Not modified: the `If-None-Match` ETag still holds.")
CACHING_NOTE = (
    " Public and cacheable: answers carry `ETag` and"
    f" `Cache-Control: public, max-age={PUBLIC_MAX_AGE_SECONDS}`;"
    " send `If-None-Match` to get 304 Not Modified when nothing changed."
)


class PublicEducationApi:
    # Anyone may read, and a stale or foreign session token must not turn reading into a 401.
    authentication_classes: list = []
    permission_classes = [AllowAny]


@extend_schema(
    tags=["education"],
    summary="List published articles",
    description=(
        "In reading order (the urgent-care article first, then by title), or best match first"
        " when searching." + CACHING_NOTE
    ),
    parameters=[ArticleFilterSerializer],
    responses={200: ArticleListSerializer(many=True), 304: NOT_MODIFIED},
)
@method_decorator(publicly_cacheable, name="dispatch")
class ArticleListApi(PublicEducationApi, ListAPIView):
    serializer_class = ArticleListSerializer
    pagination_class = None  # a few dozen articles at most; a phone keeps the whole list

    def get_queryset(self) -> QuerySet[Article]:
        filters = ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return article_list(**filters.validated_data)


@extend_schema(
    tags=["education"],
    summary="Read one published article",
    description="`body_html` is sanitised HTML." + CACHING_NOTE,
    responses={
        200: ArticleDetailSerializer,
        304: NOT_MODIFIED,
        404: OpenApiResponse(description="No published article has this slug."),
    },
)
@method_decorator(publicly_cacheable, name="dispatch")
class ArticleDetailApi(PublicEducationApi, RetrieveAPIView):
    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Article]:
        return published_articles()
