"""The authorization matrix: eight characters × every route in the URL resolver × every method.

The routes come from the resolver itself, so a route nobody wrote an expectation for fails the
test (add a row to EXPECTATIONS below: it is data, keyed by route name). For each request:
- nobody outside a method's `may` set gets a 2xx, and nobody ever gets a 5xx;
- a signed-in character who may not know an object exists gets 404, never 403;
- a character allowed through gets past authorization (not 401/403/404/405), so the table
  cannot pass by refusing everyone; a method a route does not declare is a 405 for them;
- no response carries a row, id or e-mail address that character may not see;
- a GET or HEAD changes nothing (only the access log of reads and the session may be written).

Every request runs in a savepoint that is rolled back, so each one meets the same world.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from diary.urls import ENTRY_TYPES

from .world import CHARACTERS, CLINICIANS, FAMILIES, SIGNED_IN, World, build_world

pytestmark = pytest.mark.django_db

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ANYONE = frozenset(CHARACTERS)
MANAGERS = frozenset({"caregiver", "co_manager"})  # of the target profile, the child "Ada"
TEAM = frozenset({"clinician"})  # the clinician of the child's care team, with TOTP
READERS = MANAGERS | TEAM
WITH_TOTP = CLINICIANS - {"clinician_without_totp"}
# Tables a read may write: the access log of who read what, and the session itself.
WRITES_A_READ_MAY_MAKE = {"diary_accesslogentry", "django_session", "reports_sharelink"}  # a link's last use


@dataclass(frozen=True)
class Expect:
    may: dict[str, frozenset[str]]  # method -> the characters allowed through
    sees: frozenset[str] = frozenset()  # also may know the object exists (403, not 404)
    page: bool = False  # an HTML page: anonymous is sent to sign in (302)

    def knows(self, character: str) -> bool:
        return character in self.sees or any(character in who for who in self.may.values())


def reads(who, **more) -> dict[str, frozenset[str]]:
    return {
        "GET": frozenset(who),
        "HEAD": frozenset(who),
        **{m.upper(): frozenset(w) for m, w in more.items()},
    }


def api(may: dict[str, frozenset[str]], sees=frozenset()) -> Expect:
    return Expect(may=may, sees=frozenset(sees))


def page(may: dict[str, frozenset[str]], sees=frozenset()) -> Expect:
    return Expect(may=may, sees=frozenset(sees), page=True)


PUBLIC = Expect(may=reads(ANYONE))

EXPECTATIONS: dict[str, Expect] = {
    # --- the API ---------------------------------------------------------------------------
    "me": api(reads(SIGNED_IN, patch=SIGNED_IN)),
    "care-team-list": api(reads(WITH_TOTP)),
    "profile-list": api(reads(FAMILIES | WITH_TOTP, post=FAMILIES)),
    # Anyone who may see health data may try a code; only a valid code admits (families only).
    "profile-join": api({"POST": SIGNED_IN - {"clinician_without_totp"}}),
    "profile-detail": api(reads(READERS, patch=MANAGERS, delete=MANAGERS)),
    "profile-managers": api(reads(READERS, post=MANAGERS)),
    "profile-manager-detail": api({"DELETE": MANAGERS}, sees=READERS),
    "profile-access-log": api(reads(MANAGERS), sees=READERS),
    "care-links": api(reads(MANAGERS, post=MANAGERS), sees=READERS),
    "care-link-detail": api({"DELETE": MANAGERS}, sees=READERS),
    "team-invitations": api({"POST": TEAM}),
    "profile-summary": api(reads(READERS)),
    "alert-list": api(reads(FAMILIES | WITH_TOTP)),
    "alert-acknowledge": api({"POST": TEAM}, sees=MANAGERS),
    "alert-resolve": api({"POST": TEAM}, sees=MANAGERS),
    "team-rules": api(reads(TEAM, put=TEAM)),
    "notification-list": api(reads(WITH_TOTP)),
    "notification-read": api({"POST": TEAM}),
    "push-subscriptions": api({"POST": SIGNED_IN, "DELETE": SIGNED_IN}),
    "push-key": api(reads(SIGNED_IN)),
    "vocabulary": PUBLIC,
    "infusion-search": api(reads(FAMILIES | WITH_TOTP)),
    "profile-report": api(reads(READERS)),
    "profile-report-job": api(reads({"caregiver"}), sees=READERS),  # the one who asked for it
    "profile-fhir": api(reads(READERS)),
    "share-links": api(reads(MANAGERS, post=MANAGERS), sees=READERS),
    "share-link-detail": api({"GET": MANAGERS, "DELETE": MANAGERS}, sees=READERS),
    "account-export": api(reads(SIGNED_IN)),
    "account": api({"DELETE": SIGNED_IN}),
    "education:article-list": PUBLIC,
    "education:article-detail": PUBLIC,
    "schema": PUBLIC,
    "api-docs": PUBLIC,
    # --- pages -----------------------------------------------------------------------------
    # Django's class-based views answer OPTIONS themselves (200, an Allow header, no body).
    "landing": Expect(may={**reads(ANYONE), "OPTIONS": ANYONE}),
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "learn:article-list": PUBLIC,
    "learn:article": PUBLIC,
    "pwa:app": PUBLIC,
    "pwa:manifest": PUBLIC,
    "pwa:service-worker": PUBLIC,
    "share-page": PUBLIC,  # anyone with the link's token: a doctor without an account
    "share-report": PUBLIC,
    # Sign-in is for anyone; the rest is for clinicians, most of it once TOTP is passed.
    "clinic:sign-in": Expect(may=reads(ANYONE, post=ANYONE)),
    "clinic:sign-in-code": Expect(may=reads(ANYONE, post=ANYONE)),
    "clinic:sign-out": Expect(may={"POST": ANYONE}),
    "clinic:verify": page(reads(CLINICIANS, post=CLINICIANS)),
    "clinic:reauthenticate": page(reads(CLINICIANS, post=CLINICIANS)),
    "clinic:setup-2fa": page(reads(CLINICIANS, post=CLINICIANS)),
    "clinic:inbox": page({"GET": WITH_TOTP}),
    "clinic:inbox-status": page({"GET": WITH_TOTP}),
    "clinic:notifications-read": page({"POST": WITH_TOTP}),
    "clinic:alert": page({"GET": TEAM}),
    "clinic:alert-acknowledge": page({"POST": TEAM}),
    "clinic:alert-resolve": page({"POST": TEAM}),
    "clinic:patients": page({"GET": WITH_TOTP}),
    "clinic:patient": page({"GET": TEAM}),
    "clinic:team": page(reads(TEAM, post=TEAM)),
    "clinic:invitation-create": page({"POST": TEAM}),
    "clinic:invitation": page(reads(TEAM)),
    "clinic:invitation-revoke": page({"POST": TEAM}),
}
for _segment, *_ in ENTRY_TYPES:
    EXPECTATIONS[f"{_segment}-list"] = api(reads(READERS, post=MANAGERS))
    EXPECTATIONS[f"{_segment}-detail"] = api(reads(READERS, patch=MANAGERS, delete=MANAGERS))

# Where a path parameter of a route names another object than the parameter of that name
# usually does: {route name: {parameter: key of world.kwargs}}.
ROUTE_KWARGS: dict[str, dict[str, str]] = {"share-link-detail": {"link_id": "share_link_id"}}

# allauth's headless API is the way in: anyone may call it, and allauth decides the answer.
# The matrix asks of it only what it asks of every route: no 5xx, nothing foreign.
AUTHENTICATION_ROUTES = {
    f"headless:{client}:{name}"
    for client in ("app", "browser")
    for name in (
        "config",
        "account:current_session",
        "account:reauthenticate",
        "account:confirm_login_code",
        "account:request_password_reset",
        "account:reset_password",
        "account:login",
        "account:signup",
        "account:verify_email",
        "account:resend_email_verification_code",
        "account:verify_phone",
        "account:resend_phone_verification_code",
        "account:change_password",
        "account:manage_email",
        "account:manage_phone",
        "mfa:authenticate",
        "mfa:reauthenticate",
        "mfa:authenticators",
        "mfa:manage_totp",
        "mfa:manage_recovery_codes",
    )
} | {"headless:app:tokens:refresh", "headless:openapi_yaml", "headless:openapi_json", "headless:openapi_html"}


# --- the routes, from the resolver -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str

    @property
    def parameters(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)

    def url(self, world: World) -> str:
        values = dict(world.kwargs)
        values.update({param: world.kwargs[key] for param, key in ROUTE_KWARGS.get(self.name, {}).items()})
        segment = self.name.removesuffix("-detail")
        if "entry_id" in self.parameters:
            values["entry_id"] = world.entry_ids[segment]
        missing = [p for p in self.parameters if p not in values]
        assert not missing, f"{self.name}: give the world a value for {missing} (tests/security/world.py)"
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.pattern)


def resolver_routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += resolver_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            found.append(Route(f"{namespace}{entry.name or ''}", prefix + str(entry.pattern)))
    return found


ROUTES = resolver_routes()


def routes_of(area: str) -> list[Route]:
    def area_of(route: Route) -> str:
        if route.pattern.startswith("_allauth/"):
            return "authentication"
        return "api" if route.pattern.startswith("api/") else "pages"

    return [route for route in ROUTES if area_of(route) == area]


def test_every_route_has_an_expectation():
    named = [route for route in ROUTES if route.name]
    assert len(named) == len(ROUTES), [r.pattern for r in ROUTES if not r.name]
    missing = sorted({r.name for r in ROUTES} - set(EXPECTATIONS) - AUTHENTICATION_ROUTES)
    assert not missing, f"routes without an expectation (add rows to EXPECTATIONS): {missing}"


# --- one request, judged ----------------------------------------------------------------------


def writes_in(queries) -> set[str]:
    tables = set()
    for query in queries:
        match = re.match(r'\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', query["sql"], re.IGNORECASE)
        if match:
            tables.add(match.group(1))
    return tables


def request(world: World, character: str, method: str, url: str):
    """One request in a savepoint that is rolled back; the client's cookies survive it."""
    client = world.clients[character]
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    cache.clear()  # throttles count thousands of requests here; each one is judged alone
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        response = client.generic(method, url, data="{}", content_type="application/json")
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, writes_in(queries.captured_queries)


