"""Importing people: one row per person, matched on email address (or username), so
re-importing a list changes nothing. Nobody's password is set here: a new person is
invited to set their own (invitations.py). Rights are a superuser's to grant: the groups
column is honoured from the command line and for a superuser, ignored with a warning for
the rest of the PMO, and ignored entirely while single sign-on's groups claim decides them.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from .. import handover
from ..access import DIRECTORS, PMO
from ..models import Project, User
from ..spreadsheets import Outcome, RowError, text
from . import invitations
from .table import TableImporter, yes_or_no

GROUPS = (PMO, DIRECTORS)  # the groups an import may grant; others are left alone
HEADINGS = {
    "username": ["username", "userid", "login", "accountname", "samaccountname"],
    "email": ["email", "emailaddress", "mail", "workemail"],
    "full_name": ["fullname", "name", "displayname", "person"],
    "first_name": ["firstname", "forename", "givenname"],
    "last_name": ["lastname", "surname", "familyname"],
    "job_title": ["jobtitle", "title", "role", "position", "post"],
    "organisation_unit": [
        "organisationunit",
        "organisationalunit",
        "unit",
        "department",
        "directorate",
        "service",
        "team",
    ],
    "groups": ["groups", "group", "rights"],
    "active": ["active", "isactive", "enabled"],
}
GROUPS_NOT_GRANTED = (
    "Groups not changed (to {}): only a superuser grants rights, in the admin or from the "
    "command line."
)
FIELDS = ("first_name", "last_name", "job_title", "organisation_unit", "is_active")


def identify(row):
    # As Django's forms and sign-in read a username (a full-width "ａnn" is "ann").
    email, username = row.text("email"), User.normalize_username(row.text("username"))
    if not (email or username):
        raise RowError("Give an email address or a username.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise RowError(f"{email!r} is not an email address.") from None
    if username:
        try:
            User.username_validator(username)
        except ValidationError:
            raise RowError(
                f"The username {username!r} may hold letters, digits and @ . + - _ only."
            ) from None
    if len(username) > 150 or len(email) > 254:
        raise RowError("The username or email address is too long.")
    return {"ref": email or username, "email": email, "username": username}


def spaced(text):
    """Inner runs of spaces made one (pasted lists carry doubles)."""
    return " ".join(text.split())


def name(row):
    first, last = spaced(row.text("first_name")), spaced(row.text("last_name"))
    if not (first or last) and row.text("full_name"):
        first, _, last = spaced(row.text("full_name")).rpartition(" ")
        first, last = (first, last) if first else (last, "")
    values = {}
    if {"first_name", "full_name"} & row.present:
        values["first_name"] = first
    if {"last_name", "full_name"} & row.present:
        values["last_name"] = last
    for field in ("first_name", "last_name", "job_title", "organisation_unit"):
        limit = User._meta.get_field(field).max_length
        value = values.get(field, spaced(row.text(field)))
        if len(value) > limit:
            raise RowError(f"The {field.replace('_', ' ')} is longer than {limit} characters.")
        if field in row.present and field not in values:
            values[field] = value
    return values


def groups(row):
    if "groups" not in row.present:
        return {}
    named = {
        part.strip().lower() for part in text(row.cells.get("groups")).replace(",", ";").split(";")
    } - {""}
    known = {group.lower(): group for group in GROUPS}
    if unknown := sorted(named - set(known)):
        raise RowError(
            f"Groups are {' and '.join(GROUPS)} (or none): not "
            f"{', '.join(repr(u) for u in unknown)}."
        )
    return {"groups": {known[n] for n in named}}


def active(row):
    value = yes_or_no(row.cells.get("active"), "Active")
    return {} if value is None else {"is_active": value}


@dataclass
class PeopleOutcome(Outcome):
    invitations: int = 0

    JSON_KEYS = (*Outcome.JSON_KEYS, "invitations")


class PeopleImporter(TableImporter):
    outcome_class = PeopleOutcome
    upload_key = "people"
    HEADINGS = HEADINGS
    NEEDED = (("email", "username"), ("full_name", "first_name", "last_name"))
    PARSERS = (identify, name, groups, active)

    def identity(self, values):
        return (values["username"] or values["email"]).lower()

    def records(self):
        return User.objects.all()

    def records_state(self):
        rows = [person_row(p) for p in people_in_order()]
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()

    def parse(self, sheets):
        self.by_email, self.by_username, self.by_lower = {}, {}, {}
        for person in User.objects.annotate(email_lower=Lower("email")).prefetch_related("groups"):
            self.by_email.setdefault(person.email_lower, []).append(person)
            self.by_username[person.username] = person
            self.by_lower.setdefault(person.username.lower(), []).append(person)
        self.sso_groups = bool(getattr(settings, "OIDC_GROUPS_CLAIM", ""))
        self.grants = self.user is None or self.user.is_superuser
        items = super().parse(sheets)
        if items and "groups" in items[0].present and self.sso_groups:
            self.problem("warnings", items[0].sheet, 0, "", "The groups column was not "
                         "imported: single sign-on's groups claim decides who is in the PMO "
                         "and Directors.")  # fmt: skip
        people = {}
        for row in list(items):
            try:
                person = row.values["person"] = self.match(row)
                # One person twice (once by email, once by username) is one row too many.
                key = person.pk if person else (row.values["username"] or row.values["email"])
                key = key.lower() if isinstance(key, str) else key
                if key in people:
                    raise RowError(f"Also on {people[key][0]} row {people[key][1]}: each "
                                   "appears once in a file.")  # fmt: skip
                people[key] = (row.sheet, row.number)
                self.check(row)
            except RowError as exc:
                self.problem("errors", row.sheet, row.number, row.ref, str(exc))
                items.remove(row)
        return items

    def match(self, row):
        """The person the row is about, or None for someone new. A username names its exact
        holder (Django's usernames are case-sensitive); an email address, the one person
        who has it."""
        email, username = row.values["email"].lower(), row.values["username"]
        if username:
            named = self.by_username.get(username) or self.unique_username(username)
            if named is not None:
                if email and named.email.lower() != email:
                    raise RowError(
                        f"{named.username!r} has another email address in "
                        "Highlight; an import never changes one (the admin does)."
                    )
                return named
        by_email = self.by_email.get(email, []) if email else []
        if len(by_email) > 1:
            raise RowError(f"{len(by_email)} people in Highlight have the email address "
                           f"{row.values['email']}: give the username too.")  # fmt: skip
        if by_email:
            if username:  # a new username for someone who is here under another
                raise RowError(f"{row.values['email']} is {by_email[0].username!r}'s address; "
                               "an import never changes a username.")  # fmt: skip
            return by_email[0]
        if not email:
            raise RowError("A new person needs an email address, for their invitation.")
        new = (username or email).lower()
        if new in self.by_email or (not username and new in self.by_lower):
            raise RowError(f"{username or email!r} is someone else's username or email "
                           "address: give this person one of their own.")  # fmt: skip
        if email in self.by_lower:
            raise RowError(f"{row.values['email']} is someone else's username.")
        return None

    def unique_username(self, username):
        """The one person whose username is this one but for case; a RowError when there are
        several (Olive and olive)."""
        found = self.by_lower.get(username.lower(), [])
        if len(found) > 1:
            raise RowError(f"{len(found)} people have the username {username!r} in one case "
                           "or another: write it exactly as Highlight has it.")  # fmt: skip
        return found[0] if found else None

    def check(self, row):
        person, values = row.values["person"], row.values
        if person is None:
            if not (values.get("first_name") or values.get("last_name")):
                raise RowError("A new person needs a name.")
            self.check_domain(values["email"])
            if values.get("groups") and not self.grants and not self.sso_groups:
                row.warn(GROUPS_NOT_GRANTED.format(", ".join(sorted(values["groups"]))))
            return
        if {"first_name", "last_name"} & set(values) and not (
            values.get("first_name") or values.get("last_name")
        ):
            row.warn(f"No name given: {person}'s name is kept.")
            for field in ("first_name", "last_name"):
                values.pop(field, None)
        values["changed"] = changed = [
            f for f in FIELDS if f in values and values[f] != getattr(person, f)
        ] + (["groups"] if self.groups_change(row, person) else [])
        if changed and (person.is_staff or person.is_superuser) and not self.grants:
            raise RowError(f"{person}'s account reaches the admin: only a superuser changes it.")
        if (
            "is_active" in changed
            and values["is_active"]
            and self.held(person)
            and not (self.grants)
        ):
            raise RowError(f"{person} is in {' and '.join(sorted(self.held(person)))}: only a "
                           "superuser switches on an account with rights.")  # fmt: skip
        self.still_allowed(row, person)

    def still_allowed(self, row, person):
        """The checks that hang on other records (what the person is responsible for): made
        when the file is read, and again as it is written, under the import's lock, in
        case a colleague's change came in between."""
        values, changed = row.values, row.values["changed"]
        if "is_active" in changed and not values["is_active"]:
            if self.user is not None and person.pk == self.user.pk:
                raise RowError("You cannot switch yourself off.")
            if items := handover.responsibilities(person):
                raise RowError(
                    f"{person} is still responsible for {len(items)} thing"
                    f"{'s' if len(items) > 1 else ''} ({items[0].what}…): hand "
                    "them over to a successor (Settings → Hand over) instead."
                )
        adds_pmo = "groups" in changed and PMO in values["groups"]
        if adds_pmo and (sponsored := Project.objects.filter(sponsor=person).first()):
            raise RowError(
                f"{person} sponsors {sponsored.code}, and nobody in the PMO "
                "sponsors: hand that over first."
            )

    def check_domain(self, email):
        """A new account from the PMO's page goes only to an address of the organisation's
        own (PEOPLE_EMAIL_DOMAINS), a mailbox the PMO cannot make for itself: an account
        the PMO made and could sign in to could be appointed sponsor and approve."""
        if self.grants:
            return
        domains = settings.PEOPLE_EMAIL_DOMAINS
        if not domains:
            raise RowError(
                "Only a superuser adds people until PEOPLE_EMAIL_DOMAINS names the "
                "organisation's email domains (README, People and rights)."
            )
        if email.rpartition("@")[2].lower() not in domains:
            raise RowError(
                f"{email} is not an address of the organisation's own "
                f"({', '.join(domains)}): only a superuser adds it."
            )

    def groups_change(self, row, person):
        """Whether the row changes the person's groups; a warning where it would but may
        not (only a superuser grants rights)."""
        wanted = row.values.get("groups")
        if wanted is None or self.sso_groups:
            return False
        if self.held(person) == wanted:
            return False
        if not self.grants:
            row.warn(GROUPS_NOT_GRANTED.format(", ".join(sorted(wanted)) or "none"))
            return False
        return True

    @staticmethod
    def held(person):
        return {g.name for g in person.groups.all() if g.name in GROUPS}

    # --- Writing -------------------------------------------------------------------------

    def write(self, parsed, user):
        named_groups = {g.name: g for g in Group.objects.filter(name__in=GROUPS)}
        for group in set(GROUPS) - set(named_groups):
            named_groups[group] = Group.objects.create(name=group)
        invited = []
        for row in parsed:
            person = row.values["person"]
            if person is None:
                person = self.create(row)
                if self.grants and not self.sso_groups and row.values.get("groups"):
                    person.groups.add(*(named_groups[g] for g in row.values["groups"]))
                if person.is_active:
                    invited.append(person.pk)
            else:
                try:
                    self.still_allowed(row, person)
                except RowError as exc:  # the write is undone: errors found writing undo it
                    self.problem("errors", row.sheet, row.number, row.ref, str(exc))
                    continue
                self.update(row, person, named_groups)
        self.outcome.invitations = len(invited)
        if invited:
            by = user.pk if user else None
            transaction.on_commit(lambda: invitations.send_later(invited, by))

    def create(self, row):
        values = row.values
        person = User(
            username=values["username"] or values["email"].lower(),
            email=values["email"],
            is_active=values.get("is_active", True),
            **{f: values.get(f, "") for f in FIELDS[:4]},
        )
        person.set_unusable_password()
        person.save()
        self.outcome.created += 1
        self.outcome.changes.append(("create", values["ref"], str(person)))
        return person

    def update(self, row, person, named_groups):
        changed = row.values["changed"]
        if not changed:
            self.outcome.unchanged += 1
            return
        if fields := [f for f in changed if f != "groups"]:
            for field in fields:
                setattr(person, field, row.values[field])
            person.save(update_fields=fields)
        if "groups" in changed:
            wanted, has = row.values["groups"], self.held(person)
            if add := wanted - has:
                person.groups.add(*(named_groups[g] for g in add))
            if remove := has - wanted:
                person.groups.remove(*(named_groups[g] for g in remove))
        self.outcome.updated += 1
        self.outcome.changes.append(
            ("update", row.values["ref"], ", ".join(c.replace("_", " ") for c in changed))
        )


# --- The same layout, exported --------------------------------------------------------------

COLUMNS = (
    "Username",
    "Email",
    "First name",
    "Last name",
    "Job title",
    "Organisation unit",
    "Groups",
    "Active",
)


def people_in_order():
    return User.objects.prefetch_related("groups").order_by(Lower("username"))


def person_row(person):
    groups_held = sorted(g.name for g in person.groups.all() if g.name in GROUPS)
    return [
        person.username,
        person.email,
        person.first_name,
        person.last_name,
        person.job_title,
        person.organisation_unit,
        "; ".join(groups_held),
        "yes" if person.is_active else "no",
    ]
