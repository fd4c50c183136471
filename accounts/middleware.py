from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .sessions import session_expired, session_store


class SessionLifetimeMiddleware:
    """Ends sessions past their lifetime before anything reads them: the browser's cookie
    session and the session behind an `X-Session-Token` alike (they are the same sessions)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.headers.get("X-Session-Token")
        if token:
            token_session = session_store(token)
            if not session_expired(token_session) and token_session.modified:
                token_session.save()
        session_expired(request.session)  # SessionMiddleware saves or deletes it afterwards
        return self.get_response(request)
