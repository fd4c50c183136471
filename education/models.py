from django.db import models
from django.urls import reverse


class Audience(models.TextChoices):
    PATIENTS = "patients", "Patients"
    CAREGIVERS = "caregivers", "Parents and carers"
    CLINICIANS = "clinicians", "Clinicians"
    ALL = "all", "Everyone"


class Article(models.Model):
    """An education article, loaded from a Markdown file in education/content/.

    The files are the source of truth: `sync_education` writes these rows, nothing else does.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    body_markdown = models.TextField()
    # Rendered and sanitised at sync time, so pages and the API serve it as it is.
    body_html = models.TextField()
    audience = models.JSONField(default=list)  # Audience values
    topics = models.JSONField(default=list)  # slugs, e.g. "vaccines", "everyday-life"
    sources = models.JSONField(default=list)  # [{"title": ..., "url": ...}]
    # Infection kinds and symptom codes of the diary that this article helps with.
    related_kinds = models.JSONField(default=list)
    reviewed_on = models.DateField()
    reviewed_by = models.CharField(max_length=200)  # a role, e.g. "paediatric immunologist"
    next_review = models.DateField()  # at most 12 months after reviewed_on; sync refuses it once passed
    # Reading order: lower first, then by title. The urgent-care article comes first.
    order = models.PositiveSmallIntegerField(default=100)
    # A file removed from the folder unpublishes its article rather than deleting it.
    published = models.BooleanField(default=True)
    # Hash of everything stored above, so a sync can tell an unchanged file at a glance.
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learn:article", args=[self.slug])
