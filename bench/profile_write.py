"""Where one diary write spends its time, in-process: round trips and a time split per request.

Creates a caregiver with children whose diaries hold a year of entries, signs in through allauth
headless's app client (a real `X-Session-Token`) on a PostgreSQL database of its own, then sends
N creates through Django's WSGI handler, the entry point gunicorn calls (so the per-request
connection handling runs as in production), with the production settings (DEBUG off, the
fail-open Redis cache, Celery publishing to Redis). After each write the script marks the
evaluation done, as a live worker would (uncounted). Prints, per request: PostgreSQL round trips
(every statement, BEGIN, COMMIT and health check), Redis round trips and commands, wall-clock
and CPU milliseconds without a profiler, stopwatches on the write's parts, and a pyinstrument
split (the profiler roughly triples the time, most in call-heavy Python: read it as shares).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/profile_write.py [--requests 300] [--kind symptoms|infections]
            [--baseline] [--list] [--sql] [--tree]

`--baseline --kind infections` measures bench/prod.py's same-run baseline instead (a bare DRF
endpoint inserting the same row). The database `<db>_profile_write` is created and dropped; the
Redis database `<n>` must be one of your own (no worker consumes it, and the script empties its
Celery queue at the end). `--list` times GETs of the list's first page (a year of entries)
instead of creates. Never run in tests: it measures time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# --baseline: the same-run baseline of bench/prod.py, a bare DRF endpoint inserting the same row.
BASELINE = "--baseline" in sys.argv
# --list: GET the first page of the list (a year of entries) instead of creating.
LIST = "--list" in sys.argv
for _name, _value in {
    "DJANGO_SETTINGS_MODULE": "bench.baseline_settings" if BASELINE else "sigmd_portal.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "profile-only-" + "x" * 40,
    "SIGMD_MFA_KEYS": "14fBQxV9-YYPEVPektgV11T91nv7E6xihTCaitTOJiA=",  # a throwaway database's key
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_HSTS_SECONDS": "0",
    # The throttle runs (its cost is measured) but never refuses the profile's requests.
    "SIGMD_THROTTLE_USER": "100000000/min",
    "DJANGO_LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(_name, _value)

import django

# WhiteNoise warns that collectstatic has not run; the API serves no static files.
warnings.filterwarnings("ignore", message="No directory at")

django.setup()

import redis.client
import redis.connection
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.test import RequestFactory
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

# --- counting round trips --------------------------------------------------------------------

COUNTS: Counter[str] = Counter()
REDIS_COMMANDS: Counter[str] = Counter()
SQL: list[str] = []
PAUSED = False  # while the script plays the worker's part, nothing is counted


def counting(owner: Any, name: str, key: str, also: Callable[..., None] | None = None) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not PAUSED:
            COUNTS[key] += 1
            if also is not None:
                also(*args, **kwargs)
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def redis_command(_client: Any, *args: Any, **kwargs: Any) -> None:
    REDIS_COMMANDS[str(args[0]).upper()] += 1


def redis_pipeline(pipeline: Any, *args: Any, **kwargs: Any) -> None:
    REDIS_COMMANDS["pipeline(" + " ".join(str(c[0][0]).upper() for c in pipeline.command_stack) + ")"] += 1


def record_sql(execute: Callable[..., Any], statement: str, *args: Any) -> Any:
    if not PAUSED:
        SQL.append(statement)
    return execute(statement, *args)


# PostgreSQL round trips: each statement (an execute wrapper sees them), each health check's
# SELECT 1 (on the raw connection), and BEGIN + COMMIT per transaction (psycopg sends BEGIN
# before a transaction's first statement).
counting(PostgresWrapper, "is_usable", "health_checks")
counting(PostgresWrapper, "_commit", "commits")
counting(PostgresWrapper, "_rollback", "rollbacks")
# Every Redis round trip is one packed send (a pipeline is one).
counting(redis.connection.AbstractConnection, "send_packed_command", "redis")
counting(redis.client.Redis, "execute_command", "redis_commands", redis_command)
counting(redis.client.Pipeline, "execute", "redis_pipelines", redis_pipeline)


@contextmanager
def paused() -> Iterator[None]:
    global PAUSED
    PAUSED = True
    try:
        yield
    finally:
        PAUSED = False


# --- the world ---------------------------------------------------------------------------------


def world(profiles: int) -> tuple[list[str], str]:
    """A verified caregiver with `profiles` children, each with a year of diary (a symptom entry a
    day, a fever every tenth, an infection a month), signed in as the PWA signs in."""
    from diary.models import InfectionEpisode, SymptomEntry
    from tests.factories import ProfileFactory, UserFactory

    email = f"profile-{uuid.uuid4().hex[:8]}@example.org"
    user: Any = UserFactory(email=email, role="caregiver")
    ids = []
    now = timezone.now()
    for _ in range(profiles):
        profile: Any = ProfileFactory(managed_by=[user])
        SymptomEntry.objects.bulk_create(
            SymptomEntry(
                profile=profile,
                created_by=user,
                recorded_at=now - timedelta(days=day, hours=3),
                symptoms=["fever", "cough"] if day % 10 == 0 else ["cough"],
                temperature_c=38.4 if day % 10 == 0 else None,
            )
            for day in range(1, 366)
        )
        InfectionEpisode.objects.bulk_create(
            InfectionEpisode(
                profile=profile, created_by=user, kind="upper_respiratory", severity="mild",
                onset=(now - timedelta(days=month * 30 + 2)).date(),
            )
            for month in range(12)
        )  # fmt: skip
        ids.append(str(profile.pk))
    if BASELINE:
        return ids, ""  # no sessions there
    status, body = call(
        "POST",
        "/_allauth/app/v1/auth/login",
        {"email": email, "password": "correct horse battery staple"},
    )
    assert status == 200, body
    return ids, body_json(body)["meta"]["session_token"]


def worker_done() -> None:
    """The worker's part, uncounted: with a live worker each write finds its profile's earlier
    evaluation done, so it inserts a new outbox row (without one it would reuse the pending row)."""
    from diary.models import EvaluationRequest

    with paused():
        EvaluationRequest.objects.filter(processed_at__isnull=True).update(processed_at=timezone.now())


def body_json(body: bytes) -> Any:
    import json

    return json.loads(body)


HANDLER = WSGIHandler()
FACTORY = RequestFactory()


def call(method: str, path: str, data: dict | None = None, token: str | None = None) -> tuple[int, bytes]:
    """One request through the WSGI handler, closed as a server closes it (request_finished)."""
    import json

    headers = {"X-Session-Token": token} if token else {}
    request = FACTORY.generic(
        method, path, json.dumps(data or {}), content_type="application/json", headers=headers
    )
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc_info: Any = None) -> Any:
        statuses.append(status)

    response = HANDLER(request.environ, start_response)
    body = b"".join(response)
    response.close()
    return int(statuses[0].split()[0]), body


def body_for(kind: str, n: int) -> dict:
    now = timezone.now()
    if kind == "infections":  # bench/load.lua's body
        onset = (now - timedelta(days=3)).date().isoformat()
        return {"id": str(uuid.uuid4()), "kind": "upper_respiratory", "onset": onset, "severity": "mild"}
    recorded = (now - timedelta(seconds=n)).isoformat()
    return {"id": str(uuid.uuid4()), "recorded_at": recorded, "symptoms": ["cough"], "temperature_c": 37.2}


# --- the time split ----------------------------------------------------------------------------

# (part, predicate on a pyinstrument frame). A sample counts for the innermost part on its stack.
PARTS: list[tuple[str, Callable[[Any], bool]]] = []


def part(name: str, *, function: str, path: str, cls: str | None = None) -> None:
    def matches(frame: Any) -> bool:
        return (
            frame.function == function
            and path in (frame.file_path or "")
            and (cls is None or frame.class_name == cls)
        )

    PARTS.append((name, matches))


REST = "django, DRF, WSGI: the rest"
EXCLUDED = "(not the request: the script)"
part(REST, function="__call__", path="django/core/handlers/wsgi.py")
part(EXCLUDED, function="worker_done", path="bench/profile_write.py")
part("session: token lookup (DRF authentication)", function="_authenticate", path="rest_framework/request.py")
part("session: lifetime middleware", function="session_expired", path="accounts/sessions.py")
part(
    "session: lifetime middleware",
    function="__call__",
    path="accounts/middleware.py",
    cls="SessionLifetimeMiddleware",
)
part("session: save", function="save", path="django/contrib/sessions/backends")
part("permission", function="check_permissions", path="rest_framework/views.py")
part("throttle", function="check_throttles", path="rest_framework/views.py")
part("access: the profile", function="profile", path="diary/api.py")
part("validation", function="is_valid", path="rest_framework/serializers.py")
part("insert + history + outbox", function="entry_create", path="diary/services.py")
part("history row", function="post_save", path="simple_history/models.py")
part("outbox row", function="evaluation_request", path="diary/services.py")
part("the one statement: entry, history, outbox", function="_entry_one_statement", path="diary/services.py")
part("commit", function="__exit__", path="django/db/transaction.py")
part("after commit: the publish", function="evaluation_dispatch", path="diary/services.py")
part("guidance", function="guidance_for", path="diary/api.py")
part("response: serialize", function="render", path="diary/api.py")
part("response: JSON", function="rendered_content", path="rest_framework/response.py")
part("list: the page's query", function="paginate_queryset", path="rest_framework/")
part("list: serialize", function="data", path="rest_framework/serializers.py")
part("list: the page's links", function="get_paginated_response", path="rest_framework/")
part("db connection: health check", function="is_usable", path="django/db/backends")
part("db connection: health check", function="is_usable", path="sigmd_portal/db/")
part("db connection: close/reuse", function="close_old_connections", path="django/db/__init__.py")


def split(root: Any) -> Counter[str]:
    times: Counter[str] = Counter()

    def walk(frame: Any, current: str) -> None:
        for name, matches in PARTS:
            if matches(frame):
                current = name
                break
        times[current] += frame.total_self_time
        for child in frame.children:
            walk(child, current)

    walk(root, EXCLUDED)
    del times[EXCLUDED]
    return times


# --- stopwatches: the same parts timed without a profiler (nested ones indented) ---------------

STOPWATCH: dict[str, float] = {}


def stopwatch(label: str, owner: Any, name: str) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STOPWATCH[label] = STOPWATCH.get(label, 0.0) + time.perf_counter() - started

    setattr(owner, name, timed)


def stopwatches_install() -> list[str]:
    import rest_framework.request
    import rest_framework.serializers
    import rest_framework.views
    import simple_history.models

    import accounts.middleware
    import diary.api
    import diary.services

    watches = [
        ("the whole request (WSGI handler)", WSGIHandler, "__call__"),
        ("  session: the token's session (lifetime middleware)", accounts.middleware, "session_expired"),
        ("  session: the user (DRF authentication)", rest_framework.request.Request, "_authenticate"),
        ("  throttle", rest_framework.views.APIView, "check_throttles"),
        ("  access: the profile", diary.api, "access_profile"),
        ("  validation", rest_framework.serializers.BaseSerializer, "is_valid"),
        ("  insert + history + outbox, commit, publish", diary.services, "entry_create"),
        (
            "    the one statement: entry, history, outbox (PostgreSQL)",
            diary.services,
            "_entry_one_statement",
        ),
        (
            "    history row (SQLite: simple-history)",
            simple_history.models.HistoricalRecords,
            "create_historical_record",
        ),
        ("    outbox row (SQLite: evaluation_request)", diary.services, "evaluation_request"),
        (
            "    after commit: the publish (evaluation_dispatch)",
            diary.services,
            "evaluation_dispatch",
        ),
        ("  response (EntryView.render)", diary.api.EntryView, "render"),
        ("    guidance", diary.api, "guidance_for"),
    ]
    for label, owner, name in watches:
        stopwatch(label, owner, name)
    return [label for label, _, _ in watches]


# --- the run -------------------------------------------------------------------------------------


def run(requests: int, kind: str, *, profiles: int, show_sql: bool, show_tree: bool) -> None:
    from pyinstrument import Profiler

    profile_ids, token = world(profiles)

    prefix = "/bare" if BASELINE else "/api/v1/profiles"

    def create(n: int) -> None:
        path = f"{prefix}/{profile_ids[n % profiles]}/{kind}/"
        if LIST:
            status, body = call("GET", path, None, token)
            assert status == 200, (status, body[:300])
            return
        status, body = call("POST", path, body_for(kind, n), token)
        assert status == 201, (status, body[:300])
        worker_done()

    for n in range(20):  # warm up: connections, imports, caches
        create(n)

    # Per request: round trips and statements.
    before = COUNTS.copy()
    REDIS_COMMANDS.clear()
    SQL.clear()
    with connection.execute_wrapper(record_sql):
        for n in range(requests):
            create(100 + n)
    trips = Counter({k: COUNTS[k] - before[k] for k in COUNTS})
    statements = Counter(q.split()[0].strip("(").upper() for q in SQL)
    redis_commands = REDIS_COMMANDS.copy()
    transactions = trips["commits"] + trips["rollbacks"]
    round_trips = len(SQL) + trips["health_checks"] + 2 * transactions

    # Time without the profiler, in chunks of 10 requests: on a shared machine the quietest
    # chunk (the minimum) is the steadiest figure, the median the typical one.
    labels = stopwatches_install()
    STOPWATCH.clear()
    wall, cpu = [], []
    for chunk in range(0, requests, 10):
        started, cpu_started = time.perf_counter(), time.process_time()
        for n in range(chunk, min(chunk + 10, requests)):
            create(10_000 + n)
        done = min(chunk + 10, requests) - chunk
        wall.append((time.perf_counter() - started) * 1000 / done)
        cpu.append((time.process_time() - cpu_started) * 1000 / done)

    stopwatches = STOPWATCH.copy()
    profiler = Profiler(interval=0.001)
    profiler.start()
    for n in range(requests):
        create(20_000 + n)
    profiler.stop()
    session = profiler.last_session
    assert session is not None
    times = split(session.root_frame())
    total = sum(times.values())

    def per(value: float) -> str:
        return f"{value / requests:.2f}"

    print(
        f"{'GET' if LIST else 'POST'} {prefix}/{{id}}/{kind}/ × {requests}, {connection.vendor}, cache {cache_backend()}"
    )
    print(
        f"per request: PostgreSQL round trips {per(round_trips)} = SQL statements {per(len(SQL))} ("
        + ", ".join(f"{k} {per(v)}" for k, v in statements.most_common())
        + f") + health checks {per(trips['health_checks'])} + BEGIN/COMMIT {per(2 * transactions)}"
    )
    print(
        f"per request: Redis round trips {per(trips['redis'])} ("
        + ", ".join(f"{k} {per(v)}" for k, v in redis_commands.most_common())
        + ")"
    )
    print(
        f"per request: wall clock {statistics.median(wall):.2f} ms median, {min(wall):.2f} ms quietest; "
        f"CPU of this process {statistics.median(cpu):.2f} ms median, {min(cpu):.2f} ms quietest "
        "(chunks of 10 requests)"
    )
    print("stopwatches (the same pass, no profiler), ms per request:")
    for label in labels:
        print(f"  {stopwatches.get(label, 0.0) / requests * 1000:6.2f}  {label}")
    print(f"time split (pyinstrument, {total / requests * 1000:.2f} ms per request under the profiler):")
    for name, seconds in times.most_common():
        print(f"  {seconds / total * 100:5.1f} %  {seconds / requests * 1000:6.2f} ms  {name}")
    if show_sql:
        print("SQL of one request:")
        for statement in SQL[-len(SQL) // requests :]:
            print("  ", " ".join(statement.split())[:200])
    if show_tree:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def cache_backend() -> str:
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--kind", choices=["symptoms", "infections"], default="symptoms")
    parser.add_argument(
        "--baseline", action="store_true", help="bench/prod.py's bare DRF insert (infections)"
    )
    parser.add_argument("--profiles", type=int, default=50, help="children written to in turn")
    parser.add_argument("--list", action="store_true", help="GET the list's first page instead")
    parser.add_argument("--sql", action="store_true", help="print one request's SQL")
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    args = parser.parse_args()
    if args.baseline and args.kind != "infections":
        sys.exit("the baseline inserts infections: add --kind infections")
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("set DATABASE_URL=postgres://… and REDIS_URL=redis://… (the production shape)")
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_profile_write"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(args.requests, args.kind, profiles=args.profiles, show_sql=args.sql, show_tree=args.tree)
    finally:
        from sigmd_portal.celery import app

        app.control.purge()  # the evaluations published to this Redis database; no worker reads them
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
