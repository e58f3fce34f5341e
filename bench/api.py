"""The read API at scale (issue 21; make bench's "api" part): the RAG table of every
project's 24 months, as Power BI would read it, by a director's token.

`measure(runs)` times its JSON pages (1,000 rows each, the most a page holds), and the whole
table as one CSV and one Excel feed, and gives rows per second (medians of `runs`).
"""

import csv
import io
import statistics
import time

PAGE = 1000


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:200]}")
    return response, seconds


def measure(director, runs=3):
    from django.test import Client

    from projects import api_tokens

    token = api_tokens.create(director, "bench", 1)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    first, _ = timed(client, f"/api/v1/rag-ratings/?page_size={PAGE}")
    rows = first.json()["count"]
    pages = -(-rows // PAGE)
    results = {"rag_rows": rows}
    # Power BI reading the JSON page by page: the first, a middle and the last page.
    for name, page in (("first", 1), ("middle", max(1, pages // 2)), ("last", pages)):
        url = f"/api/v1/rag-ratings/?page_size={PAGE}&page={page}"
        seconds = [timed(client, url)[1] for _ in range(runs)]
        results[f"json_page_{name}_ms"] = round(statistics.median(seconds) * 1000, 1)
    for fmt in ("csv", "xlsx"):
        seconds = []
        for _ in range(runs):
            response, spent = timed(client, f"/api/v1/rag-ratings/?format={fmt}")
            seconds.append(spent)
        if fmt == "csv":
            text = response.content.decode("utf-8").removeprefix("\ufeff")
            fed = sum(1 for _ in csv.reader(io.StringIO(text))) - 1
            if fed != rows:
                raise RuntimeError(f"the CSV feed held {fed} rows, not {rows}")
        median = statistics.median(seconds)
        results[f"{fmt}_seconds"] = round(median, 2)
        results[f"{fmt}_rows_per_s"] = round(rows / median)
        results[f"{fmt}_mib"] = round(len(response.content) / 2**20, 1)
    positions = [timed(client, "/api/v1/positions/?page_size=1000")[1] for _ in range(runs)]
    results["positions_page_ms"] = round(statistics.median(positions) * 1000, 1)
    return results
