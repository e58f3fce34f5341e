"""Leavers anonymised in time (issue 22): once LEAVER_RETENTION_DAYS have passed since a
person's account was switched off (or at once, on their request, where the right to
erasure applies), their name, username, email and job title are replaced by "Former member
of staff N" everywhere Highlight keeps text: their account, every text field the data map
says may name people (history included), frozen report snapshots and the audit. Records
still read coherently: "approved by Former member of staff 12".

Approved PDFs already issued are not rewritten: they are the record as it was approved,
and the retention schedule removes them in their time. Nor are backups.
"""

import json

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from . import audit, personal_data
from .models import ApiToken, AuditEvent, User
from .traces import Traces, former_name

TEXT_KINDS = personal_data.NAMING


class StillHere(Exception):
    """The person is switched on (again), or has administration rights: nothing changed."""


def text_fields():
    """(model, field, what it holds) for every text field the data map says may name
    people, with the same field of each model's history."""
    found = []
    for label, marked in personal_data.collect().items():
        model = apps.get_model(label)
        models_here = [model] + ([model.history.model] if hasattr(model, "history") else [])
        for name, holds in marked.fields.items():
            if holds in TEXT_KINDS:
                found += [(m, m._meta.get_field(name), holds) for m in models_here
                          if any(f.name == name for f in m._meta.concrete_fields)]  # fmt: skip
        if len(models_here) > 1:  # "Re-baselined: …": why a change was made, as written
            history = models_here[1]
            found.append((history, history._meta.get_field("history_change_reason"),
                          personal_data.FREE_TEXT))  # fmt: skip
    return found


def preview(person):
    """{"app.Model.field": rows that would change}, for the page before anonymising:
    counted as anonymising finds them, row by row."""
    counts, traces = {}, Traces(person)
    for model, field, holds in text_fields():
        finder = traces.finder(holds)
        count = len(finder.rows(model, field)) if finder else 0
        if count:
            counts[f"{model._meta.label}.{field.name}"] = count
    return counts


def preview_rows(person):
    """[(record, field, rows)] as the PMO's page lists what anonymising would change."""
    rows = []
    for label, count in preview(person).items():
        model = apps.get_model(label.rsplit(".", 1)[0])
        field = model._meta.get_field(label.rsplit(".", 1)[1])
        rows.append((str(model._meta.verbose_name), str(field.verbose_name), count))
    return rows


def replace_everywhere(traces, new):
    for model, field, holds in text_fields():
        finder = traces.finder(holds)
        if not finder:
            continue
        update = audit.rewrite if model is AuditEvent else models.QuerySet.update
        is_json = isinstance(field, models.JSONField)
        own = finder.own_rows(model)
        for pk, value in finder.candidates(model, field).values_list("pk", field.name):
            if is_json:
                text = json.dumps(value, ensure_ascii=False)
                changed = json.loads(finder.sub(new, text, pk in own))
            else:
                changed = finder.sub(new, value, pk in own)
            if changed != value:
                update(model._default_manager.filter(pk=pk), **{field.name: changed})


@transaction.atomic
def anonymise(person, *, why, by=None, by_name="Highlight", left_by=None):
    """Replace the person's name everywhere; returns the former name they now have. With
    `left_by` (the nightly run), only if they are still switched off and left by then:
    someone switched back on meanwhile is left alone (None). On request, someone switched
    on or with administration rights is refused (StillHere), whenever that happened."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return str(person)
    if left_by and (person.is_active or not person.left_on or person.left_on > left_by):
        return None
    if person.is_active or person.is_staff or person.is_superuser:
        raise StillHere(f"{person} is switched on or has administration rights: nothing "
                        "was changed.")  # fmt: skip
    new, traces = former_name(person), Traces(person)
    # Their request's reference often names them: the audit keeps it without the name.
    why = traces.finder(personal_data.FREE_TEXT).sub(new, why)
    with audit.anonymising():
        replace_everywhere(traces, new)
    for relation in ("emailaddress_set", "socialaccount_set", "authenticator_set"):
        if hasattr(person, relation):
            getattr(person, relation).all().delete()
    ApiToken.objects.filter(user=person).delete()
    person.first_name, person.last_name = "Former member of staff", str(person.pk)
    person.username, person.email = f"former-staff-{person.pk}", ""
    person.job_title = person.organisation_unit = ""
    person.set_unusable_password()
    person.is_active, person.anonymised_at = False, timezone.now()
    person.is_staff = person.is_superuser = False
    person.save()
    User.objects.filter(pk=person.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    audit.record(audit.Kind.RIGHTS, actor=by, actor_name="" if by else by_name,
                 obj=person, description=f"Anonymised: {why}.")  # fmt: skip
    return new


def leavers_due(today=None):
    """Switched-off people whose LEAVER_RETENTION_DAYS have passed, not yet anonymised."""
    today = today or timezone.localdate()
    cutoff = today - timezone.timedelta(days=settings.LEAVER_RETENTION_DAYS)
    return User.objects.filter(is_active=False, anonymised_at=None, left_on__lte=cutoff)


def anonymise_leavers(today=None):
    """The daily run: each leaver due, one transaction each. Returns how many."""
    # Accounts switched off by a bulk update (no save) start their time today.
    User.objects.filter(is_active=False, left_on=None).update(left_on=timezone.localdate())
    today = today or timezone.localdate()
    cutoff = today - timezone.timedelta(days=settings.LEAVER_RETENTION_DAYS)
    done = 0
    for person in leavers_due(today):
        days = settings.LEAVER_RETENTION_DAYS
        why = f"{days} days after they left (LEAVER_RETENTION_DAYS)"
        done += anonymise(person, why=why, left_by=cutoff) is not None
    return done
