"""`make bench`: the production shape on this machine, measured beside its baselines.

Starts gunicorn (3 workers) for the project and, for the same-run baseline, for a bare Django +
DRF endpoint inserting the same row; a Celery worker (concurrency 2) on Redis; PostgreSQL.
Seeds realistic data, drives load from wrk (a separate process), measures each row of issue 12's
table together with its baseline, and prints one table (and writes it as JSON to
var/bench.json). Needs PostgreSQL and Redis running and wrk installed; never run in tests.

BENCH_PROFILES (default 100000) sets the size of the region-wide re-evaluation; BENCH_SECONDS
(default 15) the length of each wrk run; BENCH_REGION_TIMEOUT (default 600) how long the
region-wide re-evaluation may take before the row says how far it got. While working on one
row: BENCH_REUSE=1 keeps the database the last run seeded (its world is in var/bench-world.json;
the teams' alerts are deleted first so they are raised again) and BENCH_STEPS=create,region runs
only the steps named (create, backlog, list, replay, alert_latency, threshold_change, region,
region_every_rule).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "")  # another PostgreSQL's URL; by default the bench starts its own
DB = "sigmd_bench"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/12")
PROFILES = int(os.environ.get("BENCH_PROFILES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
REGION_TIMEOUT = int(os.environ.get("BENCH_REGION_TIMEOUT", "600"))
TEAM_SIZE = 5010
WRITERS = 500  # the children the create load writes to
PASSWORD = "bench-password-2026"  # noqa: S105 — a throwaway database
TOTP_SECRET = "KNEWOTKEFVSGK3LPFVKE6VCQFUZDAMRW"  # noqa: S105 — the demo secret, on a throwaway database

ENV = {
    **os.environ,
    "REDIS_URL": REDIS,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
    "SIGMD_MFA_KEYS": "14fBQxV9-YYPEVPektgV11T91nv7E6xihTCaitTOJiA=",  # a throwaway database's key
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_HSTS_SECONDS": "0",
    "SIGMD_THROTTLE_USER": "100000000/min",
    "SIGMD_THROTTLE_ANON": "100000000/min",
    "EMAIL_URL": "consolemail://",
    "DJANGO_LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
os.environ.update(ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "sigmd_portal.settings"
PY = sys.executable
RESULTS: list[dict] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kw)  # noqa: S603 — the bench's own fixed commands


def record(what: str, main: str, baseline: str, target: str, met: bool | None) -> None:
    RESULTS.append({"what": what, "main": main, "baseline": baseline, "target": target, "met": met})
    mark = {True: "met", False: "NOT met", None: "-"}[met]
    print(f"  {what}: {main} | baseline {baseline} | target {target} | {mark}", flush=True)


# --- processes ----------------------------------------------------------------------------


class Services:
    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.app_port, self.bare_port = free_port(), free_port()
        self.logs = ROOT / "var" / "bench-logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(  # noqa: S603 — gunicorn and celery, with fixed arguments
            args, cwd=ROOT, env=env or ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def gunicorn(self, name: str, port: int, settings: str) -> None:
        self.gunicorns = getattr(self, "gunicorns", {})
        self.gunicorns[name] = self.start(
            name,
            [
                PY,
                "-m",
                "gunicorn",
                "sigmd_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--log-level",
                "warning",
            ],
            env={**ENV, "DJANGO_SETTINGS_MODULE": settings},
        )
        if not wait_for(
            lambda: http_status("GET", port, "/healthz" if name == "app" else "/nope") in (200, 404)
        ):
            sys.exit(f"gunicorn ({name}) did not start: see {self.logs / (name + '.log')}")

    def worker(self) -> None:
        self.worker_proc = self.start(
            "worker", [PY, "-m", "celery", "-A", "sigmd_portal", "worker", "--concurrency", "2",
                       "--loglevel", "warning", "-Q", os.environ.get("BENCH_QUEUES", "urgent,celery")]
        )  # fmt: skip
        time.sleep(4)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each part of the production shape: the web processes, the
        worker and PostgreSQL (each with its children)."""
        tick = os.sysconf("SC_CLK_TCK")
        roots = {"web": self.gunicorns["app"].pid, "worker": self.worker_proc.pid}
        pidfile = ROOT / "var" / "bench-pg" / "postmaster.pid"
        if pidfile.exists():
            roots["PostgreSQL"] = int(pidfile.read_text().split()[0])
        used = {}
        for name, root in roots.items():
            out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(root)], capture_output=True, text=True)  # noqa: S607, S603 — ps from PATH, our own pids
            total = 0
            for pid in [str(root), *out.stdout.split()]:
                with suppress(FileNotFoundError, ProcessLookupError):
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += int(fields[11]) + int(fields[12])  # utime, stime
            used[name] = total / tick
        return used

    def worker_rss_mb(self) -> float:
        """Memory of the worker and its pool processes, in MB: their proportional set size (PSS),
        so the pages the forked pool shares with its parent count once, not once per process."""
        pids = [str(self.worker_proc.pid)]
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", pids[0]], capture_output=True, text=True)  # noqa: S607, S603 — ps from PATH, our own pid
        pids += out.stdout.split()
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except (FileNotFoundError, ProcessLookupError):
                pass
        return total / 1024

    def stop(self) -> None:
        for proc in self.procs:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


