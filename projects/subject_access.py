"""A subject-access archive (issue 22): everything Highlight holds about one person, for the
PMO to answer a subject-access request within the month the law allows.

The records are found by reading the models, not from a list kept by hand: every field of
every model (history included) that points at a person is followed, so a record type added
later is in the archive without anyone remembering to add it. Secrets are left out (the
password's hash, second-factor secrets, API tokens' digests); they are not the person's
data in any readable form and would only weaken their account if the archive leaked.

Records that name the person without a link (sign-in logs, reminders sent to their address,
a risk owner's name as typed, free text) are found as anonymising finds them.

The archive is a zip: README.txt, account.json, and for each kind of record naming the
person one CSV and the same rows in records.json, each titled in words.
"""

import csv
import io
import json
import zipfile

from django.apps import apps
from django.utils import timezone

from . import anonymise, personal_data
from .exports import inert
from .models import AuditEvent, User
from .traces import Traces

# Fields never put in an archive, whatever model they are on.
SECRET_FIELDS = {"password", "digest", "secret", "data", "session_data", "sessions_epoch"}
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "job_title",
                  "organisation_unit", "is_active", "date_joined", "last_login")  # fmt: skip


def links_to_people():
    """(model, field) for every field of every installed model that points at a person."""
    found = []
    for model in apps.get_models():
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model is User:
                found.append((model, field))
    return sorted(found, key=lambda link: (link[0]._meta.label, link[1].name))


def title(model, field):
    """ "Projects naming you as sponsor", "Historical risks naming you as history user"."""
    plural = str(model._meta.verbose_name_plural)
    name = "the person who made the change" if field.name == "history_user" else field.verbose_name
    return f"{plural[:1].upper()}{plural[1:]} naming you as {name}"


def file_name(model, field):
    return f"{model._meta.app_label}/{model._meta.model_name}-{field.name}.csv"


def readable(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def headed(fields):
    """(heading, field) with each heading its verbose name, unique within the table."""
    seen, columns = set(), []
    for f in fields:
        heading = str(f.verbose_name)
        if heading in seen:
            heading = f"{heading} ({f.name})"
        seen.add(heading)
        columns.append((heading, f))
    return columns


def as_rows(queryset, fields):
    columns = headed(fields)
    return [{h: readable(value(row, f)) for h, f in columns} for row in queryset]


def value(row, field):
    """A choice as its label ("Overdue", not "overdue"); anything else as it is."""
    if field.choices and not field.is_relation:
        return getattr(row, f"get_{field.name}_display")()
    return getattr(row, field.name)


def secrets(model):
    """The model's fields never put in an archive: SECRET_FIELDS, and those the data map
    calls secrets or credentials (a chat channel's webhook address)."""
    base = getattr(model, "instance_type", model)  # a history's model: its record's marks
    marked = personal_data.collect().get(base._meta.label)
    kept_back = {personal_data.HASHED, personal_data.CREDENTIAL}
    own = {name for name, holds in (marked.fields.items() if marked else ()) if holds in kept_back}
    return SECRET_FIELDS | own


def rows_naming(person, model, field):
    """The rows of `model` whose `field` names the person, as {column: readable value}."""
    columns = [f for f in model._meta.fields if f.name not in secrets(model)]
    related = [f.name for f in columns if f.is_relation and f.many_to_one]
    rows = model._default_manager.filter(**{field.name: person}).select_related(*related)
    return as_rows(rows.order_by("pk").distinct(), columns)


def named_in_text(person):
    """[(title, file name, rows)] of records naming the person without a link: sign-in
    logs by username, reminders sent to their address, a risk owner's name as typed, free
    text naming them. Found as anonymising finds them (projects/anonymise.py), whole words
    only; a name someone else also has is left out, since it may be theirs."""
    found, traces = [], Traces(person)
    for model, field, holds in anonymise.text_fields():
        finder = traces.finder(holds)
        if not finder or model is User:
            continue  # their own account is account.json; another's is not theirs
        rows = finder.rows(model, field)
        if rows:
            columns = [f for f in model._meta.fields if f.name not in secrets(model)]
            plural = str(model._meta.verbose_name_plural)
            heading = f"{plural[:1].upper()}{plural[1:]} whose {field.verbose_name} names you"
            name = f"{model._meta.app_label}/{model._meta.model_name}-{field.name}-text.csv"
            found.append((heading, name, as_rows(rows, columns)))
    return found


def audit_about(person):
    """Audit events about the person (their rights changed, say), beside those they made."""
    events = AuditEvent.objects.filter(
        object_type=User._meta.label_lower, object_id=str(person.pk)
    ).order_by("at", "pk")
    return as_rows(events, AuditEvent._meta.fields)


def account(person):
    data = {str(User._meta.get_field(name).verbose_name): readable(getattr(person, name))
            for name in ACCOUNT_FIELDS}  # fmt: skip
    data["groups"] = sorted(person.groups.values_list("name", flat=True))
    return data


def sections(person):
    """[(title, file name, rows)] for every kind of record naming the person, empty ones
    left out."""
    found = []
    for model, field in links_to_people():
        if model is User:
            continue  # the account itself is account.json
        rows = rows_naming(person, model, field)
        if rows:
            found.append((title(model, field), file_name(model, field), rows))
    about = audit_about(person)
    if about:
        found.append(("Audit events about you", "projects/auditevent-about-you.csv", about))
    return found + named_in_text(person)


def as_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(
        {key: inert(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in rows
    )
    return "\ufeff" + out.getvalue()  # Excel reads the names' accents right with the BOM


def readme(person, found, organisation_name):
    lines = [
        f"Everything Highlight holds about {person} ({person.username}), as at "
        f"{timezone.localtime():%d/%m/%Y %H:%M}, for {organisation_name or 'the organisation'}.",
        "",
        "account.json: your account. records.json: every record below, in one file.",
        "Each CSV opens in Excel: one row per record, with the columns as Highlight names",
        "them. Records that name you as someone who changed them come from each record's",
        "history; the audit lists sign-ins, downloads, exports and changes of rights.",
        "Left out: your password (kept only as a hash) and second-factor and API token",
        "secrets, which would weaken your account and say nothing readable.",
        "",
        "What is here:",
    ]
    lines += [f"- {name}: {section} ({len(rows)})" for section, name, rows in found]
    return "\n".join(lines) + "\n"


def archive(person, organisation_name=""):
    """The archive's bytes (a zip)."""
    found = sections(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("README.txt", readme(person, found, organisation_name))
        zipped.writestr("account.json", json.dumps(account(person), indent=2, ensure_ascii=False))
        records = {section: rows for section, _name, rows in found}
        zipped.writestr("records.json", json.dumps(records, indent=2, ensure_ascii=False))
        for _section, name, rows in found:
            zipped.writestr(name, as_csv(rows))
    return buffer.getvalue()
