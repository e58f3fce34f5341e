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

import contextlib
import datetime
import logging
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.contenttypes.models import ContentType
from django.db import connection, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from . import audit
from .models import LegalHold, RetentionRule
from .periods import months_later
from .retention_removal import delete_files, file_names, forget_history, gathered

logger = logging.getLogger(__name__)

LOOK_AHEAD_DAYS = 30  # what the schedule's page lists as coming
# A rule new or changed removes nothing for this long: whatever goes was listed first.
NOTICE_DAYS = LOOK_AHEAD_DAYS
LISTED = 200  # records named in one audit event; more make more events
BATCH = 1000  # records removed in one transaction
HOLDS_LOCK = 2202_0001  # the advisory lock that settles legal holds during a removal


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
PARENTS = {}  # model: function(obj) -> the records it sits under (for legal holds)


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


def sits_under(model):
    """Decorator for function(obj) -> the records `obj` sits under: a legal hold on any of
    them, or on what they sit under in turn, covers it."""

    def register(function):
        PARENTS[model] = function
        return function

    return register


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
    holding = Holding(live_holds())
    notice = rule.in_force_from + datetime.timedelta(days=NOTICE_DAYS)
    items = []
    for item in kind.due(rule, until):
        item.due_on = max(item.due_on, notice)
        if item.due_on > until:
            continue
        item.held_by = holding.hold_over(item.obj)
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
    return (ContentType.objects.get_for_model(obj).pk, obj.pk)


def live_holds():
    return {(hold.target_type_id, hold.target_id): hold
            for hold in LegalHold.objects.filter(lifted_at__isnull=True)}  # fmt: skip


class Holding:
    """Which live hold, if any, covers a record: one on the record itself or on anything it
    sits under, transitively (a report's project and programme, a register's project and
    linked programmes, a board pack's projects). Remembers what it has looked up."""

    def __init__(self, holds):
        self.holds = holds
        self.covering = {}

    def hold_over(self, obj):
        if not self.holds or obj is None:
            return None
        key = hold_key(obj)
        if key not in self.covering:
            self.covering[key] = None  # a cycle ends here
            found = self.holds.get(key)
            parents = PARENTS.get(type(obj)._meta.concrete_model)
            for parent in parents(obj) if parents and found is None else ():
                found = self.hold_over(parent)
                if found:
                    break
            self.covering[key] = found
        return self.covering[key]


def hold_of(obj):
    """The live hold placed on `obj` itself, or None."""
    content_type, pk = hold_key(obj)
    return LegalHold.objects.filter(
        target_type_id=content_type, target_id=pk, lifted_at__isnull=True
    ).first()


@contextlib.contextmanager
def holds_settled():
    """Inside a transaction: no legal hold is placed or lifted until it commits, so the
    holds a removal read are the holds in force while it removes (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HOLDS_LOCK])
    yield


def place_hold(obj, reason, by, request=None):
    with transaction.atomic(), holds_settled():
        hold = LegalHold.objects.create(
            target=obj, target_name=str(obj)[:300], reason=reason, placed_by=by
        )
        audit.record(audit.Kind.LEGAL_HOLD, request=request, actor=by, obj=obj,
                     description=f"Legal hold placed: {reason}"[:2000])  # fmt: skip
    return hold


def lift_hold(hold, reason, by, request=None):
    """Lift a live hold; False when someone lifted it first."""
    with transaction.atomic(), holds_settled():
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


class RetentionFailed(Exception):
    """A rule could not be applied; the others were, and the audit says which failed."""


def apply(today=None):
    """Remove what is due today under each active rule, unless a legal hold covers it, and
    record in the audit what went and why. A rule that fails is recorded and the others
    still run. Returns {rule key: number removed}."""
    today = today or timezone.localdate()
    removed, failed = {}, []
    for kind, rule in schedule():
        removed[kind.key] = 0
        if not rule.active:
            continue
        try:
            removed[kind.key] = apply_rule(kind, rule, today)
        except SoftTimeLimitExceeded:
            raise  # the task's time is up: stop here; what was removed is committed
        except Exception as error:
            logger.exception("Retention rule %s failed; the others still run", kind.key)
            record_failure(kind, rule, error)
            failed.append(kind.label)
    if failed:
        raise RetentionFailed(f"Not applied: {', '.join(failed)} (see the audit).")
    return removed


def apply_rule(kind, rule, today):
    """Remove what is due under one rule, BATCH records to a transaction: a long backlog
    (the first night after an upgrade) makes progress even if the task's time runs out,
    and a hold placed meanwhile waits for one batch only."""
    items = due_items(kind, rule, today)
    held = sum(1 for item in items if item.held_by)
    going = [item for item in items if item.held_by is None]
    if not going:
        record_removal(kind, rule, [], held, 0)
        return 0
    total = 0
    for start in range(0, len(going), BATCH):
        batch = going[start : start + BATCH]
        with transaction.atomic(), holds_settled():
            removed, files = remove([item.obj for item in batch])
            pks = {obj.pk for obj in removed}
            gone = [item for item in batch if item.obj.pk in pks]
            kept = len(batch) - len(gone) + (held if start == 0 else 0)
            record_removal(kind, rule, gone, kept, len(files))
            transaction.on_commit(lambda files=files: delete_files(files))
        total += len(gone)
    return total


def remove(objects):
    """Delete `objects` not held (checked again here, under the holds' lock), what cascades
    from them, what goes with them and the history of all of it. Returns (the objects
    removed, the files to delete once the transaction commits)."""
    holding = Holding(live_holds())
    objects = [obj for obj in objects if holding.hold_over(obj) is None]
    if not objects:
        return [], []
    collector = Collector(using=router.db_for_write(type(objects[0])))
    collector.collect(objects)
    for dependants in DEPENDANTS:
        for queryset in dependants(gathered(collector)):
            collector.collect(list(queryset))
    going = gathered(collector)
    files = [name for model, pks in going.items() for name in file_names(model, pks)]
    files += [path for model, pks in going.items() if model in FILES for path in FILES[model](pks)]
    collector.delete()
    forget_history(going)
    return objects, files


def record_failure(kind, rule, error):
    audit.record(audit.Kind.RETENTION, object_type="projects.retentionrule",
                 object_id=str(rule.pk), object_repr=kind.label, outcome=audit.Outcome.FAILURE,
                 description=f"{kind.label}: nothing removed tonight ({error}).")  # fmt: skip


def record_removal(kind, rule, gone, held, files):
    """One audit event per LISTED records removed, naming each: the destruction log."""
    if not gone and not held:
        return
    total = len(gone)
    chunks = [gone[i : i + LISTED] for i in range(0, total, LISTED)] or [[]]
    for number, chunk in enumerate(chunks, 1):
        part = f", part {number} of {len(chunks)}" if len(chunks) > 1 else ""
        named = ", ".join(item.label for item in chunk)
        text = (
            f"{kind.label}, kept {rule.period} {kind.counted_from}: removed {total}{part}"
            + (f" ({named})" if chunk else "")
            + (f", with {files} file(s)" if files and number == 1 else "")
            + (f"; {held} held by a legal hold and kept" if held and number == 1 else "")
            + f". Why: {rule.reason}"
        )
        audit.record(audit.Kind.RETENTION, object_type="projects.retentionrule",
                     object_id=str(rule.pk), object_repr=kind.label, description=text)  # fmt: skip