class Postgres:
    """The bench's own PostgreSQL cluster (var/bench-pg), configured as the README's production shape
    recommends: shared_buffers a quarter of the memory (at most 8 GB), so the region's 1.7 GB of
    diaries is served from memory as on a server that has been running, not from the disk (the
    machine's default cluster keeps 128 MB). Kept between runs for BENCH_REUSE; stopped at exit."""

    def __init__(self) -> None:
        self.dir = ROOT / "var" / "bench-pg"
        self.bin = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def pg(self, tool: str, *args: str) -> None:
        run(*self.as_postgres, str(self.bin / tool), *args, stdout=subprocess.DEVNULL)

    def start(self) -> str:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        buffers_mb = min(memory // 4, 8 << 30) >> 20
        if not (self.dir / "PG_VERSION").exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            if self.as_postgres:
                shutil.chown(self.dir, "postgres", "postgres")
            self.pg("initdb", "-D", str(self.dir), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
                   f"-c shared_buffers={buffers_mb}MB -c effective_cache_size={buffers_mb * 2}MB "
                   "-c max_wal_size=8GB -c max_connections=100")  # fmt: skip
        self.pg(
            "pg_ctl", "-D", str(self.dir), "-o", options, "-l", str(self.dir / "server.log"), "-w", "start"
        )
        print(f"  PostgreSQL: the bench's own cluster, shared_buffers {buffers_mb:,} MB", flush=True)
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.pg("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")


def prewarm() -> None:
    """Vacuum the diaries (autovacuum would otherwise work through 5 million new rows while the
    rows below are measured) and read them into shared_buffers, as a server that has been running
    holds them (COPY writes through a small ring of buffers, so a freshly seeded table is not in
    memory)."""
    from django.db import connection
    from django.db.models import Model

    from diary.models import ENTRY_MODELS, Profile

    started, blocks = time.perf_counter(), 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        diaries: list[type[Model]] = [Profile, *ENTRY_MODELS]
        for table in (m._meta.db_table for m in diaries):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            cursor.execute(
                "SELECT pg_prewarm(%s) + coalesce((SELECT sum(pg_prewarm(indexrelid::regclass)) FROM pg_index"
                " WHERE indrelid = %s::regclass), 0)",
                [table, table],
            )
            blocks += cursor.fetchone()[0]
    print(
        f"  vacuumed and prewarmed the diaries: {blocks * 8 // 1024:,} MB in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def wait_for(check, timeout: float = 60, interval: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(interval)
    return False


# --- a tiny HTTP client (keep-alive, one connection per thread) ----------------------------


class Client:
    def __init__(self, port: int, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = token

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if self.token:
            h["X-Session-Token"] = self.token
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data and data[:1] in b"{[" else data), response


def http_status(method: str, port: int, path: str) -> int:
    return Client(port).call(method, path)[0]


def totp_now(secret: str) -> str:
    """RFC 6238, as an authenticator app computes it (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def login(port: int, email: str, *, totp: bool = False) -> str:
    status, body, _ = Client(port).call(
        "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": PASSWORD}
    )
    token = body["meta"]["session_token"]
    if status == 401 and totp:
        c = Client(port, token)
        status, body, _ = c.call(
            "POST", "/_allauth/app/v1/auth/2fa/authenticate", {"code": totp_now(TOTP_SECRET)}
        )
        token = body.get("meta", {}).get("session_token", token)
    assert status == 200, (status, body)
    return token


# --- load ----------------------------------------------------------------------------------


def wrk(port: int, path: str, *, method: str = "POST", token: str = "", connections: int = 50,
        paths: list[str] | None = None) -> dict:  # fmt: skip
    """Load from wrk: to `path`, or to one of `paths` chosen at random per request."""
    env = {**ENV, "BENCH_METHOD": method, "BENCH_TOKEN": token, "BENCH_PATHS": " ".join(paths or []),
           "BENCH_ONSET": (datetime.now(UTC).date() - timedelta(days=3)).isoformat()}  # fmt: skip
    out = subprocess.run(  # noqa: S603 — wrk with the bench's own arguments
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--timeout", "10s", "-s",  # noqa: S607 — wrk from PATH (make bench installs it)
         str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}{path}"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"wrk failed: {out.stderr.strip() or out.stdout.strip()}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    result = json.loads(line[6:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def percentile(samples: list[float], p: float) -> float:
    samples = sorted(samples)
    return samples[min(len(samples) - 1, round(p / 100 * (len(samples) - 1)))]


# --- the measurements ----------------------------------------------------------------------


def outbox_pending(profile_ids=None) -> int:
    from diary.models import EvaluationRequest

    rows = EvaluationRequest.objects.filter(processed_at__isnull=True)
    if profile_ids is not None:
        rows = rows.filter(profile_id__in=profile_ids)
    return rows.count()


def wait_drained(profile_ids=None, timeout: float = 120) -> float | None:
    start = time.monotonic()
    if wait_for(lambda: outbox_pending(profile_ids) == 0, timeout=timeout, interval=0.25):
        return time.monotonic() - start
    return None


def bench_create(svc: Services, world: dict) -> None:
    """50 phones writing at once, each request to one of WRITERS children's diaries (50 entries of
    the demo mix each), linked to the team; the bare insert writes to the same ones."""
    writers = world["writers"]
    bare = wrk(svc.bare_port, "/", paths=[f"/bare/{p}/infections/" for p in writers])
    before, started = svc.cpu_seconds(), time.monotonic()
    app = wrk(
        svc.app_port, "/", token=world["token"], paths=[f"/api/v1/profiles/{p}/infections/" for p in writers]
    )
    after, seconds = svc.cpu_seconds(), time.monotonic() - started
    split = ", ".join(f"{name} {(after[name] - before[name]) * 1000 / app['requests']:.1f}" for name in after)
    print(f"  CPU per write while the create load ran (ms): {split}; "
          f"{sum(after.values()) - sum(before.values()):.1f} of {2 * seconds:.1f} core-seconds", flush=True)  # fmt: skip
    ratio = app["rps"] / bare["rps"]
    record("diary create, worker live: req/s", f"{app['rps']:.1f} (non-2xx {app['non2xx']})",
           f"{bare['rps']:.1f} (bare DRF)", "≥ 0.5 × baseline", ratio >= 0.5)  # fmt: skip
    record("diary create: p99 latency", f"{app['p99_ms']:.0f} ms", f"{bare['p99_ms']:.0f} ms",
           "≤ 2 × baseline p99", app["p99_ms"] <= 2 * bare["p99_ms"])  # fmt: skip
    time.sleep(30)  # the worker catches up; what is still pending now waits for the sweep
    left = outbox_pending(writers)
    world["left_under_load"] = left


def bench_backlog(svc: Services, world: dict) -> None:
    """8 phones replay a night's backlog at once into one profile: 600 entries."""
    pid, token = world["backlog_profile"], world["token"]
    today = datetime.now(UTC).date()

    def phone(n: int) -> None:
        c = Client(svc.app_port, token)
        for i in range(75):
            body = {"id": str(uuid.uuid4()), "kind": "upper_respiratory",
                    "onset": str(today - timedelta(days=(n * 75 + i) % 300)), "severity": "mild"}  # fmt: skip
            c.call("POST", f"/api/v1/profiles/{pid}/infections/", body)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(30)
    left = outbox_pending([pid])
    under = world.get("left_under_load", "not measured")
    record("evaluations left for the beat sweep", f"{left} of 600 (8-parallel backlog); "
           f"{under} after the create load", "-", "0", left == 0 and under in (0, "not measured"))  # fmt: skip


def bench_summary_queries(world: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User
    from diary.models import ENTRY_MODELS

    client = APIClient()
    client.force_authenticate(User.objects.get(email=world["email"]))
    counts, sizes = [], []
    for pid in (world["list_profile"], world["backlog_profile"], world["writers"][0]):
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(f"/api/v1/profiles/{pid}/summary").status_code
        assert status == 200, status
        counts.append(len(ctx.captured_queries))
        sizes.append(sum(m._default_manager.filter(profile_id=pid).count() for m in ENTRY_MODELS))
    shown = " / ".join(f"{n} ({size:,} entries)" for n, size in zip(counts, sizes, strict=True))
    record("summary: SQL queries per request", shown, "-", "≤ 6, constant",
           max(counts) <= 6 and len(set(counts)) == 1)  # fmt: skip


def bench_list(svc: Services, world: dict) -> None:
    """At 10 connections (the row), and at 1: the request's own time, without waiting for others."""
    path = f"/api/v1/profiles/{world['list_profile']}/symptoms/"
    result = wrk(svc.app_port, path, method="GET", token=world["token"], connections=10)
    alone = wrk(svc.app_port, path, method="GET", token=world["token"], connections=1)
    _status, body, _ = Client(svc.app_port, world["token"]).call("GET", path)
    shape = "paginated" if isinstance(body, dict) and "results" in body else f"unpaginated ({len(body)} rows)"
    record("symptoms list, a year of entries (365): p99",
           f"{result['p99_ms']:.0f} ms at 10 connections ({result['rps']:.0f} req/s), {shape}; "
           f"{alone['p99_ms']:.0f} ms at 1 ({alone['rps']:.0f} req/s)", "-",
           "paginated; p99 < 50 ms", shape == "paginated" and result["p99_ms"] < 50)  # fmt: skip


def threshold_put(svc: Services, world: dict, team_id: str, count: int) -> tuple[float, int]:
    c = Client(svc.app_port, world["clinician_token"])
    status, rules, _ = c.call("GET", f"/api/v1/care-teams/{team_id}/rules/")
    assert status == 200, (status, rules)

    def band(b: dict, count: int | None) -> dict:
        return {"threshold": count or b["threshold"], "window_days": b["window_days"]}

    body = {
        "rules": [
            {
                "rule": r["rule"],
                "enabled": r["enabled"],
                "child": band(r["child"], count if r["rule"] == "recurrent_ear_infections" else None),
                "adult": band(r["adult"], None),
            }
            for r in rules["rules"]
        ]
    }
    start = time.perf_counter()
    status, _answer, _ = c.call("PUT", f"/api/v1/care-teams/{team_id}/rules/", body)
    return (time.perf_counter() - start) * 1000, status


def expected_ear_alerts(profile_ids: list, count: int) -> int:
    """How many recurrent_ear_infections alerts the new child threshold must raise (adults keep theirs)."""
    from dateutil.relativedelta import relativedelta
    from django.db.models import Count, Q
    from django.utils import timezone

    from care import rules
    from diary.models import Profile

    today = timezone.localdate()
    since = today - timedelta(days=364)
    adult = rules.default_settings()["recurrent_ear_infections"][rules.ADULT].count
    rows = Profile.objects.filter(pk__in=profile_ids).annotate(
        ears=Count("infectionepisodes", filter=Q(infectionepisodes__kind="otitis_media",
                                                 infectionepisodes__onset__gte=since))
    ).values_list("date_of_birth", "ears")  # fmt: skip
    return sum(1 for dob, ears in rows if ears >= (count if relativedelta(today, dob).years < 18 else adult))


def threshold_change(svc: Services, world: dict, team_id: Any, *, timeout: float) -> dict:
    """PUT a lower child ear-infection threshold; time the request, then the wait until every
    alert it must raise exists (whatever route the evaluation takes: outbox rows or batches)."""
    from care.models import Alert
    from diary.models import CareLink

    ids = list(CareLink.objects.filter(team_id=team_id).values_list("profile_id", flat=True))
    expected = expected_ear_alerts(ids, 1)
    ms, status = threshold_put(svc, world, team_id, 1)
    start = time.monotonic()
    alerts = Alert.objects.filter(team_id=team_id, rule="recurrent_ear_infections")
    done = wait_for(lambda: alerts.count() >= expected, timeout=timeout, interval=0.5)
    return {"profiles": len(ids), "ms": ms, "status": status, "expected": expected, "raised": alerts.count(),
            "took": time.monotonic() - start if done else None}  # fmt: skip


def describe(r: dict, timeout: float) -> str:
    done = f"all {r['expected']:,} alerts after {r['took']:.1f} s" if r["took"] is not None else (
        f"{r['raised']:,} of {r['expected']:,} alerts after {timeout:.0f} s")  # fmt: skip
    return f"PUT {r['ms']:.0f} ms ({r['status']}); {done}"


def bench_threshold_change(svc: Services, world: dict) -> None:
    r = threshold_change(svc, world, world["team_id"], timeout=180)
    record(f"team threshold change, {r['profiles']:,} linked profiles", describe(r, 180), "-",
           "PUT < 200 ms; all evaluated < 10 s",
           r["status"] == 200 and r["ms"] < 200 and r["took"] is not None and r["took"] < 10)  # fmt: skip


def worker_peak(svc: Services, work: Callable[[], dict]) -> tuple[dict, float, float]:
    """Run `work` while sampling the worker's memory: its result, the peak and the idle PSS (MB)."""
    idle = svc.worker_rss_mb()
    peak = [idle]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak.append(svc.worker_rss_mb())
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        r = work()
    finally:
        stop.set()
        sampler.join()
    return r, max(peak), idle


def bench_region(svc: Services, world: dict) -> None:
    """A change of one rule for a team of 100,000: that rule alone is evaluated, reading its facts."""
    r, peak, idle = worker_peak(
        svc, lambda: threshold_change(svc, world, world["region_team_id"], timeout=REGION_TIMEOUT)
    )
    record(f"re-evaluating {r['profiles']:,} profiles ({PROFILES * 50:,} entries) for a change of one rule, 1 worker × 2",
           f"{describe(r, REGION_TIMEOUT)}; worker peak {peak:.0f} MB PSS (idle {idle:.0f} MB)", "-",
           "< 60 s and < 500 MB",
           r["took"] is not None and r["took"] < 60 and peak < 500)  # fmt: skip


def bench_region_every_rule(svc: Services, world: dict) -> None:
    """The worst case: every rule evaluated for the team of 100,000, all four kinds of facts read (a
    change of all eleven rules at once; an outbox row of a team with no rules named), from no alerts."""
    from care.models import Alert, TeamEvaluation, TeamEvaluationPart
    from care.tasks import team_evaluation_dispatch

    alerts_forget(world)
    team_id = world["region_team_id"]
    row = TeamEvaluation.objects.create(team_id=team_id, rules=None)

    def run() -> dict:
        start = time.monotonic()
        team_evaluation_dispatch(row.pk)
        parts = TeamEvaluationPart.objects.filter(team_evaluation=row)
        done = wait_for(
            lambda: TeamEvaluation.objects.filter(pk=row.pk, processed_at__isnull=False).exists()
            and not parts.filter(processed_at__isnull=True).exists(),
            timeout=REGION_TIMEOUT, interval=0.5,
        )  # fmt: skip
        return {"took": time.monotonic() - start if done else None, "parts": parts.count(),
                "alerts": Alert.objects.filter(team_id=team_id).count()}  # fmt: skip

    r, peak, idle = worker_peak(svc, run)
    done = f"all {r['parts']} parts after {r['took']:.1f} s" if r["took"] is not None else (
        f"not done after {REGION_TIMEOUT} s")  # fmt: skip
    record(f"re-evaluating {PROFILES:,} profiles, every rule (all four kinds of facts), 1 worker × 2",
           f"{done}; {r['alerts']:,} alerts; worker peak {peak:.0f} MB PSS (idle {idle:.0f} MB)", "-",
           "< 60 s and < 500 MB", r["took"] is not None and r["took"] < 60 and peak < 500)  # fmt: skip


HASHED_NAME = r"\.[0-9a-f]{12}\.\w+$"  # collectstatic's manifest names: app.5a7b0a7036f1.js


def bench_static(svc: Services) -> None:
    """What a phone loads for /app/, as a browser finds it: the page's files, every module they
    import (followed to the end), the worker's precache list. Each must be a hashed name served
    `immutable`; the HTML must come gzipped to a client that accepts it."""
    import gzip
    import posixpath
    import re

    conn = http.client.HTTPConnection("127.0.0.1", svc.app_port, timeout=30)

    def get(path: str) -> tuple[http.client.HTTPResponse, bytes]:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        data = response.read()
        return response, gzip.decompress(data) if response.getheader("Content-Encoding") == "gzip" else data

    page, html = get("/app/")
    in_page = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html.decode()))
    modules: set[str] = set()
    waiting = re.findall(r'<script type="module" src="([^"]+)"', html.decode())
    headers: dict[str, str] = {}
    while waiting:
        url = waiting.pop()
        if url in modules:
            continue
        modules.add(url)
        response, source = get(url)
        headers[url] = f"{response.status} {response.getheader('Cache-Control') or ''}"
        for spec in re.findall(r"""(?:\bfrom|\bimport\s*\(?)\s*["']([^"']+)["']""", source.decode()):
            waiting.append(posixpath.normpath(posixpath.join(posixpath.dirname(url), spec)))
    _, worker = get("/sw.js")
    shell = json.loads(worker.decode().split("\n", 1)[0].removeprefix("const SHELL = ").removesuffix(";"))
    precached = {url for url in shell["shell"] if url.startswith("/static/")}
    files = in_page | modules | precached
    for url in files - set(headers):
        response, _ = get(url)
        headers[url] = f"{response.status} {response.getheader('Cache-Control') or ''}"
    hashed = [url for url in files if re.search(HASHED_NAME, url)]
    immutable = [url for url in files if headers[url].startswith("200 ") and "immutable" in headers[url]]
    not_precached = (in_page | modules) - precached
    learn, _ = get("/learn/")
    encodings = {"/app/": page.getheader("Content-Encoding"), "/learn/": learn.getheader("Content-Encoding")}
    record("/app/ static files",
           f"{len(hashed)} of {len(files)} hashed ({len(in_page)} in the page, {len(modules)} modules, "
           f"{len(precached)} precached, {len(not_precached)} loaded but not precached); "
           f"{len(immutable)} immutable; " + ", ".join(f"{p} {e or 'not compressed'}" for p, e in encodings.items()),
           "-", "hashed names, immutable, compressed HTML",
           bool(files) and len(hashed) == len(immutable) == len(files) and not not_precached
           and set(encodings.values()) == {"gzip"})  # fmt: skip


