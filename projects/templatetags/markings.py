"""{% marking_of obj %}: the protective marking a page about `obj` carries in its banner."""

from django import template

from .. import markings
from ..models import Organisation, Project

register = template.Library()


@register.simple_tag
def marking_of(obj, rollup=None):
    """`rollup`: a programme report's roll-up, whose projects the page prints too."""
    if obj is None or obj == "":
        return Organisation.current().default_marking
    if isinstance(obj, Project):
        # Its page lists its registers' risks and, for a programme, its projects.
        shown = markings.shown_with(obj) if obj.pk else markings.marking_of(obj)
        rolled = markings.rolled_up_ids(rollup)
        return markings.highest_of_ids([shown.pk, *rolled]) if rolled else shown
    return markings.marking_of(obj)
