"""`make bench`: how fast Highlight is at the size of a real organisation.

Seeds scale data (seed_scale) at each size in BENCH_SIZES, times the main pages through
Django's test client, loads the dashboard with wrk against gunicorn, renders the PDFs
against WeasyPrint's own time for the same HTML, and times the two spreadsheet imports.
Writes bench/results/latest.json (and a dated copy) and prints a table. bench/README.md
says how to read it.

Environment: BENCH_SIZES (default 100,1000), BENCH_DB (a database URL, or a database name
on DATABASE_URL's server; default highlight_bench there, or SQLite when DATABASE_URL is
unset), BENCH_REQUESTS (timed requests per page, default 30), BENCH_PDF_RUNS (default 3),
BENCH_WRK_SECONDS (default 30), BENCH_ONLY (some of pages,throughput,pdfs,imports,api).
"""

import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
WORK = BENCH / ".work"  # static files, media, saved HTML (git-ignored)
# The newest reports are last month's, as on a live system on the day the bench runs.
LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
REGISTER = "sc-bench-register"  # the register of the register, heat-map and PDF timings
PARTS = ("pages", "throughput", "pdfs", "imports", "api")  # BENCH_ONLY picks some of them
PARALLEL_PACKS = (
    "not built: parts rendered apart and merged lose the pack's PDF/UA structure tree "
    "(bench/README.md)"
)


def bench_database_url():
    named = os.environ.get("BENCH_DB", "")
    if "://" in named:
        return named
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        parts = urlsplit(base)
        return urlunsplit(parts._replace(path="/" + (named or "highlight_bench")))
    return f"sqlite:///{WORK / ((named or 'bench') + '.sqlite3')}"


