"""Web Push subscriptions of the devices people sign in on."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from diary.errors import DomainError

from .models import PushSubscription


class EndpointTaken(DomainError):
    status_code = 409
    code = "endpoint_taken"
    default_detail = (
        "This device's push subscription belongs to another account. Unsubscribe in the browser "
        "and subscribe again to get a new one."
    )


def push_host_allowed(endpoint: str) -> bool:
    """An https URL on a known push service (a host on the allowlist or a subdomain of one),
    on the default port, with no user name or password in it."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or parts.username or parts.password or parts.port not in (None, 443):
        return False
    return any(
        host == allowed or host.endswith(f".{allowed}") for allowed in settings.SIGMD_PUSH_SERVICE_HOSTS
    )


def push_subscription_register(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> tuple[PushSubscription, bool]:
    """Register (or refresh the keys of) the user's subscription; returns (row, created).

    An endpoint already registered to someone else is never moved to the caller (409): the
    owner signs out (which unsubscribes the device) or the browser subscribes anew."""
    try:
        with transaction.atomic():
            subscription, created = PushSubscription.objects.get_or_create(
                endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
            )
    except IntegrityError:  # the same endpoint registered at the same moment by someone else
        subscription, created = PushSubscription.objects.get(endpoint=endpoint), False
    if subscription.user_id != user.pk:
        raise EndpointTaken()
    if not created and (subscription.p256dh, subscription.auth) != (p256dh, auth):
        subscription.p256dh, subscription.auth = p256dh, auth
        subscription.save(update_fields=["p256dh", "auth"])
    return subscription, created
