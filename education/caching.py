"""Education is public and the same for everyone, so browsers, proxies and phones may keep it."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control
from django.utils.decorators import decorator_from_middleware

# An hour: articles change a few times a year, and a reader offline keeps what they have.
PUBLIC_MAX_AGE_SECONDS = 3600

View = Callable[..., HttpResponseBase]
_conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


def publicly_cacheable(view: View) -> View:
    """`Cache-Control: public` on success, an `ETag`, and 304 to a matching If-None-Match.

    The ETag hashes the rendered body rather than only the article's content hash, so a
    changed template or serializer changes it too. Errors are not marked cacheable: a 404
    must not outlive the article being published.
    """

    @wraps(view)
    def cacheable_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE_SECONDS)
        return response

    # django-stubs types decorator_from_middleware's result more loosely than it behaves.
    return cast(View, _conditional_get(cacheable_view))
