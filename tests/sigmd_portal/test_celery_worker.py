"""A task published to the real Redis broker is run by a real worker."""

import time

from django.core.cache import cache

from sigmd_portal.tasks import HEARTBEAT_KEY, record_worker_heartbeat


def test_a_task_enqueued_on_redis_runs_on_a_real_worker(celery_worker):
    cache.delete(HEARTBEAT_KEY)
    result = record_worker_heartbeat.delay()
    assert result.id
    deadline = time.monotonic() + 20
    while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY) is not None, "the worker never ran the task"
