"""One class per channel, the same interface: `send(message)` raises TransientDeliveryError when a
retry should follow. The fan-out (care.notifications) never knows how an e-mail or a push is sent.
Messages never carry health data: no names, no conditions — only a link to the clinic."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from accounts.models import User
from sigmd_portal.db.copy import rows_copy

from .models import Channel, DeliveryKind, Notification, PushSubscription

URGENT_SUBJECT = "New urgent alert: please open the clinic"
ESCALATION_SUBJECT = "Urgent alert still unacknowledged: please open the clinic"
DIGEST_SUBJECT = "Your daily summary of routine alerts"


class TransientDeliveryError(Exception):
    pass


def clinic_url(path: str = "/clinic/") -> str:
    return f"{settings.SIGMD_SITE_URL}{path}"


@dataclass(frozen=True)
class Message:
    recipient: User
    kind: str  # DeliveryKind
    alert_id: Any  # None for a digest
    subject: str
    body: str
    url: str


def message_for(*, recipient: User, kind: str, alert_id: Any = None, digest_count: int = 0) -> Message:
    if kind == DeliveryKind.DIGEST:
        body = f"You have {digest_count} new routine alert(s) from the last day. Open the clinic to review them:\n"
        return Message(recipient, kind, None, DIGEST_SUBJECT, body + clinic_url(), clinic_url())
    url = clinic_url(f"/clinic/alerts/{alert_id}/")
    subject = ESCALATION_SUBJECT if kind == DeliveryKind.ESCALATION else URGENT_SUBJECT
    return Message(recipient, kind, alert_id, subject, f"{subject}.\n\n{url}\n", url)


class Transport:
    channel: str

    def send(self, message: Message) -> None:
        raise NotImplementedError


class EmailTransport(Transport):
    channel = Channel.EMAIL

    def send(self, message: Message) -> None:
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient.email])
        except (OSError, TimeoutError) as exc:  # smtplib errors are OSErrors
            raise TransientDeliveryError(str(exc)) from exc


class WebPushTransport(Transport):
    channel = Channel.PUSH

    def send(self, message: Message) -> None:
        from pywebpush import WebPushException, webpush

        payload = json.dumps({"title": "SIgMD Portal", "body": message.subject, "url": message.url})
        failures = []
        for subscription in PushSubscription.objects.filter(user=message.recipient):
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    timeout=10,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    subscription.delete()  # the push service says this device is gone
                else:
                    failures.append(str(exc))
        if failures:
            raise TransientDeliveryError("; ".join(failures))


class InAppTransport(Transport):
    """The clinician's inbox: written at once, in the evaluation's own transaction."""

    channel = "in_app"

    def send(self, message: Message) -> None:
        self.send_many([message])

    def send_many(self, messages: list[Message], *, fresh: bool = False) -> None:
        """One statement for a whole fan-out; a notification already there stays as it is.
        `fresh`: alerts raised in this transaction, which cannot have one yet (written by COPY)."""
        rows = [Notification(recipient=m.recipient, alert_id=m.alert_id, kind=m.kind) for m in messages]
        if fresh:
            rows_copy(Notification, rows)
        else:
            Notification.objects.bulk_create(rows, ignore_conflicts=True)


EMAIL, PUSH, IN_APP = EmailTransport(), WebPushTransport(), InAppTransport()
TRANSPORTS: dict[str, Transport] = {Channel.EMAIL: EMAIL, Channel.PUSH: PUSH}


def channels_enabled() -> list[str]:
    """The channels a Delivery row can name (in-app needs none: it is written at once)."""
    return [Channel.EMAIL, *([Channel.PUSH] if settings.WEB_PUSH_ENABLED else [])]
