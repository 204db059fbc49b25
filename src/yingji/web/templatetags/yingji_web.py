"""Small display helpers of the UI templates: `{% load yingji_web %}`."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from ...core.ui import actor_label
from ...enterprises.choices import RISK_COLOURS, RiskGrade
from .. import audit_labels

register = template.Library()

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
def audit_action(action: str):
    """An audit record's action in words; an action with no name, as the code it is."""
    return _named_or_code(audit_labels.action_label(action), action)


@register.filter
def record_type(object_type: str):
    """An audit record's type by its name ('隐患'); an unknown type, as the code it is."""
    return _named_or_code(audit_labels.record_type_label(object_type), object_type)


@register.filter
def changed_fields(record):
    """The fields an audit record changed, by their (Chinese) names: '名称、地址'; a key
    that names no field (a batch record's counts) as the code it is."""
    before, after = record.before or {}, record.after or {}
    names = sorted(k for k in set(before) | set(after)
                   if before.get(k) != after.get(k) and k not in _QUIET_FIELDS)
    return format_html_join("、", "{}", ((_named_or_code(audit_labels.field_label(record.object_type, n), n),)
                                        for n in names))


def _named_or_code(name: str | None, code: str):
    return format_html("{}", name) if name is not None else format_html("<code>{}</code>", code)
