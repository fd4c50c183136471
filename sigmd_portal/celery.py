import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigmd_portal.settings")

app = Celery("sigmd_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def loaded_objects_freeze(**_) -> None:
    """In each pool process, once forked with the app loaded: its modules, settings and tasks leave
    the garbage collector's view, as gunicorn.conf.py does for the web workers. A part of a region's
    re-evaluation makes enough objects to set off a full collection, which walked all of them too:
    about 110 ms of a part's 300–450, every other part; after this about 10."""
    gc.freeze()
