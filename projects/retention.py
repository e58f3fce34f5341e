"""The retention schedule (issue 22): how long each kind of record is kept, what falls due,
legal holds, and the nightly removal that records what it removed and why.

Each app says which of its records the schedule covers, beside its models
(projects/retained.py, risks/retention.py, businessplan/retention.py, reports/retention.py),
with `records(...)`: a default period, the date it counts from, the reason, what is due by
a day and what each due record sits under (the project, register or plan a legal hold is
placed on). The rows the PMO edits are RetentionRule; a kind with no row yet gets its
default the first time the schedule is read.

Removing a record removes what cascades from it, the history of all of it, the documents
printed from it (reports/retention.py says which) and their files once the transaction
commits: a report's approved PDF goes with its report, never before or after it.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from . import audit
from .models import LegalHold, RetentionRule
from .periods import months_later

logger = logging.getLogger(__name__)

LOOK_AHEAD_DAYS = 30  # what the schedule's page lists as coming
# A rule new or changed removes nothing for this long: whatever goes was listed first.
NOTICE_DAYS = LOOK_AHEAD_DAYS
LISTED = 25  # records named in an audit event; the rest are counted


@dataclass(frozen=True)
class Records:
    """One kind of record the schedule covers, as an app registers it."""

    key: str
    label: str
    amount: int
    unit: str
    counted_from: str  # e.g. "after the project closed"
    reason: str
    order: int
    due: object  # due(rule, until) -> iterable of Due, oldest first


@dataclass
class Due:
    """One record that falls due: what it is, when, and what a legal hold would be placed on."""

    obj: object
    label: str
    due_on: datetime.date
    url: str = ""
    under: tuple = ()  # the records whose legal hold covers it (its project, register …)
    held_by: LegalHold | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Fixed:
    """A line of the schedule a setting decides (the audit, leavers) or that lies outside
    Highlight (backups): shown with its reason, changed where it says."""

    label: str
    period: str
    reason: str


KINDS = {}
DEPENDANTS = []  # functions(removed: {model: pks}) -> querysets removed with them
HOLDABLE = []  # (label, function() -> queryset) of what a legal hold may be placed on
FIXED = []
FILES = {}  # model: function(pks) -> [Path] of files kept beside its rows, not in a FileField


def records(key, label, *, amount, unit, counted_from, reason, order):
    """Decorator for an app's due(rule, until) function: a kind of record on the schedule."""

    def register(due):
        KINDS[key] = Records(key, label, amount, unit, counted_from, reason, order, due)
        return due

    return register


def removed_with(function):
    """Register what goes with removed records (their documents, their imports)."""
    DEPENDANTS.append(function)
    return function


def files_of(model, function):
    FILES[model] = function


def holdable(label, queryset):
    HOLDABLE.append((label, queryset))


def fixed(label, period, reason):
    FIXED.append((label, period, reason))


def fixed_lines():
    """The schedule's lines a setting decides, with their periods as configured now."""
    return [Fixed(label, period(), reason()) for label, period, reason in FIXED]


# --- The schedule ---------------------------------------------------------------------


def schedule():
    """[(Records, RetentionRule)] in the schedule's order; a missing rule gets its default."""
    rules = {rule.records: rule for rule in RetentionRule.objects.all()}
    rows = []
    for kind in sorted(KINDS.values(), key=lambda kind: kind.order):
        rule = rules.get(kind.key)
        if rule is None:
            rule, _ = RetentionRule.objects.get_or_create(
                records=kind.key,
                defaults={"amount": kind.amount, "unit": kind.unit, "reason": kind.reason},
            )
        rows.append((kind, rule))
    return rows


def rule_for(key):
    return {kind.key: rule for kind, rule in schedule()}[key]


def expires(rule, start):
    """The day a record whose period started on `start` falls due."""
    if rule.unit == RetentionRule.Unit.DAYS:
        return start + datetime.timedelta(days=rule.amount)
    return months_later(start, rule.amount * (12 if rule.unit == RetentionRule.Unit.YEARS else 1))


def latest_start(rule, until):
    """The latest start whose period has ended by `until` (a day or two generous for
    months: callers keep only what expires(...) says is due)."""
    if rule.unit == RetentionRule.Unit.DAYS:
        return until - datetime.timedelta(days=rule.amount)
    months = rule.amount * (12 if rule.unit == RetentionRule.Unit.YEARS else 1)
    return months_later(until, -months) + datetime.timedelta(days=3)


def due_items(kind, rule, until):
    """What of `kind` is due by `until` (a day), each marked with the live hold covering it."""
    holds = live_holds()
    notice = rule.in_force_from + datetime.timedelta(days=NOTICE_DAYS)
    items = []
    for item in kind.due(rule, until):
        item.due_on = max(item.due_on, notice)
        if item.due_on > until:
            continue
        item.held_by = next((holds[key] for key in map(hold_key, item.under) if key in holds), None)
        items.append(item)
    return items