def bench_alert_latency(svc: Services, world: dict) -> None:
    from django.core.cache import cache

    from care.models import Delivery
    from sigmd_portal.tasks import HEARTBEAT_KEY, record_worker_heartbeat

    noop = []
    for _ in range(30):
        cache.delete(HEARTBEAT_KEY)
        start = time.perf_counter()
        record_worker_heartbeat.delay()
        wait_for(lambda: cache.get(HEARTBEAT_KEY) is not None, timeout=10, interval=0.002)
        noop.append((time.perf_counter() - start) * 1000)
    latencies = []
    c = Client(svc.app_port, world["token"])
    for pid in world["alert_profiles"]:
        body = {"id": str(uuid.uuid4()), "recorded_at": datetime.now(UTC).isoformat(),
                "symptoms": ["stiff_neck"], "temperature_c": 38.5, "severity": 7}  # fmt: skip
        sent = datetime.now(UTC)
        status, _, _ = c.call("POST", f"/api/v1/profiles/{pid}/symptoms/", body)
        assert status == 201, status
        ok = wait_for(lambda pid=pid: Delivery.objects.filter(alert__profile_id=pid, sent_at__isnull=False).exists(),
                      timeout=30, interval=0.005)  # fmt: skip
        if ok:
            first = Delivery.objects.filter(alert__profile_id=pid, sent_at__isnull=False).earliest("sent_at")
            assert first.sent_at is not None
            latencies.append((first.sent_at - sent).total_seconds() * 1000)
    p95 = percentile(latencies, 95) if latencies else float("inf")
    record("alert latency, POST → e-mail sent", f"p95 {p95:.0f} ms ({len(latencies)} of {len(world['alert_profiles'])})",
           f"no-op Celery round trip p95 {percentile(noop, 95):.0f} ms", "p95 < 250 ms", p95 < 250)  # fmt: skip


