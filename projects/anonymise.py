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
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone

from . import audit, personal_data
from .models import ApiToken, AuditEvent, User

TEXT_KINDS = personal_data.NAMING
SHORTEST_TRACE = 4  # a shorter name or username would be replaced inside other words


def former_name(person):
    return f"Former member of staff {person.pk}"


def traces(person, holds=personal_data.FREE_TEXT):
    """What is replaced, longest first: the name (as reports print it with the role, then
    alone) and the email; the username only in sign-in identifiers and in text Highlight
    writes ("mark" in what people type may be the word, not the person). A name someone
    else also has stays where it is written, since it may be theirs."""
    found = {person.email.strip()}
    full = person.get_full_name().strip()
    if full and not namesakes(person).exists():
        found |= {full, f"{full}, {person.job_title or person.organisation_unit}".rstrip(", ")}
    if holds == personal_data.ACCOUNT or (
        holds == personal_data.SYSTEM_TEXT and len(person.username) >= SHORTEST_TRACE
    ):
        found.add(person.username)
    found = {t for t in found if t and t != former_name(person)}
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
        if len(models_here) > 1:  # "Re-baselined: …": why a change was made, as written
            history = models_here[1]
            found.append((history, history._meta.get_field("history_change_reason"),
                          personal_data.FREE_TEXT))  # fmt: skip
    return found


def matching(model, field, words, exact=False):
    """The rows whose field holds one of the words (in any case): as the whole value for a
    sign-in identifier, anywhere in it otherwise (JSON read as its text, both ways it may
    write an accented letter)."""
    condition = Q()
    if exact:
        for word in words:
            condition |= Q(**{f"{field.name}__iexact": word})
        return model._default_manager.filter(condition)
    name = field.name
    if isinstance(field, models.JSONField):
        name = f"{field.name}_text"
        written = {json.dumps(w)[1:-1] for w in words} | {json.dumps(w, ensure_ascii=False)[1:-1]
                                                          for w in words}  # fmt: skip
        words = sorted(written)
    for word in words:
        condition |= Q(**{f"{name}__icontains": word})
    if isinstance(field, models.JSONField):
        text = Cast(field.name, models.TextField())
        return model._default_manager.alias(**{name: text}).filter(condition)
    return model._default_manager.filter(condition)


def whole_words(words, username):
    """A function replacing the words, each only where it stands alone ("Ann Lee" is not in
    "Ann Leeson"): names and emails in any case, the username only as written ("alice"
    is not "Alice", who may be someone else)."""
    names = [w for w in words if w != username]
    patterns = []
    if names:  # never an empty pattern: it would match between every two letters
        either = "|".join(map(re.escape, names))
        patterns.append(re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.IGNORECASE))
    if username in words:
        patterns.append(re.compile(rf"(?<!\w){re.escape(username)}(?!\w)"))

    def sub(new, text):
        for pattern in patterns:
            text = pattern.sub(new, text)
        return text

    return sub


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


def preview_rows(person):
    """[(record, field, rows)] as the PMO's page lists what anonymising would change."""
    rows = []
    for label, count in preview(person).items():
        model = apps.get_model(label.rsplit(".", 1)[0])
        field = model._meta.get_field(label.rsplit(".", 1)[1])
        rows.append((str(model._meta.verbose_name), str(field.verbose_name), count))
    return rows


def replace_everywhere(person, new):
    for model, field, holds in text_fields():
        words = traces(person, holds)
        if not words:
            continue
        update = audit.rewrite if model is AuditEvent else models.QuerySet.update
        if holds == personal_data.ACCOUNT:
            update(matching(model, field, words, exact=True), **{field.name: new})
            continue
        sub = whole_words(words, person.username)
        is_json = isinstance(field, models.JSONField)
        for pk, value in matching(model, field, words).values_list("pk", field.name):
            if is_json:
                text = sub(new, json.dumps(value, ensure_ascii=False))
                changed = json.loads(text)
            else:
                changed = sub(new, value)
            if changed != value:
                update(model._default_manager.filter(pk=pk), **{field.name: changed})


@transaction.atomic
def anonymise(person, *, why, by=None, by_name="Highlight", left_by=None):
    """Replace the person's name everywhere; returns the former name they now have. With
    `left_by` (the nightly run), only if they are still switched off and left by then:
    someone switched back on meanwhile is left alone (None)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        return str(person)
    if left_by and (person.is_active or not person.left_on or person.left_on > left_by):
        return None
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
