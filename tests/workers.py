"""Real Celery workers (and a Redis of their own) for the tests marked `worker`: separate
processes on Redis, against the test database, as in production.

Each test's messages go under a key prefix of its own (`own_keys`), so two test runs
sharing one Redis database neither take nor flush each other's messages."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import redis
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.settings import TEST_ENVIRONMENT

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(settings.BASE_DIR)
QUEUES = "default,pdf-large"  # every queue, as `make worker` listens


def redis_available(url=REDIS_URL):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}{password}@{host}/{db['NAME']}"


def free_port():
    """A port nothing listens on now (the system's choice for port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def own_keys(broker=REDIS_URL):
    """A key prefix for one test's messages (and its workers' cache) on `broker`, whose
    keys are removed after."""
    prefix = f"highlight-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        if redis_available(broker):
            client = redis.Redis.from_url(broker)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)


class Worker:
    """`celery worker` on the test database, or tests/fault_worker.py with a fault in it,
    listening to `queues` for messages under `key_prefix`. It reads the production settings
    with the environment given here (none of the test run's). It runs in a session of its
    own, so that kill() takes the pool's children with it."""

    def __init__(self, log, broker=REDIS_URL, key_prefix="", queues=QUEUES, fault=None,
                 marks=None, **env):  # fmt: skip
        self.log, self.marks = Path(log), marks
        environment = {
            **{name: value for name, value in os.environ.items() if name not in TEST_ENVIRONMENT},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(),  # the test database, with pytest-django's prefix
            "REDIS_URL": broker,
            "CELERY_BROKER_URL": broker,
            "CELERY_BROKER_KEY_PREFIX": key_prefix,
            "CACHE_KEY_PREFIX": key_prefix,  # the organisation and markings it caches
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "0",
            "SECRET_KEY": "worker-test-" + "x" * 50,
            "ALLOWED_HOSTS": "localhost",
            **{name: str(value) for name, value in env.items()},
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
        if fault is not None:
            command = [sys.executable, "-m", "tests.fault_worker"]
            environment |= {"HIGHLIGHT_FAULT": fault, "HIGHLIGHT_FAULT_DIR": str(marks)}
        options = [
            "-Q", queues, "--pool=prefork", "--concurrency=1", "--without-mingle",
            "--without-gossip", "--loglevel=INFO", "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                command + options, cwd=ROOT, env=environment, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_until_ready()

    def _wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while "ready." not in self.output():
            assert self.process.poll() is None, f"worker exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"worker not ready in {seconds} s:\n{self.output()}"
            time.sleep(0.2)

    def output(self):
        return self.log.read_text() if self.log.exists() else ""

    def kill(self):
        """SIGKILL to the worker and its pool, as the kernel's OOM killer or a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def sending_to(broker, key_prefix=""):
    """This test process sends tasks to `broker`, under `key_prefix`, rather than running
    them in-process."""
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options
    app.conf.task_always_eager, app.conf.broker_url = False, broker
    app.conf.broker_transport_options = {**saved[2], "global_keyprefix": key_prefix}
    forget_connections()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = saved
        forget_connections()


def forget_connections():
    """Connections made for another broker earlier in the run must not be reused: as Celery
    does after a fork, let the app make new ones."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


class RedisServer:
    """A redis-server of the test's own on a free port, to stop and start at will."""

    def __init__(self, workdir):
        self.port, self.workdir = free_port(), Path(workdir)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not redis_available(self.url):
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not start in 30 s"
            time.sleep(0.05)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        assert not redis_available(self.url)


def wait_for(document, seconds=60, until=None):
    until = until or (lambda d: d.is_finished)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if until(document):
            return document
        time.sleep(0.2)
    raise AssertionError(f"document {document.pk} still {document.status} after {seconds} s")


def wait_for_file(path, seconds=60, worker=None):
    deadline = time.monotonic() + seconds
    while not Path(path).exists():
        detail = worker.output() if worker else ""
        assert time.monotonic() < deadline, f"{path} did not appear in {seconds} s\n{detail}"
        time.sleep(0.1)
