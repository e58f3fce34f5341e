"""Protective markings: which one an object carries, and which a page or an email shows.

A project, register or plan carries its own marking or, when it has none, the organisation's
default; a report carries its project's; anything that holds several things carries the
highest of theirs. Pages that show many objects (the dashboard, lists) carry the highest
marking anything in Highlight carries, as a system-high banner does.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from .models import Marking, Organisation, Project, highest

IN_USE_KEY = "highlight:marking-in-use"
MARKINGS_KEY = "highlight:markings"
# The models that carry a marking of their own; each app adds its own (track()).
MARKED = []


def marking_of(obj):
    """The marking an object carries: its own; else, for a project's register, its
    project's; else the organisation's default. A report carries its project's."""
    if not hasattr(obj, "marking_id"):
        return marking_of(obj.project)  # a highlight report
    if obj.marking_id is not None:
        return all_markings().get(obj.marking_id) or obj.marking
    project = getattr(obj, "project", None)  # a register of a project
    if project is not None:
        return marking_of(project)
    return Organisation.current().default_marking


def shown_with(project):
    """The banner of a page about a project or its report: the highest of the project, the
    registers whose risks the page lists and, for a programme, its projects (and theirs).
    One query, whatever the kind of project."""
    ids = [project.marking_id]
    held = type(project).objects.filter(Q(pk=project.pk) | Q(parent=project.pk))
    for own, register in held.values_list("marking_id", "risk_registers__marking_id"):
        ids += [own, register or own]  # a register without a marking carries its project's
    return highest_of_ids(ids)


def rolled_up_ids(rollup):
    """The marking ids of the projects a programme report's roll-up prints (by code: they
    may have moved to another programme or closed since). One query; none without a
    roll-up."""
    codes = [row["code"] for row in (rollup or {}).get("projects", [])]
    if not codes:
        return []
    return list(Project.objects.filter(code__in=codes).values_list("marking_id", flat=True))


def highest_of_ids(marking_ids):
    """The highest of some objects' marking ids, where None stands for the default."""
    default = Organisation.current().default_marking
    known = all_markings()
    found = [known.get(pk) for pk in marking_ids if pk is not None]
    return highest([default, *found]) or default


def all_markings():
    """Every marking by id, cached with the organisation (a handful of rows)."""
    markings = cache.get(MARKINGS_KEY)
    if markings is None:
        markings = {marking.pk: marking for marking in Marking.objects.all()}
        cache.set(MARKINGS_KEY, markings, 3600)
    return markings


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
            # & starts a code in a header (&D is the date): written && it prints as itself.
            header_footer.center.text = str(marking).replace("&", "&&")
            header_footer.center.font = "Arial,Bold"


def subject(marking, text):
    """An email subject naming the marking of what it is about."""
    return f"[{marking}] {text}"


def forget_in_use(sender, **kwargs):
    for key in (IN_USE_KEY, MARKINGS_KEY):
        cache.delete(key)
    # A page read between the save and its commit could cache the old answer again.
    transaction.on_commit(lambda: cache.delete_many([IN_USE_KEY, MARKINGS_KEY]))


def track(model):
    """Called from each app's ready() for its models that carry a marking: re-marking one
    changes the banner of pages that show many things."""
    if model not in MARKED:
        MARKED.append(model)
    for watched in (model, Marking, Organisation):
        uid = f"marking-in-use-{watched._meta.label}"
        post_save.connect(forget_in_use, sender=watched, dispatch_uid=uid)
        post_delete.connect(forget_in_use, sender=watched, dispatch_uid=f"{uid}-gone")
