"""Protective markings: which one an object carries, and which a page or an email shows.

A project, register or plan carries its own marking or, when it has none, the organisation's
default; a report carries its project's; anything that holds several things carries the
highest of theirs. Pages that show many objects (the dashboard, lists) carry the highest
marking anything in Highlight carries, as a system-high banner does.
"""

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from .models import Marking, Organisation, highest

IN_USE_KEY = "highlight:marking-in-use"
# The models that carry a marking of their own; each app adds its own (track()).
MARKED = []


def marking_of(obj):
    """The marking an object carries (a report: its project's)."""
    own = getattr(obj, "marking", None)
    if own is None and hasattr(obj, "project_id") and not hasattr(obj, "marking_id"):
        own = obj.project.marking
    return Organisation.current().marking_of(own)


def highest_of(objects):
    """The marking of something that holds all these objects (a board pack)."""
    default = Organisation.current().default_marking
    return highest([marking_of(obj) for obj in objects]) or default


def highest_of_ids(marking_ids):
    """The highest of some objects' marking ids, where None stands for the default."""
    default = Organisation.current().default_marking
    ids = {default.pk if pk is None else pk for pk in marking_ids} or {default.pk}
    return highest(Marking.objects.filter(pk__in=ids)) or default


def in_use():
    """The highest marking anything carries: the banner of pages that show many things."""
    level = cache.get(IN_USE_KEY)
    if level is None:
        carried = Q(pk=Organisation.current().default_marking_id)
        for model in MARKED:
            carried |= Q(pk__in=model.objects.filter(marking__isnull=False).values("marking"))
        level = Marking.objects.filter(carried).order_by("-level", "-name").first()
        cache.set(IN_USE_KEY, level, 3600)
    return level


def mark_workbook(book, marking):
    """Print the marking in the header and footer of every sheet: on paper it heads each
    page, and it is not a row, so an export still imports as it is."""
    for sheet in book.worksheets:
        for header_footer in (sheet.oddHeader, sheet.oddFooter):
            header_footer.center.text = str(marking)
            header_footer.center.font = "Arial,Bold"


def subject(marking, text):
    """An email subject naming the marking of what it is about."""
    return f"[{marking}] {text}"


def forget_in_use(sender, **kwargs):
    cache.delete(IN_USE_KEY)


def track(model):
    """Called from each app's ready() for its models that carry a marking: re-marking one
    changes the banner of pages that show many things."""
    if model not in MARKED:
        MARKED.append(model)
    for watched in (model, Marking, Organisation):
        uid = f"marking-in-use-{watched._meta.label}"
        post_save.connect(forget_in_use, sender=watched, dispatch_uid=uid)
        post_delete.connect(forget_in_use, sender=watched, dispatch_uid=f"{uid}-gone")
