"""The clinic's writes beyond the alert lifecycle's own services."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import alerts as lifecycle
from ..models import Alert, Notification


@transaction.atomic
def alert_acknowledge_with_note(*, alert: Alert, user: User, note: str, ip: str | None) -> Alert:
    """Acknowledge (the lifecycle service decides if it may) and keep the clinician's note."""
    alert = lifecycle.alert_acknowledge(alert=alert, user=user, ip=ip)
    if note:
        Alert.objects.filter(pk=alert.pk).update(acknowledgement_note=note)
        alert.acknowledgement_note = note
    notifications_mark_read(user=user, alert=alert)
    return alert


def notifications_mark_read(*, user: User, alert: Alert | None = None) -> int:
    """The user's unread in-app notices (of one alert, or all of them) become read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if alert is not None:
        unread = unread.filter(alert=alert)
    return unread.update(read_at=timezone.now())