def bench_replay(svc: Services, world: dict) -> None:
    from diary.models import InfectionEpisode

    pid = world["replay_profile"]
    c = Client(svc.app_port, world["token"])
    today = datetime.now(UTC).date()
    bodies = [{"id": str(uuid.uuid4()), "kind": "upper_respiratory", "onset": str(today - timedelta(days=i)),
               "severity": "mild"} for i in range(100)]  # fmt: skip
    before = InfectionEpisode.objects.filter(profile_id=pid).count()  # a reused database has a run's
    start = time.perf_counter()
    statuses = [c.call("POST", f"/api/v1/profiles/{pid}/infections/", b)[0] for b in bodies + bodies]
    seconds = time.perf_counter() - start
    rows = InfectionEpisode.objects.filter(profile_id=pid).count() - before
    ok = statuses.count(201) == 100 and statuses.count(200) == 100
    record("offline backlog replay, 200 entries (100 replays), sequential",
           f"{seconds:.2f} s, {rows - 100} duplicates, statuses ok: {ok}", "-", "< 3 s, 0 duplicates",
           seconds < 3 and rows == 100 and ok)  # fmt: skip


# --- the world -------------------------------------------------------------------------------


def build_world() -> dict:
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import CareTeam, CareTeamMember, User
    from bench import seed
    from diary.models import ProfileManager

    today = timezone.localdate()
    email = "bench-parent@example.org"
    parent = User.objects.create_user(
        email=email, password=PASSWORD, role="caregiver", display_name="Bench Parent"
    )
    EmailAddress.objects.create(user=parent, email=email, verified=True, primary=True)
    clinician = User.objects.create_user(email="bench-dr@example.org", password=PASSWORD, role="clinician",
                                         display_name="Dr Bench")  # fmt: skip
    EmailAddress.objects.create(user=clinician, email=clinician.email, verified=True, primary=True)
    activate_totp(clinician)
    team = CareTeam.objects.create(name="Bench Team")
    region = CareTeam.objects.create(name="Bench Region")
    CareTeamMember.objects.create(team=team, user=clinician)
    CareTeamMember.objects.create(team=region, user=clinician)

    started = time.perf_counter()
    region_ids = seed.seed_profiles(PROFILES, today=today)
    print(
        f"  seeded {PROFILES:,} profiles, {PROFILES * 50:,} entries in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    seed.link_all(region, region_ids)
    team_ids = seed.seed_profiles(TEAM_SIZE, today=today, seed=7)
    seed.link_all(team, team_ids)
    own = seed.seed_profiles(4 + 30, today=today, seed=11, entries=0)
    write_profile, backlog_profile, replay_profile, list_profile = own[:4]
    alert_profiles = own[4:]
    seed.link_all(team, alert_profiles)
    for pid in own:
        ProfileManager.objects.create(profile_id=pid, user=parent)
    # A year of symptom entries, one a day, on the list profile.
    from diary.models import SymptomEntry

    seed.copy_rows(SymptomEntry, ({"id": uuid.uuid4(), "profile_id": list_profile,
                                   "recorded_at": datetime.now(UTC) - timedelta(days=d), "symptoms": ["cough"],
                                   "severity": 2} for d in range(365)))  # fmt: skip
    return {
        "email": email, "team_id": str(team.pk), "region_team_id": str(region.pk),
        "write_profile": str(write_profile), "backlog_profile": str(backlog_profile),
        "replay_profile": str(replay_profile), "list_profile": str(list_profile),
        "alert_profiles": [str(p) for p in alert_profiles], "writers": writers_seed(parent, team),
    }  # fmt: skip


def writers_seed(parent, team) -> list[str]:
    """The children the create load writes to: 50 entries of the demo mix each, linked to the team."""
    from django.utils import timezone

    from bench import seed
    from diary.models import ProfileManager

    writers = seed.seed_profiles(WRITERS, today=timezone.localdate(), seed=13)
    seed.link_all(team, writers)
    ProfileManager.objects.bulk_create(ProfileManager(profile_id=pid, user=parent) for pid in writers)
    return [str(p) for p in writers]


def alerts_forget(world: dict) -> None:
    """A reused database: every alert (and what hangs on them: inbox rows, deliveries) goes, so the
    threshold rows raise them again, and the outbox is emptied. Only the bench's data is there."""
    from django.db import connection

    from care.models import Alert

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Alert._meta.db_table} CASCADE")
        cursor.execute("TRUNCATE diary_evaluationrequest, care_teamevaluation CASCADE")


