import pytest
from django.test import Client

from sigmd_portal.celery import app as celery_app


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


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_it_is_unreachable(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert "error" in body["broker"]


def test_readyz_is_503_naming_the_database_when_it_is_unreachable(settings, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert "connection refused" in response.json()["database"]["error"]


def test_celery_is_configured_for_reliable_delivery():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_time_limit and conf.task_soft_time_limit
    from django.conf import settings as django_settings

    assert conf.broker_transport_options["visibility_timeout"] > django_settings.CELERY_MAX_COUNTDOWN_SECONDS
