"""{% marking_of obj %}: the protective marking a page about `obj` carries in its banner."""

from django import template

from .. import markings
from ..models import Organisation, Project

register = template.Library()


@register.simple_tag
def marking_of(obj):
    if obj is None or obj == "":
        return Organisation.current().default_marking
    if isinstance(obj, Project):
        # Its page lists its registers' risks and, for a programme, its projects.
        return markings.shown_with(obj) if obj.pk else markings.marking_of(obj)
    return markings.marking_of(obj)
