from django import template
from django.urls import reverse

from education.models import Audience
from education.selectors import URGENT_CARE_SLUG

register = template.Library()

_AUDIENCE_LABELS = dict(Audience.choices)


@register.filter
def audience_label(code: str) -> str:
    return _AUDIENCE_LABELS.get(code, code)


@register.filter
def audience_labels(codes: list[str]) -> str:
    return ", ".join(audience_label(code) for code in codes)


@register.filter
def topic_label(slug: str) -> str:
    """ "everyday-life" → "Everyday life"."""
    return slug.replace("-", " ").capitalize()


@register.inclusion_tag("education/_urgent_care.html", takes_context=True)
def urgent_care_notice(context: template.Context) -> dict[str, str]:
    """The "not medical advice" box: every education page says when to get help at once.

    It links to the full urgent-care article, except on that article itself.
    """
    article = context.get("article")
    if getattr(article, "slug", None) == URGENT_CARE_SLUG:
        return {"urgent_care_url": ""}
    return {"urgent_care_url": reverse("learn:article", args=[URGENT_CARE_SLUG])}
