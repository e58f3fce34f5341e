"""`make soak`: a month-end under load, against Highlight as production runs it.

Starts, on this machine only: gunicorn with 3 workers, three Celery worker processes (two
on the default queue, one on pdf-large) and beat, on PostgreSQL and Redis, with a database
of its own seeded by seed_scale (SOAK_PROJECTS, default 1,000) as the month is being
reported. Then Locust, headless, runs SOAK_USERS people (default 50) for SOAK_MINUTES
(default 10): managers, sponsors, directors and the PMO, who starts the month's run half-way
through (bench/locustfile.py). After the load it waits for the queues to drain (at most
SOAK_DRAIN_MINUTES, default 20), checks what the server acknowledged against the database,
and writes bench/results/soak.json; bench/README.md says how to read it. It exits 1 if any
request had a 5xx, a save was lost, or a document failed or is stuck.

SOAK_DB: a database URL, or a name on DATABASE_URL's server (default highlight_soak; it is
dropped and made again). SOAK_REDIS: a Redis URL of the soak's own (default db 14 of the
local Redis; it is emptied). SOAK_MAX_REQUESTS (default 200,000) bounds the load too.
SOAK_POOLER: a PgBouncer on this machine in transaction mode (deploy/pgbouncer.ini), which
the web and workers then go through (DATABASE_POOLER=pgbouncer).
"""

import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
from run import RESULTS, ROOT, WORK, bench_environment, free_port
from soak_forms import this_machine

SOAK = WORK / "soak"
BIN = Path(sys.executable).parent
LOCAL_DATABASE = "postgres://postgres@127.0.0.1:5432/highlight_soak"
# Pages, redirects after a post, and conflicts said as such: anything else (a 403 from a
# form refused, a 404) means the people or the server got something wrong.
EXPECTED = {"200", "302", "409"}


def options():
    number = lambda name, default: float(os.environ.get(name, default))  # noqa: E731
    return {
        "users": int(number("SOAK_USERS", 50)),
        "minutes": number("SOAK_MINUTES", 10),
        "projects": int(number("SOAK_PROJECTS", 1000)),
        "max_requests": int(number("SOAK_MAX_REQUESTS", 200_000)),
        "drain_minutes": number("SOAK_DRAIN_MINUTES", 20),
    }


def database_url():
    named = os.environ.get("SOAK_DB", "")
    if "://" in named:
        return named
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = LOCAL_DATABASE  # the soak is PostgreSQL's, as production is
    return urlunsplit(urlsplit(base)._replace(path="/" + (named or "highlight_soak")))


def local_only(url):
    if not this_machine(url):
        raise SystemExit(f"The soak empties its database and Redis: {url} is not this machine.")
    return url


def environment(password):
    """Production settings, as docker-compose runs them, on the soak's database and Redis."""
    base = {k: v for k, v in bench_environment().items() if k != "CELERY_BROKER_URL"}
    pooler = os.environ.get("SOAK_POOLER", "")  # PgBouncer, transaction mode (README)
    database = local_only(database_url())
    if pooler:
        path = urlsplit(database).path
        database = urlunsplit(urlsplit(local_only(pooler))._replace(path=path))
    return {
        **base,
        "DATABASE_URL": database,
        "DATABASE_POOLER": "pgbouncer" if pooler else "",
        "REDIS_URL": local_only(os.environ.get("SOAK_REDIS", "redis://127.0.0.1:6379/14")),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(SOAK / "media"),
        "EMAIL_URL": "dummymail://",  # the run's notice to the directors
        "MFA_REQUIRED_FOR": "staff,pmo",
        "LOG_LEVEL": "WARNING",
        "SOAK_PASSWORD": password,
    }


def fresh_database(url):
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
        # What settings.py asks for at each connection, which PgBouncer cannot pass on.
        cursor.execute(f'ALTER DATABASE "{name}" SET jit = off')
    connection.close()


