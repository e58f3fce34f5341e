"""A real Celery worker with a fault put in, for tests/test_reports/test_worker_faults.py.

    python -m tests.fault_worker [celery worker options]

HIGHLIGHT_FAULT chooses the fault; HIGHLIGHT_FAULT_DIR is where the worker leaves marks
for the test to wait on:

    hold-while-rendering  mark "rendering", then hold before WeasyPrint's PDF is written
    hold-after-writing    write the PDF, mark "written", then hold before it is recorded
    database-down         every render meets the database going away (a passing fault)
    (none)                a plain worker; each render marks "pid-<process id>", and adds
                          to "frozen-<process id>" how many objects the process had frozen
                          before it (reports/worker_memory.py)

Holding is a long sleep: the test kills the worker (SIGKILL) while it holds. The fault is
put into this process before Celery forks its pool, so the pool's children have it too.
"""

import gc
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import OperationalError  # noqa: E402

from config.celery import app  # noqa: E402
from reports import worker  # noqa: E402

FAULT = os.environ.get("HIGHLIGHT_FAULT", "")
MARKS = Path(os.environ.get("HIGHLIGHT_FAULT_DIR", "."))


def mark(name):
    (MARKS / name).write_text(str(os.getpid()))


def hold(name):
    mark(name)
    time.sleep(3600)


render_source, write_atomically, build_document = (
    worker.render_source,
    worker.write_atomically,
    worker.build_document,
)


def rendering_then_hold(*args, **kwargs):
    hold("rendering")
    return render_source(*args, **kwargs)


def writing_then_hold(path, content):
    write_atomically(path, content)
    hold("written")


def database_down(document):
    mark(f"attempt-{document.attempts}")
    raise OperationalError("server closed the connection unexpectedly")


def marking_pid(document):
    mark(f"pid-{os.getpid()}")
    with open(MARKS / f"frozen-{os.getpid()}", "a") as frozen:
        frozen.write(f"{gc.get_freeze_count()}\n")
    return build_document(document)


if FAULT == "hold-while-rendering":
    worker.render_source = rendering_then_hold
elif FAULT == "hold-after-writing":
    worker.write_atomically = writing_then_hold
elif FAULT == "database-down":
    worker.build_document = database_down
elif FAULT:
    sys.exit(f"unknown HIGHLIGHT_FAULT {FAULT!r}")
else:
    worker.build_document = marking_pid

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
