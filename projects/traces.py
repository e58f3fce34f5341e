"""Where text names a person without a link to their account (issue 22): what anonymising
replaces and a subject-access archive searches, found the same way for both.

A person leaves traces in text as their full name, their email address and their username.
Each is matched only where it is theirs beyond doubt:
- a full name as whole words, a hyphen or a letter next to it making it another name
  ("Ann Lee" is not in "Ann Lee-Smith"), and not at all where someone else's name holds
  it ("Mary Ann Lee") or is the same: it may be theirs;
- a name of one word ("Will") only as the whole value of a name field, never in prose;
- an email address whole, in any case: not "lee@example.org" in "ann.lee@example.org";
- the username as written, as the whole value of a sign-in identifier, or in text
  Highlight writes in the form it writes it, "Name (username)", or anywhere in the audit's
  own events by or about them ("Made for zquintrell"): never in what others typed ("will"
  is a word). A username that is also their email address is found as the address too.
"""

import json
import re

from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Concat

from . import personal_data
from .models import AuditEvent, User

NAME_EDGE = r"[\w\-]"  # a letter or a hyphen beside a name makes it another name
EMAIL_BEFORE = r"[\w.+\-]"  # what may stand before an address inside another one
EMAIL_AFTER = r"(?:[\w\-]|\.\w)"


def former_name(person):
    return f"Former member of staff {person.pk}"


def whole_name(first, last):
    return " ".join(part for part in (first.strip(), last.strip()) if part)


def name_pattern(name):
    return re.compile(rf"(?<!{NAME_EDGE}){re.escape(name)}(?!{NAME_EDGE})", re.IGNORECASE)


def shared_name(person, name):
    """Whether someone else's name is the same or holds this one ("Mary Ann Lee")."""
    pattern = name_pattern(name)
    others = User.objects.exclude(pk=person.pk).annotate(
        whole=Concat("first_name", models.Value(" "), "last_name")
    )
    for word in name.split():
        others = others.filter(whole__icontains=word)
    return any(pattern.search(whole_name(first, last))
               for first, last in others.values_list("first_name", "last_name"))  # fmt: skip


class Traces:
    """A person's traces, worked out once: finder(holds) says how to find them in a field
    that holds that kind of personal data (projects/personal_data.py)."""

    def __init__(self, person):
        self.person = person
        name = whole_name(person.first_name, person.last_name)
        self.name = "" if not name or name == former_name(person) else name
        if self.name and shared_name(person, self.name):
            self.name = ""  # may be someone else's
        self.role = ""
        if self.name and (person.job_title or person.organisation_unit):
            self.role = f"{self.name}, {person.job_title or person.organisation_unit}"
        self.email = person.email.strip()
        self.username = person.username

    def finder(self, holds):
        return Finder(self, holds)


class Finder:
    """How to find one person's traces in a field holding `holds`: `contains` and `whole`
    narrow the rows in the database, `sub(new, text)` replaces exactly what is theirs."""

    def __init__(self, traces, holds):
        t = traces
        one_word = " " not in t.name  # an empty name too
        self.whole, self.patterns, self.contains, self.bare = [], [], [], None
        if holds == personal_data.ACCOUNT:
            self.whole = [t.name, t.email, t.username]
        elif holds == personal_data.NAME and one_word:
            self.whole = [t.name, t.email]
        else:
            for name in (t.role, t.name) if not one_word else ():
                self.patterns.append((name_pattern(name), "{}"))
                self.contains.append(name)
            if t.email:
                email = rf"(?<!{EMAIL_BEFORE}){re.escape(t.email)}(?!{EMAIL_AFTER})"
                self.patterns.append((re.compile(email, re.IGNORECASE), "{}"))
                self.contains.append(t.email)
            if holds == personal_data.SYSTEM_TEXT and t.username:
                written = f"({t.username})"  # as Highlight writes it, after the name
                self.patterns.append((re.compile(re.escape(written)), "({})"))
                self.contains.append(written)
                self.whole = [t.username]
                self.bare = re.compile(rf"(?<![\w.@\-]){re.escape(t.username)}(?![\w@\-]|\.\w)")
        self.whole = [w for w in self.whole if w]
        self.person = t.person

    def __bool__(self):
        return bool(self.whole or self.contains)

    def sub(self, new, text, own=False):
        """The text with the person's traces replaced by `new`; `own`: the row is one of
        the audit's events by or about them, where their bare username is theirs too."""
        if str(text).strip().lower() in {w.lower() for w in self.whole}:
            return new
        for pattern, form in self.patterns:
            text = pattern.sub(lambda _match, form=form: form.format(new), text)
        if own and self.bare:
            text = self.bare.sub(lambda _match: new, text)
        return text

    def names_them(self, value, own=False):
        if value in (None, ""):
            return False
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        return self.sub("\x00", str(value), own) != str(value)  # a mark no text holds

    def own_rows(self, model):
        """The pks of the audit's events by or about the person (others: an empty set)."""
        if model is not AuditEvent or not self.bare:
            return set()
        about = Q(actor_id=self.person.pk) | Q(object_type=User._meta.label_lower,
                                                object_id=str(self.person.pk))  # fmt: skip
        return set(AuditEvent.objects.filter(about).values_list("pk", flat=True))

    def candidates(self, model, field):
        """The rows whose field may name the person (in any case), for sub() to check:
        JSON read as its text, both ways it may write an accented letter."""
        condition = Q()
        for word in self.whole:
            condition |= Q(**{f"{field.name}__iexact": word})
        name, words = field.name, self.contains
        if isinstance(field, models.JSONField):
            name = f"{field.name}_text"
            words = sorted({json.dumps(w)[1:-1] for w in words}
                           | {json.dumps(w, ensure_ascii=False)[1:-1] for w in words})  # fmt: skip
        for word in words:
            condition |= Q(**{f"{name}__icontains": word})
        own = self.own_rows(model)
        if own:
            condition |= Q(pk__in=own, **{f"{field.name}__contains": self.person.username})
        rows = model._default_manager.all()
        if isinstance(field, models.JSONField):
            rows = rows.alias(**{name: Cast(field.name, models.TextField())})
        return rows.filter(condition)

    def rows(self, model, field):
        """The rows whose field names the person, each checked as sub() would change it."""
        if not self:
            return []
        related = [f.name for f in model._meta.fields if f.is_relation and f.many_to_one]
        rows = self.candidates(model, field).select_related(*related).order_by("pk")
        own = self.own_rows(model)
        return [row for row in rows.iterator(chunk_size=500)
                if self.names_them(getattr(row, field.name), row.pk in own)]  # fmt: skip
