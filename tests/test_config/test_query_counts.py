"""Every page `make bench` times costs the same number of queries for 10 projects as for
200 (and a register of 30 risks as of 120): CI's guard against a query per row creeping
in. The bench measures the time; this keeps the count from growing with the data."""

import importlib.util
import io
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queries_per_page(bench, director):
    counts = {}
    for name, url, user in bench.page_targets(director):
        client = Client()
        client.force_login(user)
        client.get(url)  # per-process lookups (content types) made, as on a running server
        cache.clear()  # the work of the first reader, not a cache read
        counts[name], _ms = bench.count_queries(client, url)
    return counts


def test_page_queries_do_not_grow_with_the_portfolio(db):
    bench = load_bench()
    director = bench.bench_people()
    counts = {}
    for projects, risks in ((10, 30), (200, 120)):
        call_command(
            "seed_scale",
            allow_live=True,
            projects=projects,
            months=3,
            risks_per_project=2,
            activities=60,
            seed=1,
            last_month=bench.LAST_MONTH,
            stdout=io.StringIO(),
        )
        bench.bench_register(risks)
        counts[projects] = queries_per_page(bench, director)
    assert set(counts[10]) >= {"dashboard", "programme", "project", "report_edit", "documents"}
    assert counts[200] == counts[10]
