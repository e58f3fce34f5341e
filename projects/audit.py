"""The audit of who saw and did what (DESIGN.md; issue 17): sign-ins and failures, sign-outs,
downloads and exports, imports, changes of rights and sponsors, passwords set by a superuser,
admin actions, restores.

Events are written by `record`. Pages that hand out data call it themselves; what can happen
anywhere (a sign-in, a group changed in the admin, a sponsor changed on a form or in the
admin) is caught by the receivers in `connect`, which learn who acted and from where from
the request being served (`AuditMiddleware`). Outside a request (a command, a task) the
actor is whoever the caller names, or nobody.
"""

import contextlib
import contextvars
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent

Kind = AuditEvent.Kind
Outcome = AuditEvent.Outcome

_request = contextvars.ContextVar("audit_request", default=None)
# Who a task acts for, where no request is served (an import confirmed on a page and run
# by a worker): the receivers' events name them, as the page's own would.
_acting = contextvars.ContextVar("audit_acting", default=(None, None))


@contextlib.contextmanager
def acting_as(user, address=None):
    token = _acting.set((user, address))
    try:
        yield
    finally:
        _acting.reset(token)


class AuditMiddleware:
    """Makes the request being served known to the receivers below, which Django calls
    without it (a group added in the admin, a sponsor changed by a form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_request():
    return _request.get()


def client_address(request):
    """The address the request came from. Behind PROXY_COUNT proxies of our own, the one the
    first of them saw (X-Forwarded-For, read from the right: anything further left was
    written by the client and proves nothing)."""
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return _address(forwarded[-proxies])
    return _address(request.META.get("REMOTE_ADDR"))


def _address(text):
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(text)
    except Exception:
        return None
    return text


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(kind, *, request=None, actor=None, actor_name="", obj=None, outcome=Outcome.SUCCESS,
           description="", object_type="", object_id="", object_repr="", address=None):  # fmt: skip
    """Write one event. `request` (or the one being served) gives the actor and address
    unless `actor` (or `address`) is named; `obj` names the object, or the object_*
    arguments do."""
    request = request or current_request()
    acting, acting_address = _acting.get() if request is None else (None, None)
    actor = actor or _signed_in(request) or acting
    address = address or acting_address
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=visible(actor.get_username() if actor else actor_name)[:150],
        object_type=object_type[:100],
        object_id=visible(str(object_id))[:64],
        object_repr=visible(object_repr)[:300],
        address=_address(address) if address else client_address(request),
        outcome=outcome,
        description=visible(description, keep="\n"),
    )


def visible(text, keep=""):
    """Text as typed, with control and formatting characters shown as escapes: a right-to-
    left override or a zero-width space in a typed username must not make one event read as
    another on the page or in the export."""
    return "".join(
        f"\\u{ord(c):04x}"
        if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c not in keep
        else c
        for c in text
    )


# Migration 0011's trigger: PostgreSQL refuses any change to an event, and any removal but
# the retention task's.
GUARD = "projects_auditevent_append_only"


def guard_installed():
    """Whether PostgreSQL refuses changes to the audit (the trigger is there and enabled).
    True on SQLite, which has no trigger: the model alone refuses there."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D' "
            "AND tgrelid = to_regclass(%s)",
            [GUARD, AuditEvent._meta.db_table],
        )
        return cursor.fetchone() is not None


def check_guard(app_configs=None, databases=None, **kwargs):
    """`manage.py check --database default`: the audit is append-only on this database."""
    from django.core.checks import Error
    from django.db.utils import DatabaseError

    if not databases or "default" not in databases or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [AuditEvent._meta.db_table])
            migrated = cursor.fetchone()[0] is not None
    except DatabaseError:
        return []  # no database yet: migrate creates it, trigger and all
    if not migrated or guard_installed():
        return []
    return [Error(
        f"The audit's trigger {GUARD} is missing or disabled: audit events can be changed.",
        hint="Re-create it with the SQL in projects/migrations/0011_audit_event.py "
        "(APPEND_ONLY), as the database's owner.",
        id="projects.E001",
    )]  # fmt: skip


# What the retention schedule destroyed, and the legal holds, are the record of destruction:
# they outlive the audit's own retention.
KEPT_FOR_GOOD = (Kind.RETENTION, Kind.LEGAL_HOLD, Kind.RETENTION_RULE)


def retention_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)


@contextlib.contextmanager
def anonymising():
    """Inside a transaction: the one change the audit allows, a leaver's name replaced in
    its text (projects/anonymise.py). PostgreSQL's trigger checks nothing else changes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL highlight.audit_anonymise = 'on'")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL highlight.audit_anonymise = 'off'")


def rewrite(events, **values):
    """The audit queryset's own update refuses; anonymising goes round it, knowingly."""
    return models.QuerySet.update(events, **values)


def remove_expired(now=None):
    """Remove events older than AUDIT_RETENTION_DAYS (except KEPT_FOR_GOOD) and record that
    this ran. On PostgreSQL
    the table's trigger refuses any DELETE unless the transaction says it is this task."""
    cutoff = retention_cutoff(now)
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL highlight.audit_retention = 'on'")
        cursor.execute(
            f"DELETE FROM {table} WHERE at < %s AND kind NOT IN %s",  # noqa: S608 # nosec B608: our table's name
            [cutoff, KEPT_FOR_GOOD],
        )
        removed = cursor.rowcount
    days = settings.AUDIT_RETENTION_DAYS
    before = f"{timezone.localtime(cutoff):%d/%m/%Y %H:%M}"
    record(
        Kind.RETENTION,
        description=f"Removed {removed} event(s) from before {before} (kept for {days} days).",
    )
    return removed


def record_import(target, name, outcome, *, request=None, actor=None, where="on its page",
                  address=None):  # fmt: skip
    """An import that wrote something, or that was refused with errors."""
    refused = bool(outcome.errors)
    record(
        Kind.IMPORT,
        request=request,
        actor=actor,
        address=address,
        obj=target,
        outcome=Outcome.REFUSED if refused else Outcome.SUCCESS,
        description=(
            f"{name[:200]} {where}: "
            + (
                f"refused, {len(outcome.errors)} error(s); nothing was imported."
                if refused
                else f"{outcome.rows} row(s): {outcome.created} created, {outcome.updated} "
                f"updated, {outcome.unchanged} unchanged."
            )
        ),
    )