def manage(env, *args):
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env, settings, secret):
    """A new database seeded as a month-end, an empty Redis and documents folder (straight
    to PostgreSQL, not through a pooler)."""
    import redis

    env = {**env, "DATABASE_URL": database_url(), "DATABASE_POOLER": ""}
    fresh_database(env["DATABASE_URL"])
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    shutil.rmtree(SOAK, ignore_errors=True)
    (SOAK / "logs").mkdir(parents=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(
        env, "seed_scale", "--allow-live", f"--projects={settings['projects']}", "--months=24",
        "--risks-per-project=5", "--activities=2000", "--seed=1", "--month-end",
        f"--last-month={last_month():%Y-%m}", f"--password={env['SOAK_PASSWORD']}",
        f"--totp-secret={secret}",
    )  # fmt: skip


def last_month(today=None):
    return ((today or datetime.date.today()).replace(day=1) - datetime.timedelta(days=1)).replace(
        day=1
    )


def start(env, port):
    """Every process of the production shape, each logging to bench/.work/soak/logs/."""
    celery = [str(BIN / "celery"), "-A", "config"]
    worker = [*celery, "worker", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
    commands = {
        "web": [str(BIN / "gunicorn"), "config.wsgi", "--workers=3", f"--bind=127.0.0.1:{port}"],
        "worker-default-1": [*worker, "-Q", "default", "--concurrency=1", "-n", "default1@soak"],
        "worker-default-2": [*worker, "-Q", "default", "--concurrency=1", "-n", "default2@soak"],
        "worker-pdf-large": [
            *worker,
            "-Q",
            "pdf-large",
            "--concurrency=1",
            "--max-tasks-per-child=20",
            "-n",
            "large@soak",
        ],  # fmt: skip
        "beat": [*celery, "beat", "--loglevel=INFO", "-s", str(SOAK / "beat-schedule")],
    }
    processes = {}
    for role, command in commands.items():
        log = (SOAK / "logs" / f"{role}.log").open("w")
        processes[role] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return processes
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start: bench/.work/soak/logs/web.log")


class Watch(threading.Thread):
    """Every 2 seconds: each process's memory (with its children) and the database's
    connections, keeping the peaks."""

    def __init__(self, processes, url):
        super().__init__(daemon=True)
        self.processes, self.url, self.stopping = processes, url, threading.Event()
        self.memory = {role: {"peak_process_mib": 0, "peak_total_mib": 0, "processes": 0}
                       for role in processes}  # fmt: skip
        self.connections = {"peak": 0, "peak_active": 0, "max_connections": None}

    def run(self):
        import psycopg2

        database = psycopg2.connect(self.url)
        database.autocommit = True
        name = urlsplit(self.url).path.lstrip("/")
        while not self.stopping.wait(2):
            self.sample_memory()
            with database.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*), count(*) FILTER (WHERE state = 'active') FROM "
                    "pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                total, active = cursor.fetchone()
                cursor.execute("SHOW max_connections")
                self.connections["max_connections"] = int(cursor.fetchone()[0])
            self.connections["peak"] = max(self.connections["peak"], total)
            self.connections["peak_active"] = max(self.connections["peak_active"], active)
        database.close()

    def sample_memory(self):
        for role, process in list(self.processes.items()):
            try:
                root = psutil.Process(process.pid)
                tree = [root, *root.children(recursive=True)]
                sizes = [p.memory_info().rss / 2**20 for p in tree]
            except psutil.Error:
                continue
            seen = self.memory.setdefault(
                role, {"peak_process_mib": 0, "peak_total_mib": 0, "processes": 0}
            )
            seen["peak_process_mib"] = round(max(seen["peak_process_mib"], *sizes))
            seen["peak_total_mib"] = round(max(seen["peak_total_mib"], sum(sizes)))
            seen["processes"] = max(seen["processes"], len(tree))


def load(env, port, settings, secret, people_file, watch):
    """Locust, headless, bounded in time and requests; it stops by itself."""
    seconds = round(settings["minutes"] * 60)
    env = {
        **env,
        "SOAK_PEOPLE": str(people_file),
        "SOAK_LEDGER": str(SOAK / "ledger.json"),
        "SOAK_TOTP_SECRET": secret,
        "SOAK_MAX_REQUESTS": str(settings["max_requests"]),
        "SOAK_RUN_AFTER": str(seconds / 2),
        "PYTHONPATH": str(ROOT / "bench"),
    }
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{port}", "-u", str(settings["users"]),
        "-r", str(max(1, settings["users"] // 10)), "-t", f"{seconds}s", "--stop-timeout", "30",
        "--csv", str(SOAK / "locust"), "--only-summary", "--loglevel", "WARNING",
        "--logfile", str(SOAK / "logs" / "locust.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    watch.processes["locust"] = process
    try:
        process.wait(timeout=seconds + 180)
    except subprocess.TimeoutExpired:
        process.kill()
    ledger = SOAK / "ledger.json"
    if not ledger.exists():
        raise SystemExit("Locust wrote no ledger: bench/.work/soak/logs/locust.log says why.")
    return json.loads(ledger.read_text())


def drain(deadline_minutes):
    """Wait until no document is queued or being rendered, or the deadline passes."""
    from reports.models import Document

    started = time.monotonic()
    while time.monotonic() - started < deadline_minutes * 60:
        if not Document.objects.filter(status__in=["queued", "running"]).exists():
            break
        time.sleep(5)
    return time.monotonic() - started


def stop(processes):
    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def verdict(results):
    failures = []
    if results["server_errors"]:
        failures.append(f"{results['server_errors']} requests answered 5xx")
    if results["connection_errors"]:
        failures.append(f"{results['connection_errors']} requests got no answer")
    odd = {s: n for s, n in results["statuses"].items() if s not in EXPECTED and s != "0"}
    if odd:
        failures.append(f"answers no person should get (status: count): {odd}")
    saves = results["saves"]
    if saves["refused_but_written"]:
        failures.append(f"{saves['refused_but_written']} saves answered 409 were written")
    if saves["lost"] or saves["reports_not_holding_their_last_save"]:
        failures.append(f"{saves['lost']} acknowledged saves are not in the database")
    if saves["conflicts_without_their_message"] or saves["refused_otherwise"]:
        failures.append("a save was refused without saying it was a conflict")
    documents = results["documents"]
    if documents["directors_problems"]:
        failures.append(f"directors' PDFs went wrong: {documents['directors_problems'][:3]}")
    if results["signed_out"]:
        failures.append(f"{results['signed_out']} pages answered with the sign-in page")
    if documents["failed"] or documents["stuck"]:
        failures.append(f"{documents['failed']} documents failed, {documents['stuck']} stuck")
    if not results["monthly_run"].get("started"):
        failures.append("the PMO's monthly run did not start")
    if results["sign_ins"]["failed"]:
        failures.append(f"sign-ins failed: {results['sign_ins']['failed'][:5]}")
    return failures


def main():
    settings = options()
    password, secret = secrets.token_urlsafe(12), secrets.token_hex(10)
    import base64

    secret = base64.b32encode(bytes.fromhex(secret)).decode()
    env = environment(password)
    print(f"Seeding {settings['projects']} projects as a month-end…", flush=True)
    prepare(env, settings, secret)
    os.environ.update({**env, "DATABASE_URL": database_url(), "DATABASE_POOLER": ""})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import soak_check
    from django.db import connection
    from run import machine

    month = last_month()
    people_file = SOAK / "people.json"
    past = last_month(month)
    people_file.write_text(json.dumps(soak_check.people(month, past, settings["users"])))
    results = {"machine": machine(), "settings": {**settings, "pooler": env["DATABASE_POOLER"]}}
    connection.close()
    port = free_port()
    processes = start(env, port)
    watch = Watch(processes, database_url())
    watch.start()
    load_started = datetime.datetime.now(datetime.UTC)
    print(f"Load: {settings['users']} people for {settings['minutes']} minutes…", flush=True)
    ledger = load(env, port, settings, secret, people_file, watch)
    print("Waiting for the queues to drain…", flush=True)
    drained = drain(settings["drain_minutes"])
    watch.stopping.set()
    watch.join()
    stop(processes)
    statuses = ledger["statuses"]
    results.update({
        "requests": soak_check.requests(SOAK / "locust_stats.csv"),
        "statuses": statuses,
        "statuses_by_kind": ledger["statuses_by_kind"],
        "server_errors": sum(n for s, n in statuses.items() if int(s) >= 500),
        "connection_errors": statuses.get("0", 0),
        "errors": ledger["errors"][:20],
        "sign_ins": {"done": ledger["sign_ins"], "failed": ledger["sign_ins_failed"]},
        "signed_out": ledger["signed_out"],
        "saves": soak_check.saves(ledger),
        "transitions": ledger["transitions"],
        "documents": soak_check.documents(ledger, load_started, drained),
        "monthly_run": soak_check.monthly_run(ledger, month),
        "renders_by_worker": soak_check.renders_by_worker(SOAK / "logs"),
        "memory_mib": watch.memory,
        "database_connections": watch.connections,
    })  # fmt: skip
    results["failures"] = verdict(results)
    results["passed"] = not results["failures"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    summary(results)
    sys.exit(0 if results["passed"] else 1)


def summary(results):
    every = results["requests"].get("all requests", {})
    saves, documents, run = results["saves"], results["documents"], results["monthly_run"]
    print(
        f"\n{every.get('count')} requests, median {every.get('median_ms')} ms, p95 "
        f"{every.get('p95_ms')} ms, p99 {every.get('p99_ms')} ms; 5xx: "
        f"{results['server_errors']}\nSaves acknowledged {saves['acknowledged']}, lost "
        f"{saves['lost']}, conflicts answered 409: {saves['conflicts_409']}\nDocuments: "
        f"{documents['asked_for_during_the_soak']} asked for, {documents['done']} done, "
        f"{documents['failed']} failed, {documents['stuck']} stuck\nMonthly run: "
        f"{run.get('rendered')} rendered in {run.get('wall_seconds')} s "
        f"({run.get('documents_per_minute')} a minute)\nDatabase connections, peak: "
        f"{results['database_connections']['peak']}\n"
        + ("PASSED" if results["passed"] else "FAILED: " + "; ".join(results["failures"]))
        + "\nWritten bench/results/soak.json."
    )


if __name__ == "__main__":
    main()
