"""Display helpers of the insurance pages: `{% load insurance_ui %}`."""

from django import template
from django.utils.translation import gettext_lazy as _

from ...core.ui import label_in_language
from ..storm_names import storm_name_html, storm_name_text

register = template.Library()


@register.filter
def storm_name(name: str):
    """利奇马 LEKIMA, the international name marked as English."""
    return storm_name_html(name)


@register.filter
def storm_title(name: str) -> str:
    """利奇马: for titles and other plain text."""
    return storm_name_text(name)


@register.filter
def label(value) -> str:
    """A "中文 english" choice label ('已通知 notified') in the reader's language."""
    return label_in_language(value)


@register.filter
def weight_name(key: str) -> str:
    """A criterion of the premium allocation by its name, as the table's headers say it."""
    return str(ALLOCATION_CRITERIA.get(key, key))


ALLOCATION_CRITERIA = {"gdp": "GDP", "typhoon_history": _("历史台风"), "location": _("地理位置"),
                       "area": _("面积"), "population": _("常住人口")}