def bench_environment():
    """Production settings (DEBUG off) on loopback, without TLS, with the bench database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "DATABASE_URL": bench_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_URL": "memorymail://",  # the onboarding import's invitations
        "CONN_MAX_AGE": "60",  # as docker-compose.yml runs it: one connection per process
        "LOG_LEVEL": "WARNING",
    }


def create_database(url):
    if not url.startswith("postgres"):
        return
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def median_p95(values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def machine():
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+)", meminfo.read_text())
        memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else ""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"SQLite {connection.Database.sqlite_version}"
    import django
    import weasyprint

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "weasyprint": weasyprint.__version__,
        "database": database,
        "commit": commit,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
    }


# --- data ---------------------------------------------------------------------------------


def seed(size):
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "seed_scale",
        projects=size,
        months=24,
        risks_per_project=5,
        activities=2000,
        seed=1,
        last_month=LAST_MONTH,
        allow_live=True,  # production settings (DEBUG off) on the bench's own database
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    return time.perf_counter() - started


def vacuum():
    """Dead rows cleared, as autovacuum keeps a live database. Each run deletes the last
    run's seed (and the imports' 5,000 risks); on a server with autovacuum off (this
    machine's) they piled up run after run, and the outside-appetite page, which reads every
    open risk, went from 31 to 45 ms over four runs without a line of its code changing."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def bench_people():
    from django.contrib.auth.models import Group

    from projects.models import User

    director, _ = User.objects.get_or_create(
        username="bench.director", defaults={"first_name": "Bench", "last_name": "Director"}
    )
    director.groups.add(Group.objects.get(name="Directors"))
    return director


def bench_register(rows, name="Bench register"):
    """A register of `rows` risks, loaded through the importer from the bench workbook.
    Named "SC …" so the next seed_scale clears it with the rest."""
    sys.path.insert(0, str(BENCH))
    import make_risk_register

    from projects.models import Project
    from risks.importers import import_register
    from risks.models import RiskMatrix, RiskRegister

    project = Project.objects.filter(code__startswith="SC", kind="project").order_by("pk")[0]
    register = RiskRegister.objects.create(
        name=f"SC {name}",
        slug=f"sc-{name.lower().replace(' ', '-')}",
        matrix=RiskMatrix.objects.get(name="4x4"),  # the layout the workbook is in
        owner=project.manager,
        project=project,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        make_risk_register.write(rows, path)
        started = time.perf_counter()
        outcome = import_register(register, path.read_bytes(), path.name)
        seconds = time.perf_counter() - started
    if outcome.errors or outcome.created != rows:
        raise SystemExit(f"The bench register did not import: {outcome.errors[:3]}")
    return register, seconds


# --- pages --------------------------------------------------------------------------------


def page_targets(director):
    """(name, url, user) for every page measured, chosen from the seeded data."""
    from django.db.models import Count
    from django.urls import reverse

    from businessplan.models import Section
    from projects.models import HighlightReport, Project

    programme = (
        Project.objects.filter(code__startswith="SC", kind="programme")
        .annotate(size=Count("children"))
        .order_by("-size", "code")
        .first()
    )
    project = Project.objects.filter(code__startswith="SC", kind="project").order_by("pk").first()
    draft = (
        HighlightReport.objects.filter(project__code__startswith="SC", status="draft")
        .select_related("project__manager")
        .order_by("pk")
        .first()
    )
    section = (
        Section.objects.filter(plan__year="2099-00")
        .annotate(size=Count("activities"))
        .order_by("-size", "order")
        .first()
    )
    give_a_plan(project)
    return [
        ("dashboard", reverse("projects:dashboard"), director),
        ("programme", programme.get_absolute_url(), director),
        ("project", project.get_absolute_url(), director),
        ("milestones", reverse("projects:milestones", args=[project.code]), director),
        ("money", reverse("projects:money", args=[project.code]), director),
        ("raid_log", reverse("projects:raid", args=[project.code]) + "?shown=all", director),
        (
            "report_edit",
            reverse("projects:report-edit", args=[draft.project.code, draft.period_slug]),
            draft.project.manager,
        ),
        ("risk_registers", reverse("risks:register-list"), director),
        ("risk_register", reverse("risks:register", args=[REGISTER]), director),
        # A heat-map cell clicked: the register filtered to its risks.
        (
            "heat_map",
            reverse("risks:register", args=[REGISTER]) + "?cell=residual-2-2",
            director,
        ),
        ("outside_appetite", reverse("risks:outside-appetite"), director),
        (
            "business_plan_section",
            reverse("businessplan:section", args=[section.plan.year, section.slug]),
            director,
        ),
        ("documents", reverse("reports:document-list"), director),
    ]


def give_a_plan(project):
    """A large project's plan, money and RAID log (issue 20), made once: 40 milestones, ten
    years of capital and revenue, and 120 RAID items, so their pages are timed full."""
    import datetime

    from projects.models import FinanceLine, Milestone, RaidItem

    if project.milestones.exists():
        return
    day = datetime.date(2024, 1, 8)
    Milestone.objects.bulk_create(
        Milestone(project=project, name=f"Stage {i} complete", key=i % 3 == 0,
                  baseline=day + datetime.timedelta(weeks=i), forecast=day
                  + datetime.timedelta(weeks=i, days=i % 5))
        for i in range(1, 41)
    )  # fmt: skip
    FinanceLine.objects.bulk_create(
        FinanceLine(project=project, year=2020 + i // 2, kind=("capital", "revenue")[i % 2],
                    budget=1_000_000_00, spent=400_000_00, forecast=1_050_000_00)
        for i in range(20)
    )  # fmt: skip
    kinds = [kind for kind, _ in RaidItem.Kind.choices]
    RaidItem.objects.bulk_create(
        RaidItem(project=project, kind=kinds[i % 5], number=i // 5 + 1, owner=project.manager,
                 title=f"Item {i}", raised_on=day, due=day + datetime.timedelta(days=i),
                 priority=i % 4 + 1)
        for i in range(120)
    )  # fmt: skip


def count_queries(client, url):
    """(SQL statements, milliseconds) of one request."""
    from django.db import connection

    queries = []

    def record(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    started = time.perf_counter()
    with connection.execute_wrapper(record):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries), (time.perf_counter() - started) * 1000


def time_page(url, user, requests):
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    client.force_login(user)
    count_queries(client, url)  # templates compiled, as on a server that has been running
    cache.clear()  # as for the first reader after a change
    uncached_queries, uncached_ms = count_queries(client, url)
    count_queries(client, url)
    queries, _ = count_queries(client, url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    median, p95 = median_p95(timings)
    return {
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
        "uncached_ms": round(uncached_ms, 1),
        "queries_uncached": uncached_queries,
    }


# --- throughput ---------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dashboard_throughput(director, seconds):
    """Requests per second of the dashboard under wrk against gunicorn with 2 workers."""
    from django.test import Client

    if shutil.which("wrk") is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    if shutil.which("wrk") is None:
        return None, "wrk is not installed (apt-get install wrk)"
    client = Client()
    client.force_login(director)
    cookie = client.cookies["sessionid"].value
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=bench_environment(),
    )
    try:
        url = f"http://127.0.0.1:{port}/dashboard/"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm = subprocess.run(
            ["wrk", "-t2", "-c4", "-d3s", "-H", f"Cookie: sessionid={cookie}", url],
            capture_output=True,
            text=True,
        )
        run = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: sessionid={cookie}", url],
            capture_output=True,
            text=True,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    output = warm.stdout + run.stdout
    if "Non-2xx" in run.stdout:
        return None, f"the dashboard did not answer 200 under load: {run.stdout.strip()}"
    found = re.search(r"Requests/sec:\s*([\d.]+)", run.stdout)
    if not found:
        return None, f"wrk gave no figure: {output.strip()} {run.stderr.strip()}"
    return float(found.group(1)), ""


# --- PDFs ---------------------------------------------------------------------------------


def pdf_run(args):
    result = subprocess.run(
        [sys.executable, str(BENCH / "pdf.py"), *args],
        cwd=ROOT,
        env=bench_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/pdf.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_pdf(name, kind, params, runs, warm):
    """`warm`: the params of a highlight report each process renders first, untimed."""
    html = WORK / "html" / f"{name}.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    warm_html = WORK / "html" / "warm.html"
    if not warm_html.exists():
        pdf_run(["ours", "highlight_report", json.dumps(warm), str(warm_html), json.dumps(warm)])
    ours = [
        pdf_run(["ours", kind, json.dumps(params), str(html), json.dumps(warm)])
        for _ in range(runs)
    ]
    options = json.dumps(ours[0]["options"])
    static = str(WORK / "static")
    floor = [pdf_run(["floor", str(html), options, str(warm_html), static]) for _ in range(runs)]
    seconds = statistics.median(r["seconds"] for r in ours)
    floor_seconds = statistics.median(r["seconds"] for r in floor)
    return {
        "seconds": round(seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "ratio": round(seconds / floor_seconds, 3),
        "pages": ours[0]["pages"],
        "peak_rss_mib": max(r["peak_rss_mib"] for r in ours),
        "floor_peak_rss_mib": max(r["peak_rss_mib"] for r in floor),
        "runs": runs,
    }


def pack_programme(size):
    """A programme of exactly `size` projects (the first ones seeded), for a board pack."""
    from projects.models import Project

    projects = Project.objects.filter(code__startswith="SC", kind="project").order_by("pk")
    first = projects.first()
    programme, _ = Project.objects.update_or_create(
        code=f"SCB{size}",
        defaults={
            "name": f"Bench programme of {size}",
            "kind": "programme",
            "manager": first.manager,
            "sponsor": first.sponsor,
        },
    )
    chosen = list(projects.values_list("pk", flat=True)[:size])
    if len(chosen) < size:
        raise SystemExit(f"A board pack of {size} projects needs BENCH_SIZES of {size} or more.")
    Project.objects.filter(pk__in=chosen).update(parent=programme)
    return programme


def measure_pdfs(runs):
    from projects.models import HighlightReport

    report = (
        HighlightReport.objects.filter(
            project__code__startswith="SC", status="approved", period_start=f"{LAST_MONTH}-01"
        )
        .order_by("pk")
        .first()
    )
    warm = {"project": report.project.code, "period": LAST_MONTH}
    (WORK / "html" / "warm.html").unlink(missing_ok=True)
    pdfs = {
        "highlight_report": measure_pdf("highlight_report", "highlight_report", warm, runs, warm),
        "risk_register_200": measure_pdf(
            "risk_register_200", "risk_register", {"register": REGISTER}, runs, warm
        ),
    }
    for size in (10, 50, 100):
        programme = pack_programme(size)
        pdfs[f"board_pack_{size}"] = measure_pdf(
            f"board_pack_{size}",
            "board_pack",
            {"programme": programme.code, "period": LAST_MONTH},
            1 if size == 100 else runs,
            warm,
        )
    return pdfs


# --- imports ------------------------------------------------------------------------------


def measure_imports():
    sys.path.insert(0, str(BENCH))
    import make_business_plan

    from businessplan.importers import import_plan
    from businessplan.models import Activity, ActivityUpdate, BusinessPlan, Section

    register, seconds = bench_register(5000, "Bench import")
    imports = {"risk_register_5000": {"rows": 5000, "rows_per_s": round(5000 / seconds)}}
    BusinessPlan.objects.filter(year="2098-99").delete()
    plan = BusinessPlan.objects.create(title="Bench import", year="2098-99")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        make_business_plan.write(10000, 10, path)
        started = time.perf_counter()
        outcome = import_plan(plan, path.read_bytes(), path.name)
        seconds = time.perf_counter() - started
    if outcome.errors:
        raise SystemExit(f"The bench plan did not import: {outcome.errors[:3]}")
    imports["business_plan_10000"] = {"rows": 10000, "rows_per_s": round(10000 / seconds)}
    import onboarding

    imports["onboarding"] = onboarding.measure()
    activities = Activity.objects.filter(section__plan=plan)
    for queryset in (
        Activity.aims.through.objects.filter(activity__in=activities),
        ActivityUpdate.objects.filter(activity__in=activities),
        activities,
        Section.objects.filter(plan=plan),
    ):
        queryset._raw_delete(queryset.db)
    plan.delete()
    return imports


# --- report -------------------------------------------------------------------------------


def table(results):
    lines = []
    sizes = sorted({size for page in results["pages"].values() for size in page}, key=int)
    head = "".join(f"  {s + ' projects':>26}" for s in sizes)
    lines.append(f"{'page':<24}{head}")
    lines.append(f"{'':<24}" + "".join(f"  {'median  p95  queries':>26}" for _ in sizes))
    for name, by_size in results["pages"].items():
        cells = ""
        for size in sizes:
            m = by_size.get(size)
            cells += f"  {m['median_ms']:>10.1f} {m['p95_ms']:>7.1f} {m['queries']:>7}"
        lines.append(f"{name:<24}{cells}")
    rps = results.get("dashboard_rps")
    lines.append("")
    lines.append(
        "dashboard under wrk, 2 gunicorn workers: "
        + (f"{rps:.0f} requests/s" if rps else results.get("dashboard_rps_note", ""))
    )
    lines.append("")
    lines.append(f"{'pdf':<24}{'s':>8}{'floor s':>9}{'ratio':>7}{'pages':>7}{'RSS MiB':>9}")
    for name, m in results.get("pdfs", {}).items():
        lines.append(
            f"{name:<24}{m['seconds']:>8.2f}{m['floor_seconds']:>9.2f}{m['ratio']:>7.2f}"
            f"{m['pages']:>7}{m['peak_rss_mib']:>9.0f}"
        )
    for name, why in results.get("pdfs_not_measured", {}).items():
        lines.append(f"{name:<24}{why}")
    lines.append("")
    for name, m in results.get("imports", {}).items():
        if "rows_per_s" in m:
            lines.append(f"import {name:<26}{m['rows']:>7} rows {m['rows_per_s']:>8} rows/s")
            continue
        for part, run in m.items():  # the PMO's first day, each import timed whole
            lines.append(f"import {name}: {part:<16}{run['rows']:>7} rows {run['seconds']:>8} s")
    if "api" in results:
        m = results["api"]
        lines.append("")
        lines.append(
            f"API RAG table, {m['rag_rows']:,} rows: JSON page of 1,000 "
            f"{m['json_page_first_ms']:.0f}/{m['json_page_middle_ms']:.0f}/"
            f"{m['json_page_last_ms']:.0f} ms (first/middle/last); CSV {m['csv_seconds']} s "
            f"({m['csv_rows_per_s']:,} rows/s); xlsx {m['xlsx_seconds']} s "
            f"({m['xlsx_rows_per_s']:,} rows/s); positions {m['positions_page_ms']:.0f} ms"
        )
    return "\n".join(lines)


def main():
    env = bench_environment()
    os.environ.update(env)
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "100,1000").split(",") if s.strip()]
    requests = int(os.environ.get("BENCH_REQUESTS", "30"))
    pdf_runs = int(os.environ.get("BENCH_PDF_RUNS", "3"))
    wrk_seconds = int(os.environ.get("BENCH_WRK_SECONDS", "30"))
    parts = set(os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",")) & set(PARTS)
    WORK.mkdir(parents=True, exist_ok=True)
    create_database(env["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    results = {"machine": machine(), "sizes": sizes, "pages": {}, "seed_seconds": {}}
    director = bench_people()
    for size in sizes if "pages" in parts else sizes[-1:]:
        print(f"Seeding {size} projects × 24 months…", flush=True)
        results["seed_seconds"][str(size)] = round(seed(size), 1)
        bench_register(200)
        vacuum()
        for name, url, user in page_targets(director) if "pages" in parts else []:
            print(f"  {name} at {size}", flush=True)
            results["pages"].setdefault(name, {})[str(size)] = time_page(url, user, requests)
    results["query_counts_constant"] = all(
        len({m["queries"] for m in by_size.values()}) == 1 for by_size in results["pages"].values()
    )
    if "throughput" in parts:
        print("Dashboard throughput…", flush=True)
        rps, note = dashboard_throughput(director, wrk_seconds)
        results["dashboard_rps"] = rps
        if note:
            results["dashboard_rps_note"] = note
    if "pdfs" in parts:
        print("PDFs…", flush=True)
        results["pdfs"] = measure_pdfs(pdf_runs)
        results["pdfs_not_measured"] = {"board_pack_100_parallel": PARALLEL_PACKS}
    if "imports" in parts:
        print("Imports…", flush=True)
        results["imports"] = measure_imports()
    if "api" in parts:
        print("API: the RAG table…", flush=True)
        import api

        results["api"] = api.measure(director)
    results["bench_seconds"] = round(time.perf_counter() - started)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2)
    if parts == set(PARTS):  # a partial run (BENCH_ONLY) only gets its dated file
        (RESULTS / "latest.json").write_text(text + "\n")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(text + "\n")
    print()
    print(table(results))
    written = "latest.json" if parts == set(PARTS) else f"{stamp}.json"
    print(f"\nWritten bench/results/{written} in {results['bench_seconds']} s.")


if __name__ == "__main__":
    main()
