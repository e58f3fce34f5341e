"""One PDF measurement in a process of its own, so its peak RSS is its own.

    python bench/pdf.py ours KIND PARAMS_JSON HTML_OUT WARM_PARAMS_JSON
    python bench/pdf.py floor HTML_IN OPTIONS_JSON WARM_HTML STATIC_DIR

`ours` renders a document as a worker does (resolve, gather, template, WeasyPrint) and
saves the final HTML; `floor` gives that HTML to WeasyPrint alone, its relative URLs (the
stylesheet) resolved against the collected static files. Each first renders a highlight
report, untimed, as a worker that has been running a while has (templates compiled, fonts
loaded, a database connection open); `ours` also settles its memory as a worker process does
(reports/worker_memory.py). Each prints one JSON line: seconds, pages, peak RSS.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path


def peak_rss_mib():
    """This process's peak resident memory. Linux carries ru_maxrss across exec, so a child
    of the (large) bench process would report the parent's peak; VmHWM starts afresh."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def ours(kind, params, html_out, warm):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    from reports import kinds, rendering, services, worker_memory
    from reports.worker import render_document

    # As a worker process: what it does when it starts, and after its first document.
    worker_memory.process_started()
    warm_spec = kinds.get_kind("highlight_report")
    services.render_source("highlight_report", warm_spec.resolve(warm), warm)
    worker_memory.document_done(sender=render_document, retval="done")
    spec = kinds.get_kind(kind)
    started = time.perf_counter()
    source = spec.resolve(params)
    pdf, _fingerprint, _ = services.render_source(kind, source, spec.params_for(source, params))
    seconds = time.perf_counter() - started
    static = Path(settings.STATIC_ROOT).resolve().as_uri() + "/"
    # Print templates link their stylesheet relative to STATIC_BASE; absolute links too.
    Path(html_out).write_text(pdf.html.replace(rendering.STATIC_BASE, static))
    Path(html_out).with_suffix(".pdf").write_bytes(pdf.content)
    options = spec.pdf_options
    return {"seconds": seconds, "pages": pdf.pages, "options": options}


def floor(html_in, options, warm_html, static_dir):
    from weasyprint import HTML

    base = Path(static_dir).resolve().as_uri() + "/"
    HTML(filename=warm_html, base_url=base).write_pdf()
    started = time.perf_counter()
    document = HTML(filename=html_in, base_url=base).render(**options)
    document.write_pdf(**options)
    return {"seconds": time.perf_counter() - started, "pages": len(document.pages)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "ours":
        result = ours(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], json.loads(sys.argv[5]))
    else:
        result = floor(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5])
    print(json.dumps({**result, "peak_rss_mib": peak_rss_mib()}))
