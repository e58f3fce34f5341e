"""Risks that go outside appetite are told to the channel (projects/channels.py): each
write that can move a risk's residual score, status or category (the risk form, a review,
an import) is watched, and only those that were inside appetite before it are named."""

import contextlib

from projects import channels, markings

from . import scoring
from .models import Risk


class Watch:
    """What a write says it wrote: only those risks are told of, so a risk someone else
    took outside meanwhile (and whose write tells of it) is not told twice."""

    def __init__(self):
        self.written = None

    def wrote(self, **lookup):
        self.written = lookup


@contextlib.contextmanager
def watching_appetite(register):
    """Around a write to `register`'s risks, inside its transaction; the write names what it
    wrote (`watch.wrote(pk=…)`). The message is posted once the transaction commits (never
    for a rolled-back write, such as an import's preview)."""
    risks = Risk.objects.filter(register=register)
    before = set(scoring.beyond_appetite(risks).values_list("pk", flat=True))
    watch = Watch()
    yield watch
    if watch.written is None:
        return
    newly = list(
        scoring.beyond_appetite(risks.filter(**watch.written)).exclude(pk__in=before).order_by("pk")
    )
    if not newly:
        return
    page = newly[0] if len(newly) == 1 else register
    channels.risks_outside_appetite(
        register, register.project, newly, page.get_absolute_url(), markings.marking_of(register)
    )
