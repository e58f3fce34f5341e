"""Deputies (issue 19): a sponsor away in August names someone to approve and return their
reports from one date to another. The deputy sees the sponsor's reports to approve and acts
on them, recorded as approved by the deputy for the sponsor; separation of duties holds for
the deputy as for anyone (not the manager, not a writer, never the PMO). The same for an
approver the PMO named in place of a sponsor, or a director who sponsors."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import access, audit
from .models import Deputy


def today():
    return timezone.localdate()


def deputies_of(person, on=None):
    """Who deputises for `person` today: they are told of reports to approve too."""
    on = on or today()
    return [d.deputy for d in Deputy.objects.filter(
        person=person, starts__lte=on, ends__gte=on, deputy__is_active=True,
    ).select_related("deputy")]  # fmt: skip


def name(person, deputy, starts, ends):
    """`person` names `deputy` from `starts` to `ends`; ValidationError says why not."""
    errors = {}
    if deputy.pk == person.pk:
        errors["deputy"] = "Choose someone else: you cannot deputise for yourself."
    elif access.is_pmo(deputy):
        errors["deputy"] = (f"{deputy} is in the PMO, which does everything but approve: "
                            "choose someone outside it.")  # fmt: skip
    elif not deputy.is_active:
        errors["deputy"] = f"{deputy} is switched off."
    if ends < starts:
        errors["ends"] = "The last day comes on or after the first."
    elif ends < today():
        errors["ends"] = "That is over already."
    if errors:
        raise ValidationError(errors)
    made = Deputy.objects.create(person=person, deputy=deputy, starts=starts, ends=ends)
    audit.record(audit.Kind.APPROVER, actor=person, obj=deputy,
                 description=f"Named deputy to approve for {person.get_username()} "
                 f"from {starts:%d/%m/%Y} to {ends:%d/%m/%Y}.")  # fmt: skip
    return made


def remove(deputy_row, by):
    audit.record(audit.Kind.APPROVER, actor=by, obj=deputy_row.deputy,
                 description=f"No longer deputy for {deputy_row.person.get_username()} "
                 f"({deputy_row.starts:%d/%m/%Y} to {deputy_row.ends:%d/%m/%Y}).")  # fmt: skip
    deputy_row.delete()
