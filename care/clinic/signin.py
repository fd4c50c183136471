"""The clinic's own sign-in: password, then the authenticator code, with allauth's own forms and
login flow (its non-headless views are off, so these pages stand in for them)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import LoginForm, ReauthenticateForm
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as CodeReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mfa
from accounts.permissions import session_passed_mfa

from .access import ClinicianRequest, clinician_only, safe_next, with_next


def next_of(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: e-mail and password (allauth's LoginForm, rate limits included)."""
    next_url = next_of(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        form.login(request, redirect_url=next_url)
        if mfa.pending_second_factor(request):
            return redirect(with_next("clinic:sign-in-code", next_url))
        if request.user.is_authenticated:
            # No authenticator yet (a new clinician: set-up comes next) or a family account
            # (the clinic page tells it where it belongs).
            return redirect(next_url)
        form.add_error(None, "This account must finish its set-up first: open the link in its e-mail.")
    status = 400 if form.errors else 200
    return render(request, "clinic/sign_in.html", {"form": form, "next": next_url}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the 6-digit code from the authenticator app, or a recovery code."""
    next_url = next_of(request)
    stage = mfa.pending_second_factor(request)
    if stage is None:
        return redirect(
            with_next("clinic:verify" if request.user.is_authenticated else "clinic:sign-in", next_url)
        )
    form = AuthenticateForm(request.POST or None, user=stage.login.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        mfa.complete_second_factor(stage)
        return redirect(next_url)
    return render(
        request,
        "clinic/sign_in_code.html",
        {"form": form, "next": next_url, "step": "sign-in"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@clinician_only
def verify(request: ClinicianRequest) -> HttpResponse:
    """A signed-in clinician whose session has not passed the second factor (signed in some
    other way): the code again, before any health data."""
    next_url = next_of(request)
    if not request.user.has_totp():
        return redirect("clinic:setup-2fa")
    if session_passed_mfa(request):
        return redirect(next_url)
    form = CodeReauthenticateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(next_url)
    return render(
        request,
        "clinic/sign_in_code.html",
        {"form": form, "next": next_url, "step": "verify"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@clinician_only
def reauthenticate(request: ClinicianRequest) -> HttpResponse:
    """The password again, before a change to how the account signs in."""
    next_url = next_of(request)
    form = ReauthenticateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        mfa.record_password_reauthentication(request)
        return redirect(next_url)
    return render(
        request,
        "clinic/reauthenticate.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@clinician_only
def setup_2fa(request: ClinicianRequest) -> HttpResponse:
    """Set up an authenticator app with allauth's ActivateTOTPForm; the pending secret waits in
    the session until a code from the app proves it was stored. Needs a fresh sign-in."""
    if request.user.has_totp():
        return redirect("clinic:inbox")
    if not mfa.authenticated_recently(request):
        return redirect(with_next("clinic:reauthenticate", request.path))
    form = ActivateTOTPForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_activate(request, secret=form.secret)
        # Shown in this one response and never stored in the clear.
        return render(request, "clinic/recovery_codes.html", {"recovery_codes": codes})
    context = {"form": form, **mfa.totp_setup_details(request.user, form.secret)}
    return render(request, "clinic/setup_2fa.html", context, status=400 if form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Ends the session on the server (flushed), not only in this browser."""
    get_account_adapter(request).logout(request)
    messages.info(request, "You have signed out.")
    return redirect("clinic:sign-in")
