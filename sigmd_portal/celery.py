import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigmd_portal.settings")

app = Celery("sigmd_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
