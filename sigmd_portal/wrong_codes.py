"""An atomic limit on wrong guesses of single-use codes (care-team invitations, sharing codes).

Every attempt first takes a slot with the cache's atomic `add`/`incr`, in three budgets at once:
the account's, the client address's and the whole code space's (so neither many accounts nor
many addresses buy more guesses). Only then is the code checked, so 50 parallel guesses against
a limit of 10 check exactly 10 codes. A right code gives its slots back: only wrong ones count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework import exceptions

from .client_ip import client_ip

WINDOW_SECONDS = 3600


class TooManyWrongCodes(exceptions.Throttled):
    default_detail = "Too many wrong codes. Try again in an hour, or ask for a new code."
    default_code = "too_many_codes"


def _budgets(request: HttpRequest, scope: str) -> list[tuple[str, int]]:
    return [
        (f"wrong-codes:{scope}:account:{request.user.pk}", settings.SIGMD_WRONG_CODES_PER_ACCOUNT),
        (f"wrong-codes:{scope}:address:{client_ip(request)}", settings.SIGMD_WRONG_CODES_PER_ADDRESS),
        (f"wrong-codes:{scope}:all", settings.SIGMD_WRONG_CODES_IN_TOTAL),
    ]


def slot_take(key: str, window_seconds: int = WINDOW_SECONDS) -> int:
    """Count one more attempt under `key`, atomically; returns the count in this window."""
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: start the window again
        cache.add(key, 0, window_seconds)
        return cache.incr(key)


def _give_back(keys: list[str]) -> None:
    for key in keys:
        with suppress(ValueError):  # the window ended meanwhile
            cache.decr(key)


@contextmanager
def wrong_codes_limited(request: HttpRequest, *, scope: str, wrong: type[Exception]) -> Iterator[None]:
    """Run the code check inside; `wrong` is the exception it raises for a wrong code."""
    taken: list[str] = []
    for key, limit in _budgets(request, scope):
        taken.append(key)
        if slot_take(key) > limit:
            _give_back(taken)  # a refused attempt checks nothing, so it costs nothing
            raise TooManyWrongCodes(wait=WINDOW_SECONDS)
    try:
        yield
    except wrong:
        raise  # the slots stay taken: this was a wrong guess
    except BaseException:
        _give_back(taken)
        raise
    else:
        _give_back(taken)
