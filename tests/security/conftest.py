"""The proof: services of the test's own (a Redis it starts and stops, a Celery worker process
it can SIGKILL) on the real database. Every proof test prints its figures."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer

from sigmd_portal.celery import app as celery_app
from tests.conftest import require, reset_publisher

ROOT = Path(__file__).resolve().parents[2]

# The live server's listen backlog is 5 by default: 50 connections at once would be reset
# before Django saw them. A real deployment's gunicorn backlog is 2048.
ThreadedWSGIServer.request_queue_size = 128


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "proof: the security and fault proofs of SECURITY.md (slow)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


class RedisProcess:
    """A redis-server of the test's own, on a free port, without persistence: stopping it
    loses whatever it held, as a crash would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                return False

        assert wait_until(answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server dies too
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self) -> None:
        """Unreachable but keeping what it holds, as a hung server or a network partition is:
        connections open, nothing answers (clients time out)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path, require_postgres, settings) -> Iterator[RedisProcess]:
    """A Redis of this test's own as cache and broker of the web side (the machine's is untouched)."""
    require(
        shutil.which("redis-server") is not None, "needs redis-server on PATH (apt-get install redis-server)"
    )
    server = RedisProcess(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "sigmd_portal.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    previous_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = server.url
    celery_app.conf.task_always_eager = False
    reset_publisher()
    yield server
    celery_app.conf.broker_url = previous_broker
    celery_app.conf.task_always_eager = True
    reset_publisher()
    server.stop()


class WorkerProcess:
    """`celery worker` in a process of its own (solo pool: killing it kills the task it runs),
    on the test database, writing e-mails as files so the test can count what was sent."""

    def __init__(self, broker_url: str, mail_dir: Path, log_path: Path) -> None:
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def env(self) -> dict[str, str]:
        database = settings.DATABASES["default"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "SIGMD_"))}
        env.update(
            DATABASE_URL=(
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            REDIS_URL=self.broker_url,
            EMAIL_URL=f"filemail:///{self.mail_dir}",
            DJANGO_LOG_LEVEL="WARNING",
        )
        return env

    def start(self) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sigmd_portal",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def worker_process(own_redis, transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    worker = WorkerProcess(own_redis.url, mail_dir, tmp_path / "worker.log")
    yield worker
    worker.stop()


def sent_emails(mail_dir: Path) -> list[str]:
    """Every message the worker's file backend wrote (one file may hold several)."""
    messages: list[str] = []
    for path in sorted(mail_dir.glob("*.log")):
        messages.extend(part for part in path.read_text().split("-" * 79) if part.strip())
    return messages
