"""Template filters of the duty desk's pages."""

from django import template

from ...core.ui import label_in_language

register = template.Library()


@register.filter
def desk_label(value) -> str:
    """A "中文 English" choice label (电话 Phone) in the reader's language."""
    return label_in_language(value)
