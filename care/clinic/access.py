"""Who may open a clinic page, and where a sign-in may send someone back to."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from accounts.permissions import session_passed_mfa

View = Callable[..., HttpResponse]


class ClinicianRequest(HttpRequest):
    """What a view behind clinician_only or clinic_page receives: a signed-in clinician."""

    user: User  # type: ignore[assignment]  # narrowed: the decorators let only clinicians through


CLINIC_HOME = "/clinic/"


def safe_next(request: HttpRequest, value: str | None) -> str:
    """A page of the clinic on this site, or the inbox: never a family's diary, never elsewhere."""
    if (
        value
        and value.startswith(CLINIC_HOME)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return CLINIC_HOME


def with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return url if next_url == CLINIC_HOME else f"{url}?{urlencode({'next': next_url})}"


def for_care_teams(request: HttpRequest) -> HttpResponse:
    """A family account that reached the clinic: told where it belongs."""
    return render(request, "clinic/for_care_teams.html", status=403)


def clinician_only(view: View) -> View:
    """Signed in (else to the clinic's sign-in) and a clinician (else told it is for care teams)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(with_next("clinic:sign-in", request.get_full_path()))
        if not request.user.is_clinician:
            return for_care_teams(request)
        return view(request, *args, **kwargs)

    return wrapper


def clinic_page(view: View) -> View:
    """A clinician whose session passed the second factor: only then health data."""

    @clinician_only
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_totp():  # type: ignore[union-attr]  # clinician_only checked it
            return redirect("clinic:setup-2fa")
        if not session_passed_mfa(request):
            return redirect(with_next("clinic:verify", request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
