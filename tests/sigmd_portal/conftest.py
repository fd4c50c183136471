import pytest

NOBODY_LISTENS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_away(settings):
    """The cache pointed at a Redis nobody listens on: it serves from process memory."""
    settings.CACHES = {
        "default": {
            "BACKEND": "sigmd_portal.cache.FailOpenRedisCache",
            "LOCATION": NOBODY_LISTENS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
