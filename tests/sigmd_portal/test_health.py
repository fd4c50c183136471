import pytest
from django.test import Client

from sigmd_portal.celery import app as celery_app

from .conftest import NOBODY_LISTENS


def test_healthz_answers_while_the_process_is_up():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_broker_answer(settings):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_but_not_the_error(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = NOBODY_LISTENS
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "ok"
    assert body["broker"] == "down"
    assert "refused" not in response.content.decode().lower()


@pytest.mark.django_db
def test_readyz_says_the_cache_is_down_while_the_service_keeps_answering(settings):
    settings.CACHES = {
        "default": {"BACKEND": "sigmd_portal.cache.FailOpenRedisCache", "LOCATION": NOBODY_LISTENS}
    }
    response = Client().get("/readyz")
    assert response.status_code == 200  # requests are served; limits count per process
    assert response.json()["cache"] == "down"
    assert response.json()["database"] == "ok"


def test_readyz_is_503_naming_the_database_when_it_is_unreachable(settings, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OSError("connection refused by 10.0.0.7")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert "10.0.0.7" not in response.content.decode()


def test_readyz_answers_get_only():
    assert Client().post("/readyz").status_code == 405
    assert Client().delete("/healthz").status_code == 405


def test_celery_is_configured_for_reliable_delivery():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_time_limit and conf.task_soft_time_limit
    from django.conf import settings as django_settings

    assert conf.broker_transport_options["visibility_timeout"] > django_settings.CELERY_MAX_COUNTDOWN_SECONDS
