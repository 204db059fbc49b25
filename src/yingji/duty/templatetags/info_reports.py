"""Template filters of the information-report pages."""

from django import template

from ...core.ui import label_in_language

register = template.Library()


@register.filter
def label(value) -> str:
    """A choice label written "中文 English" (states, levels, grades) in the reader's language."""
    return label_in_language(value)
