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
import re

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone

from . import audit, personal_data
from .models import ApiToken, AuditEvent, User

TEXT_KINDS = {personal_data.NAME, personal_data.FREE_TEXT, personal_data.ACCOUNT,
              personal_data.CONTACT, personal_data.JOB, personal_data.SYSTEM_TEXT}  # fmt: skip
SHORTEST_TRACE = 4  # a shorter name or username would be replaced inside other words


def former_name(person):
    return f"Former member of staff {person.pk}"


def traces(person, holds=personal_data.FREE_TEXT):
    """What is replaced, longest first: the full name and the email; the username too in
    sign-in identifiers only ("mark" in free text may be the word, not the person)."""
    # "Zelda Quintrell, Head of Libraries", as reports print a person, goes whole; a name
    # someone else also has stays where it is written, since it may be theirs.
    found = {person.email.strip()}
    if not namesakes(person):
        found |= {person.name_and_role, person.get_full_name().strip()}
    if holds in (personal_data.ACCOUNT, personal_data.SYSTEM_TEXT):
        found.add(person.username)
    found = {t for t in found if len(t) >= SHORTEST_TRACE and t != former_name(person)}
    return sorted(found, key=len, reverse=True)


def namesakes(person):
    """Others with the same full name, not yet anonymised."""
    first, last = person.first_name.strip(), person.last_name.strip()
    if not (first or last):
        return User.objects.none()
    return User.objects.filter(first_name__iexact=first, last_name__iexact=last).exclude(
        pk=person.pk
    )


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
    return found


def matching(model, field, words, exact=False):
    if exact:  # a sign-in identifier: the whole value is the person's, or none of it is
        return model._default_manager.filter(**{f"{field.name}__in": words})
    if isinstance(field, models.JSONField):
        text = Cast(field.name, models.TextField())
        condition = Q()
        for word in words:
            condition |= Q(**{f"{field.name}_text__contains": json.dumps(word)[1:-1]})
        return model._default_manager.alias(**{f"{field.name}_text": text}).filter(condition)
    condition = Q()
    for word in words:
        condition |= Q(**{f"{field.name}__contains": word})
    return model._default_manager.filter(condition)


def preview(person):
    """{"app.Model.field": rows that would change}, for the page before anonymising."""
    counts = {}
    for model, field, holds in text_fields():
        words = traces(person, holds)
        exact = holds == personal_data.ACCOUNT
        count = matching(model, field, words, exact).count() if words else 0
        if count:
            counts[f"{model._meta.label}.{field.name}"] = count
    return counts


def replace_everywhere(person, new):
    for model, field, holds in text_fields():
        words = traces(person, holds)
        if not words:
            continue
        update = audit.rewrite if model is AuditEvent else models.QuerySet.update
        if holds == personal_data.ACCOUNT:
            update(matching(model, field, words, exact=True), **{field.name: new})
            continue
        rows = matching(model, field, words)
        if holds == personal_data.SYSTEM_TEXT:
            # "Made for mark": the username as a whole word only, never inside another.
            pattern = re.compile("|".join(rf"\b{re.escape(word)}\b" for word in words))
            for pk, value in rows.values_list("pk", field.name):
                update(model._default_manager.filter(pk=pk),
                       **{field.name: pattern.sub(new, value)})  # fmt: skip
            continue
        if isinstance(field, models.JSONField):
            for pk, value in rows.values_list("pk", field.name):
                text = json.dumps(value)
                for word in words:
                    text = text.replace(json.dumps(word)[1:-1], json.dumps(new)[1:-1])
                model._default_manager.filter(pk=pk).update(**{field.name: json.loads(text)})
            continue
        expression = F(field.name)
        for word in words:
            expression = Replace(expression, Value(word), Value(new))
        update(rows, **{field.name: expression})


@transaction.atomic
def anonymise(person, *, why, by=None):
    """Replace the person's name everywhere; returns the former name they now have."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return str(person)
    new = former_name(person)
    with audit.anonymising():
        replace_everywhere(person, new)
    for relation in ("emailaddress_set", "socialaccount_set", "authenticator_set"):
        if hasattr(person, relation):
            getattr(person, relation).all().delete()
    ApiToken.objects.filter(user=person).delete()
    person.first_name, person.last_name = "Former member of staff", str(person.pk)
    person.username, person.email = f"former-staff-{person.pk}", ""
    person.job_title = person.organisation_unit = ""
    person.set_unusable_password()
    person.is_active, person.anonymised_at = False, timezone.now()
    person.save()
    User.objects.filter(pk=person.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    audit.record(audit.Kind.RIGHTS, actor=by, actor_name="" if by else "Highlight",
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
    done = 0
    for person in leavers_due(today):
        days = settings.LEAVER_RETENTION_DAYS
        anonymise(person, why=f"{days} days after they left (LEAVER_RETENTION_DAYS)")
        done += 1
    return done
