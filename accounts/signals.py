"""Receivers: stamp sessions at sign-in; end other sessions when a factor is added or removed;
end every session when an account is deactivated."""

from __future__ import annotations

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User
from .permissions import session_record_mfa_passed
from .sessions import session_start, sessions_end


@receiver(user_logged_in)
def stamp_new_session(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_start(session, user)


def second_factor_changed(*, request, user: User, added: Authenticator | None = None) -> None:
    """Someone added or removed an authenticator: every other session and token of the user
    ends (one of them may be an attacker's). The session that enrolled a TOTP app proved it by
    entering the app's code, so it counts as having passed the second factor."""
    session = getattr(request, "session", None)
    keep = session.session_key if session is not None else None
    if session is not None and added is not None and added.type == Authenticator.Type.TOTP:
        session_record_mfa_passed(session, user)  # saved with the response
    sessions_end(user=user, keep=keep)


@receiver(mfa_signals.authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    second_factor_changed(request=request, user=user, added=authenticator)


@receiver(mfa_signals.authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    second_factor_changed(request=request, user=user)


@receiver(pre_save, sender=User)
def _remember_deactivation(sender, instance: User, **kwargs) -> None:
    # Carried from pre_save to post_save on the instance: a flag, not a field.
    instance._being_deactivated = (  # type: ignore[attr-defined]
        not instance._state.adding
        and not instance.is_active
        and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User)
def _end_sessions_of_deactivated(sender, instance: User, **kwargs) -> None:
    if getattr(instance, "_being_deactivated", False):
        # Otherwise they would come back, still signed in, when the account is re-activated.
        sessions_end(user=instance)
