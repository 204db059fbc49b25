"""The one region picker of every form and filter: a form field that takes a region by
code or by name, and a widget that offers cascading selects and a search.

Without script the widget is a text box: a person types a code (331081101), a name
(大溪镇) or a qualified name (温岭市大溪镇), and the field resolves it inside the
caller's scope (`core.selectors.region_resolve`), refusing with a clear reason what
is unknown, ambiguous (the candidates listed), outside the caller's jurisdiction or of
the wrong level. `static/core/regionpicker.js` adds, next to the box, one select per
level below the caller's region and suggestions while typing (names, codes, pinyin
initials), from `GET /api/region-picker` (scoped) or, on public forms,
`GET /api/public/region-picker` (the region tree only). Whatever is picked lands in
the box as the region's name, so the field never needs to know how it was chosen.

A form with a `RegionField` is bound to its caller's scope with `bind_scope(form,
scope)`; a public field (`public=True`) reads the whole tree and needs no binding.
"""

import re

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .errors import DomainError, bilingual
from .scope import PUBLIC_REGIONS, Scope
from .selectors import region_label, region_label_base, region_resolve

ANY_LEVEL = (RegionLevel.PROVINCE, RegionLevel.GRID)
# How several regions are separated in one box: what people type between names.
SEPARATORS = re.compile(r"[\s,，、;；]+")
JOINER = "、"


class RegionPicker(forms.TextInput):
    """The text box of a RegionField, wrapped for the script: shows regions by name."""

    template_name = "core/widgets/regionpicker.html"

    def __init__(self, *, levels=ANY_LEVEL, multiple=False, public=False, attrs=None):
        attrs = {"autocomplete": "off", "spellcheck": "false",
                 "placeholder": _("name, pinyin initials or code"), **(attrs or {})}
        super().__init__(attrs)
        self.levels, self.multiple, self.public = levels, multiple, public
        self.scope: Scope | None = PUBLIC_REGIONS if public else None

    def format_value(self, value):
        """Codes (the initial value) are shown as names; typed text as it was typed."""
        codes = value if isinstance(value, list | tuple) else [value] if value else []
        if not codes or self.scope is None or not all(isinstance(c, str) and c.isdigit() for c in codes):
            return super().format_value(JOINER.join(str(c) for c in codes) if codes else value)
        from .models import Region

        base = region_label_base(scope=self.scope)
        found = {r.code: r for r in self.scope.filter(Region.objects.filter(code__in=codes))}
        return JOINER.join(region_label(found[c], base) if c in found else c for c in codes)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["picker"] = {
            "url": reverse("api:region_pick_public" if self.public else "api:region_pick"),
            "min_level": int(self.levels[0]), "max_level": int(self.levels[1]),
            "multiple": self.multiple,
        }
        return context


class RegionField(forms.CharField):
    """A region (or, with `multiple`, several) by code or name; cleans to the code
    (a list of codes). `levels` bounds the levels accepted, e.g. (TOWNSHIP, GRID)
    for an enterprise's place."""

    def __init__(self, *, levels=ANY_LEVEL, multiple=False, public=False, **kwargs):
        kwargs.setdefault("max_length", 2000 if multiple else 300)
        kwargs.setdefault("widget", RegionPicker(levels=levels, multiple=multiple, public=public))
        messages = {"required": bilingual("请选择或输入区划", "Choose or type a region")}
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.levels, self.multiple, self.public = levels, multiple, public

    @property
    def scope(self) -> Scope | None:
        return self.widget.scope

    @scope.setter
    def scope(self, scope: Scope) -> None:
        self.widget.scope = scope

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return [] if self.multiple else ""
        if self.scope is None:
            raise ImproperlyConfigured("RegionField needs bind_scope(form, scope) before validation")
        if not self.multiple:
            return self._resolve(text)
        codes, problems = [], []
        for part in SEPARATORS.split(text):
            if not part:
                continue
            try:
                code = self._resolve(part)
            except forms.ValidationError as exc:
                problems.extend(exc.messages)
            else:
                if code not in codes:
                    codes.append(code)
        if problems:
            raise forms.ValidationError(problems)
        return codes

    def _resolve(self, text: str) -> str:
        try:
            return region_resolve(scope=self.scope, text=text, levels=self.levels).code
        except DomainError as exc:
            raise forms.ValidationError(bilingual(exc.zh, exc.en), code="region") from exc


def bind_scope(form: forms.BaseForm, scope: Scope) -> forms.BaseForm:
    """Give every (non-public) RegionField of `form` the caller's scope: what it may
    resolve, and where its selects start. Returns the form."""
    for field in form.fields.values():
        if isinstance(field, RegionField) and not field.public:
            field.scope = scope
    return form
