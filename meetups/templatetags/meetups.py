from django import template

from meetups.ordinals import ordinal as english_ordinal

register = template.Library()


@register.filter
def ordinal(value):
    """{{ 21|ordinal }} → "21st"; anything that is not a whole number passes through."""
    try:
        return english_ordinal(int(value))
    except (TypeError, ValueError):
        return value
