"""Forms of the management pages (people and duties, organizations, the audit log).
They parse input and offer only choices inside the caller's scope; the services
(core.services) validate, check scope again and write, exactly as for the API."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core import selectors as core_selectors
from ..core.choices import OrganizationKind, Role
from ..core.models import MOBILE_PATTERN
from ..core.region_field import region_field
from ..core.scope import Scope
from ..core.ui import date_input
from . import audit_labels
from .forms import IMPORT_SUFFIXES, ImportForm

__all__ = ["IMPORT_SUFFIXES", "AuditFilterForm", "DutyForm", "ImportForm", "OrganizationForm", "PersonForm",
           "region_field"]

MOBILE_ERROR = _("Enter digits only (5 to 19, a leading + allowed), e.g. 13800000000")


def _organization_choices(scope: Scope, current=None) -> list[tuple[str, str]]:
    orgs = core_selectors.organization_list(scope=scope).order_by("kind", "region_id", "name")
    choices = [("", "—")] + [(str(o.pk), f"{o.name} · {o.region.name}") for o in orgs]
    if current is not None and str(current.pk) not in {c for c, _label in choices}:
        choices.append((str(current.pk), current.name))  # kept as it is, though outside the list
    return choices


class PersonForm(forms.Form):
    """A person of the register. The superior is named by mobile number (a select
    of thousands of people would be unusable) and found inside the caller's scope."""

    name = forms.CharField(label=_("Name"), max_length=50)
    mobile = forms.RegexField(label=_("Mobile"), regex=MOBILE_PATTERN, max_length=20, required=False,
                              error_messages={"invalid": MOBILE_ERROR})
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    superior_mobile = forms.CharField(label=_("Superior's mobile"), max_length=20, required=False,
                                      help_text=_("The superior who is told when this person does not answer"))

    def __init__(self, *args, scope: Scope, person=None, **kwargs):
        if person is not None:
            kwargs.setdefault("initial", self.initial_for(person))
        super().__init__(*args, **kwargs)
        self.scope, self.person = scope, person
        self.fields["region"] = region_field(scope)
        self.fields["organization"] = forms.ChoiceField(
            label=_("Organization"), required=False,
            choices=_organization_choices(scope, person.organization if person else None))
        if scope.role != Role.ADMIN:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]
            if person is not None and person.role == Role.ADMIN:
                self.fields["role"].disabled = True
        self.order_fields(["name", "mobile", "region", "organization", "title", "role", "superior_mobile"])
        if person is None:
            self.fields["username"] = forms.RegexField(
                label=_("Login name"), regex=r"^[\w.@+-]*$", max_length=150, required=False,
                help_text=_("Only for people who log in; leave empty for responsible persons who are only called"))
            self.fields["password"] = forms.CharField(label=_("Password"), max_length=128, required=False,
                                                      widget=forms.PasswordInput)
        else:
            self.fields["active"] = forms.BooleanField(label=_("Active"), required=False)

    @staticmethod
    def initial_for(person) -> dict:
        return {"name": person.name, "mobile": person.mobile, "region": person.region_id,
                "organization": person.organization_id or "", "title": person.title, "role": person.role,
                "superior_mobile": person.superior.mobile if person.superior_id else "", "active": person.active}

    def clean_superior_mobile(self):
        mobile = self.cleaned_data["superior_mobile"].strip()
        if not mobile:
            return None
        if self.person is not None and self.person.superior_id and self.person.superior.mobile == mobile:
            return self.person.superior_id  # kept as it is, even when the superior is above the caller's region
        found = [p for p in core_selectors.person_list(scope=self.scope, q=mobile)[:20] if p.mobile == mobile]
        if len(found) != 1:
            raise forms.ValidationError(_("No single person with this mobile in your jurisdiction"))
        if self.person is not None and found[0].pk == self.person.pk:
            raise forms.ValidationError(_("A person cannot be their own superior"))
        return found[0].pk

    def service_kwargs(self) -> dict:
        """`person_create` / `person_update` keywords; only what changed on an edit."""
        data = self.cleaned_data
        kwargs = {"name": data["name"], "mobile": data["mobile"], "region_id": data["region"],
                  "organization_id": int(data["organization"]) if data["organization"] else None,
                  "title": data["title"], "superior_id": data["superior_mobile"]}
        if not self.fields["role"].disabled:
            kwargs["role"] = data["role"]
        if self.person is None:
            kwargs.update(username=data["username"], password=data["password"])
            return kwargs
        kwargs["active"] = data["active"]
        return {k: v for k, v in kwargs.items() if getattr(self.person, k) != v}


class DutyForm(forms.Form):
    """Give a person a duty (职责) in a region."""

    kind = forms.ChoiceField(label=_("Duty"))

    def __init__(self, *args, scope: Scope, person=None, **kwargs):
        if person is not None:
            kwargs.setdefault("initial", {"region": person.region_id})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—")] + [(k.code, k.name) for k in core_selectors.duty_kind_list()]
        self.fields["region"] = region_field(scope, label=_("Region of the duty"))


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, scope: Scope, organization=None, **kwargs):
        if organization is not None:
            kwargs.setdefault("initial", {"name": organization.name, "kind": organization.kind,
                                          "region": organization.region_id, "phone": organization.phone,
                                          "parent": organization.parent_id or ""})
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["region"] = region_field(scope)
        self.fields["parent"] = forms.ChoiceField(
            label=_("Parent organization"), required=False,
            choices=_organization_choices(scope, organization.parent if organization else None))
        self.order_fields(["name", "kind", "region", "parent", "phone"])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"name": data["name"], "kind": data["kind"], "region_id": data["region"],
                  "parent_id": int(data["parent"]) if data["parent"] else None, "phone": data["phone"]}
        if self.organization is None:
            return kwargs
        return {k: v for k, v in kwargs.items() if getattr(self.organization, k) != v}


class AuditFilterForm(forms.Form):
    """Filters of the audit log; invalid input filters nothing out."""

    object_type = forms.ChoiceField(label=_("Record type"), required=False)
    actor = forms.CharField(label=_("Done by (login name)"), max_length=150, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=date_input())
    until = forms.DateField(label=_("To"), required=False, widget=date_input())

    def __init__(self, *args, object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types"))] + [(t, _type_label(t)) for t in object_types]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date"))
        return data

    def filters(self) -> dict:
        """Keyword arguments for `audit_list`: dates as whole local days."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        out = {"object_type": data["object_type"], "actor": data["actor"].strip()}
        if data["since"]:
            out["since"] = _start_of(data["since"])
        if data["until"]:
            out["until"] = _start_of(data["until"] + dt.timedelta(days=1))
        return out


def _type_label(object_type: str) -> str:
    """A record type by its name in the reader's language ("人员"), the code when unknown."""
    return audit_labels.record_type_label(object_type) or object_type


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
