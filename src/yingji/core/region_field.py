"""The region input of the management forms, in one place: the shared region picker
(`core.regionpicker.RegionField`: a code or a name, cascading selects and a search)
bound at once to the caller's scope, so that it resolves only regions the caller may
write into and cleans to the region's code."""

from django.utils.translation import gettext_lazy as _

from .regionpicker import ANY_LEVEL, RegionField
from .scope import Scope


def region_field(scope: Scope, *, label=None, required: bool = True, levels=ANY_LEVEL) -> RegionField:
    field = RegionField(levels=levels, required=required, label=label or _("Region"))
    field.scope = scope
    return field