def judge(
    route: Route, expect: Expect | None, character: str, method: str, response, writes, world
) -> list[str]:
    status = response.status_code
    where = f"{method} /{route.pattern} as {character}: {status}"
    problems = []
    if status >= 500:
        problems.append(f"{where} (a server error)")
    body = response.content.decode(errors="replace") if not response.streaming else ""
    leaked = sorted(value for value in world.foreign_to(character) if value in body)
    if leaked:
        problems.append(f"{where} shows what is not theirs: {leaked[:3]}")
    if method in {"GET", "HEAD"} and writes - WRITES_A_READ_MAY_MAKE:
        problems.append(f"{where} changed state on a read: wrote {sorted(writes - WRITES_A_READ_MAY_MAKE)}")
    if expect is None:  # authentication routes: allauth decides
        return problems
    allowed = expect.may.get(method, frozenset())
    if character in allowed:
        if status in {401, 403, 404, 405}:
            problems.append(f"{where}, but they may")
        return problems
    if 200 <= status < 300:
        problems.append(f"{where} (unauthorised 2xx)")
        return problems
    if method not in expect.may:
        # Undeclared: a 405 for whoever the route admits otherwise (permission checks may
        # come first for the rest, and for a clinician still without TOTP).
        if expect.knows(character) and character != "clinician_without_totp" and status != 405:
            problems.append(f"{where}: a method the route does not declare must be 405")
        return problems
    if character == "anonymous":
        refused = {302} if expect.page else {401, 403}
    elif character == "clinician_without_totp":
        refused = {302, 403, 404} if expect.page else {403, 404}
    else:
        refused = {403, 404}
    if status not in refused:
        problems.append(f"{where}, expected one of {sorted(refused)}")
    return problems


