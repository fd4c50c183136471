import re
from collections.abc import Callable

from allauth.account import app_settings as account_settings
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from sigmd_portal.wrong_codes import slot_take

from .sessions import session_expired, session_store, token_session_of_request

# allauth's code endpoints: the e-mail verification code and the password-reset code.
CODE_ENDPOINTS = re.compile(r"^/_allauth/(app|browser)/v1/auth/(email/verify|password/reset)$")
CODE_WINDOW_SECONDS = 900


class SessionLifetimeMiddleware:
    """Ends sessions past their lifetime before anything reads them: the browser's cookie
    session and the session behind an `X-Session-Token` alike (they are the same sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Only then: reading a session marks the response `Vary: Cookie`, and public pages
            # (education) must stay cacheable for visitors without one.
            session_expired(request.session)  # SessionMiddleware saves or deletes it afterwards
        token = request.headers.get("X-Session-Token")
        if not token:
            return self.get_response(request)
        token_session = session_store(token)
        if not session_expired(token_session) and token_session.modified:
            token_session.save()
        # allauth and the API's authentication find the token's session here, not by loading it again.
        with token_session_of_request(token, token_session):
            return self.get_response(request)


class CodeAttemptsMiddleware:
    """allauth counts wrong e-mail and password-reset codes in the session, so guesses sent in
    parallel all read "no attempts yet" and are all checked. Here each pending flow (one session
    or token) gets an atomic budget of allauth's own maximum attempts before anything is checked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and (match := CODE_ENDPOINTS.match(request.path)):
            flow = request.headers.get("X-Session-Token") or request.session.session_key
            if flow:
                limit = (
                    account_settings.EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS
                    if match.group(2) == "email/verify"
                    else account_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS
                )
                if slot_take(f"code-attempts:{match.group(2)}:{flow}", CODE_WINDOW_SECONDS) > limit:
                    return JsonResponse(
                        {
                            "status": 429,
                            "errors": [{"message": "Too many attempts.", "code": "too_many_attempts"}],
                        },
                        status=429,
                    )
        return self.get_response(request)
