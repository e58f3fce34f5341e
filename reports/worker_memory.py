"""Keeping Python's garbage collector off what a worker process holds for its whole life.

A worker holds some 170,000 long-lived objects: Django, WeasyPrint, the fonts it loaded, the
compiled templates. Each of Python's full collections walks them all, and a render makes
enough objects to start one or more: measured here (issue 23), that was 60 ms of a two-page
highlight report's 200 ms, and about 250 ms of a 10-project board pack's 1.3 s, a third
and a fifth more than WeasyPrint alone takes for the same HTML.

gc.freeze() moves every live object to a generation the collector never walks. A worker
process does it when it starts (everything imported) and once more after its first
document (fonts, stylesheets and templates then loaded). What is frozen is what the process
keeps anyway; whatever else it holds at those two moments is never collected, a bounded
cost once per process, and CELERY_WORKER_MAX_MEMORY_PER_CHILD and --max-tasks-per-child
replace a process in any case. A web process, and tasks run in-process, are left alone,
and so are the threads and gevent pools, which send no worker_process_init (Highlight's
workers use prefork; the tests' real workers, solo).
"""

import gc

from celery.signals import task_postrun, worker_process_init

RENDER_TASK = "reports.tasks.render_document"
_state = {"in_worker": False, "settled": False}


def freeze_what_is_alive():
    gc.collect()  # garbage is collected first, not frozen
    gc.freeze()


@worker_process_init.connect
def process_started(**_):
    """Sent in each worker process once it is ready for tasks (after the fork in prefork)."""
    _state.update(in_worker=True, settled=False)
    freeze_what_is_alive()


@task_postrun.connect
def document_done(sender=None, retval=None, **_):
    """After a task: once the first document is made in a worker process, what rendering
    loaded for good is frozen too."""
    if getattr(sender, "name", None) != RENDER_TASK or retval != "done":
        return
    if _state["in_worker"] and not _state["settled"]:
        _state["settled"] = True
        freeze_what_is_alive()