def forbidden_reveals_existence(world: World, route: Route, character: str, method: str) -> bool:
    """A 403 to someone who may not know the object is fine only if any id gets the same 403
    (a refusal by role); if a made-up id is a 404, the 403 told them the object exists."""
    if not route.parameters:
        return False
    made_up = World(
        kwargs={p: "00000000-0000-4000-8000-000000000000" for p in world.kwargs}, clients=world.clients
    )
    made_up.kwargs.update(notification_id="999999999", slug="no-such-article")
    made_up.entry_ids = {segment: made_up.kwargs["profile_id"] for segment in world.entry_ids}
    response, _ = request(world, character, method, route.url(made_up))
    return response.status_code != 403


def grouped(problems: list[str]) -> list[str]:
    """One line per request and finding, naming every character it happened to."""
    by_finding: dict[str, list[str]] = {}
    for problem in problems:
        match = re.match(r"(\S+ \S+) as (\w+): (.*)", problem)
        request_, character, finding = match.groups() if match else (problem, "", "")
        by_finding.setdefault(f"{request_}: {finding}", []).append(character)
    return [f"{finding}  [{', '.join(who)}]" for finding, who in by_finding.items()]


def run_matrix(area: str, capsys) -> None:
    world = build_world()
    figures: Counter[str] = Counter()
    problems: list[str] = []
    for route in routes_of(area):
        expect = EXPECTATIONS.get(route.name)
        url = route.url(world)
        for method in METHODS:
            for character in CHARACTERS:
                response, writes = request(world, character, method, url)
                found = judge(route, expect, character, method, response, writes, world)
                if (
                    response.status_code == 403
                    and expect is not None
                    and not expect.knows(character)
                    and forbidden_reveals_existence(world, route, character, method)
                ):
                    found.append(
                        f"{method} /{route.pattern} as {character}: 403 for a real id, 404 for a made-up one"
                    )
                problems += found
                figures["requests"] += 1
                figures["problems"] += len(found)
                allowed = expect is not None and character in expect.may.get(method, frozenset())
                if 200 <= response.status_code < 300:
                    figures["2xx, allowed" if allowed or expect is None else "2xx, unauthorised"] += 1
                elif response.status_code == 404:
                    figures["404"] += 1
                elif response.status_code in {401, 403, 302}:
                    figures["401/403/302"] += 1
                elif response.status_code == 405:
                    figures["405"] += 1
                elif response.status_code >= 500:
                    figures["5xx"] += 1
    with capsys.disabled():
        routes = len(routes_of(area))
        print(
            f"\nauthorization matrix, {area}: {len(CHARACTERS)} characters × {routes} routes × "
            f"{len(METHODS)} methods = {figures['requests']} requests; "
            + ", ".join(f"{name}: {count}" for name, count in sorted(figures.items()) if name != "requests")
        )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(grouped(problems))


def test_the_api_refuses_everyone_it_should_and_admits_everyone_it_should(capsys):
    run_matrix("api", capsys)


def test_pages_refuse_everyone_they_should_and_admit_everyone_they_should(capsys):
    run_matrix("pages", capsys)


def test_authentication_routes_never_fail_or_leak(capsys):
    run_matrix("authentication", capsys)
