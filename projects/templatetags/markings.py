"""{% marking_of obj %}: the protective marking a page about `obj` carries in its banner."""

from django import template

from .. import markings

register = template.Library()


@register.simple_tag
def marking_of(obj):
    if obj is None or obj == "":
        return markings.Organisation.current().default_marking
    return markings.marking_of(obj)