def activate_totp(user) -> None:
    """The clinician's authenticator, as the demo loader sets one up."""
    from accounts.mfa import totp_authenticator_add

    totp_authenticator_add(user, secret=TOTP_SECRET)


def prepare_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        run("psql", PG + "/postgres", "-q", "-c", sql)
    run(PY, "manage.py", "migrate", "--noinput", stdout=subprocess.DEVNULL)
    run(PY, "manage.py", "collectstatic", "--noinput", stdout=subprocess.DEVNULL)
    run(PY, "manage.py", "sync_education", stdout=subprocess.DEVNULL)
    import redis

    redis.Redis.from_url(REDIS).flushdb()


@contextmanager
def services():
    svc = Services()
    try:
        svc.gunicorn("app", svc.app_port, "sigmd_portal.settings")
        svc.gunicorn("bare", svc.bare_port, "bench.baseline_settings")
        svc.worker()
        yield svc
    finally:
        svc.stop()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so the services are stopped too
    for tool in ("wrk", "psql"):
        if not shutil.which(tool):
            sys.exit(f"make bench needs {tool} (apt-get install wrk postgresql-client)")
    print(f"SIgMD Portal benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}", flush=True)  # fmt: skip
    global PG
    own = None if PG else Postgres()
    try:
        if own is not None:
            PG = own.start()
        measure(own)
    finally:
        if own is not None:
            own.stop()


