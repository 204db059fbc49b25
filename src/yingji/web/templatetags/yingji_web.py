"""Small display helpers of the UI templates: `{% load yingji_web %}`."""

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ...core.ui import actor_label
from ...enterprises.choices import RISK_COLOURS, RiskGrade

register = template.Library()

# Audit actions as written by the services, in words a reader knows.
_ACTIONS = {"create": _("Created"), "update": _("Changed"), "delete": _("Deleted"), "import": _("Imported")}
# Bookkeeping columns that change with every save and tell a reader nothing.
_QUIET_FIELDS = {"id", "created_at", "updated_at"}


@register.simple_tag
def risk_dot(grade: str):
    """A coloured dot, titled with the grade's name for colour-blind readers. SVG, so the
    colour is a fill attribute: the Content-Security-Policy allows no style attribute."""
    colour = RISK_COLOURS.get(grade, "#999")
    label = RiskGrade(grade).label if grade in RiskGrade.values else grade
    return format_html('<svg class="dot" viewBox="0 0 2 2" role="img" aria-label="{}"><title>{}</title>'
                       '<circle cx="1" cy="1" r="1" fill="{}"/></svg>', label, label, colour)


@register.simple_tag
def risk_colour(grade: str) -> str:
    return RISK_COLOURS.get(grade, "#999")


@register.filter
def in_language(message: str) -> str:
    """The reader's half of a bilingual "中文 / English" message from the services."""
    zh, sep, en = str(message).partition(" / ")
    if not sep:
        return message
    return zh if (get_language() or "zh").startswith("zh") else en


@register.filter
def actor(record) -> str:
    """Who made an audit record (or any row with actor and actor_name), by name."""
    return actor_label(record.actor if record.actor_id else None, record.actor_name)


@register.filter
def audit_action(action: str) -> str:
    return _ACTIONS.get(action, action)


@register.filter
def changed_fields(record) -> str:
    """The fields an audit record changed, by their (Chinese) names: '名称、地址'."""
    before, after = record.before or {}, record.after or {}
    names = sorted(k for k in set(before) | set(after)
                   if before.get(k) != after.get(k) and k not in _QUIET_FIELDS)
    return "、".join(_verbose_name(record.object_type, n) for n in names)


def _verbose_name(object_type: str, attname: str) -> str:
    try:
        model = apps.get_model(object_type)
        field = model._meta.get_field(attname.removesuffix("_id"))
    except (LookupError, ValueError, FieldDoesNotExist):
        return attname
    # A snapshot key may name a reverse relation (no verbose name), e.g. a batch record.
    return str(getattr(field, "verbose_name", attname))