def coming(days=LOOK_AHEAD_DAYS, today=None):
    """[(Records, RetentionRule, [Due])] of what falls due in the next `days` days (and what
    is overdue: held, or left by a run that has not happened yet)."""
    until = (today or timezone.localdate()) + datetime.timedelta(days=days)
    return [(kind, rule, due_items(kind, rule, until) if rule.active else [])
            for kind, rule in schedule()]  # fmt: skip


# --- Legal holds ------------------------------------------------------------------------


def hold_key(obj):
    if isinstance(obj, tuple):
        return obj  # (content type id, pk) already
    return (ContentType.objects.get_for_model(obj).pk, obj.pk)


def live_holds():
    return {(hold.target_type_id, hold.target_id): hold
            for hold in LegalHold.objects.filter(lifted_at__isnull=True)}  # fmt: skip


def hold_of(obj):
    """The live hold placed on `obj` itself, or None."""
    content_type, pk = hold_key(obj)
    return LegalHold.objects.filter(
        target_type_id=content_type, target_id=pk, lifted_at__isnull=True
    ).first()


def place_hold(obj, reason, by, request=None):
    hold = LegalHold.objects.create(
        target=obj, target_name=str(obj)[:300], reason=reason, placed_by=by
    )
    audit.record(audit.Kind.LEGAL_HOLD, request=request, actor=by, obj=obj,
                 description=f"Legal hold placed: {reason}"[:2000])  # fmt: skip
    return hold


def lift_hold(hold, reason, by, request=None):
    """Lift a live hold; False when someone lifted it first."""
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=by, lift_reason=reason
    )
    if lifted:
        audit.record(audit.Kind.LEGAL_HOLD, request=request, actor=by,
                     object_type=hold.target_type.model_class()._meta.label_lower,
                     object_id=str(hold.target_id), object_repr=hold.target_name,
                     description=f"Legal hold lifted: {reason}"[:2000])  # fmt: skip
    return bool(lifted)


# --- Removal ----------------------------------------------------------------------------


def apply(today=None):
    """Remove what is due today under each active rule, unless a legal hold covers it, and
    record in the audit what went and why. Returns {rule key: number removed}."""
    today = today or timezone.localdate()
    removed = {}
    for kind, rule in schedule():
        removed[kind.key] = 0
        if not rule.active:
            continue
        items = due_items(kind, rule, today)
        going = [item for item in items if item.held_by is None]
        held = len(items) - len(going)
        if going or held:
            with transaction.atomic():
                files = remove([item.obj for item in going])
            record_removal(kind, rule, going, held, files)
        removed[kind.key] = len(going)
    return removed


def remove(objects):
    """Delete `objects`, what cascades from them, what goes with them and all their history;
    their files go once the transaction commits. Returns the number of files."""
    if not objects:
        return 0
    collector = Collector(using=router.db_for_write(type(objects[0])))
    collector.collect(objects)
    for dependants in DEPENDANTS:
        for queryset in dependants(gathered(collector)):
            collector.collect(list(queryset))
    going = gathered(collector)
    files = [name for model, pks in going.items() for name in file_names(model, pks)]
    files += [path for model, pks in going.items() if model in FILES for path in FILES[model](pks)]
    collector.delete()
    for model, pks in going.items():
        history = getattr(model, "history", None)
        if history is not None and pks:
            # After the delete: django-simple-history writes a "deleted" entry as it goes.
            history.model.objects.filter(**{f"{model._meta.pk.attname}__in": pks}).delete()
    transaction.on_commit(lambda: delete_files(files))
    return len(files)


def gathered(collector):
    """{model: [pk]} of everything the collector will delete."""
    going = {}
    for model, instances in collector.data.items():
        going.setdefault(model, []).extend(obj.pk for obj in instances)
    for queryset in collector.fast_deletes:
        going.setdefault(queryset.model, []).extend(queryset.values_list("pk", flat=True))
    return going


def file_names(model, pks):
    fields = [
        f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "FileField"
    ]
    names = []
    for field_name in fields:
        values = model._base_manager.filter(pk__in=pks).exclude(**{field_name: ""})
        names += [(model, field_name, name) for name in values.values_list(field_name, flat=True)]
    return names


def delete_files(files):
    for file in files:
        try:
            if isinstance(file, tuple):
                model, field_name, name = file
                model._meta.get_field(field_name).storage.delete(name)
            else:
                file.unlink(missing_ok=True)
        except OSError:
            logger.exception("Could not delete %s; the record it belonged to is gone", name)


def record_removal(kind, rule, going, held, files):
    named = ", ".join(item.label for item in going[:LISTED])
    more = f" and {len(going) - LISTED} more" if len(going) > LISTED else ""
    text = (
        f"{kind.label}, kept {rule.period} {kind.counted_from}: removed {len(going)}"
        + (f" ({named}{more})" if going else "")
        + (f", with {files} file(s)" if files else "")
        + (f"; {held} held by a legal hold and kept" if held else "")
        + f". Why: {rule.reason}"
    )
    audit.record(audit.Kind.RETENTION, object_type="projects.retentionrule",
                 object_id=str(rule.pk), object_repr=kind.label, description=text)  # fmt: skip