def measure(own: Postgres | None) -> None:
    ENV["DATABASE_URL"] = os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    saved = ROOT / "var" / "bench-world.json"
    reuse = os.environ.get("BENCH_REUSE") == "1" and saved.exists()
    if not reuse:
        prepare_database()
    import django

    django.setup()
    if reuse:
        world = json.loads(saved.read_text())
        alerts_forget(world)
        if "writers" not in world:  # seeded by an earlier bench
            from accounts.models import CareTeam, User

            world["writers"] = writers_seed(
                User.objects.get(email=world["email"]), CareTeam.objects.get(pk=world["team_id"])
            )
            saved.write_text(json.dumps(world))
    else:
        world = build_world()
        saved.write_text(json.dumps(world))
    if own is not None:
        prewarm()
    chosen = os.environ.get("BENCH_STEPS")
    with services() as svc:
        world["token"] = login(svc.app_port, world["email"])
        world["clinician_token"] = login(svc.app_port, "bench-dr@example.org", totp=True)
        for step in (bench_create, bench_backlog, bench_list, bench_replay, bench_alert_latency,
                     bench_threshold_change, bench_region, bench_region_every_rule):  # fmt: skip
            if chosen and step.__name__.removeprefix("bench_") not in chosen.split(","):
                continue
            try:
                step(svc, world)
            except Exception as exc:  # a failed measurement is a row that says so, not a lost table
                record(step.__name__, f"failed: {type(exc).__name__}: {exc}", "-", "-", False)
        if not chosen:
            bench_static(svc)
    if not chosen:
        bench_summary_queries(world)
    print("\n| what | main | same-run baseline | target | met |\n|---|---|---|---|---|")
    for r in RESULTS:
        print(
            f"| {r['what']} | {r['main']} | {r['baseline']} | {r['target']} | {'yes' if r['met'] else 'no'} |"
        )
    out = ROOT / "var" / "bench.json"
    out.write_text(
        json.dumps({"at": datetime.now(UTC).isoformat(), "cores": os.cpu_count(), "rows": RESULTS}, indent=2)
    )
    print(f"\n(also written to {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
